"""Every field an editor fills in has a Japanese label and help text."""

import re

import pytest
from django.apps import apps
from wagtail.models import Page

from home.models import SearchEntry

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
NOT_EDITED_BY_PEOPLE = {SearchEntry}
PAGE_FIELDS = {f.name for f in Page._meta.get_fields()}
ROW_FIELDS = {"id", "sort_order", "page"}


def editor_fields():
    for app in ("home", "council", "facilities"):
        for model in apps.get_app_config(app).get_models():
            if model in NOT_EDITED_BY_PEOPLE:
                continue
            for field in model._meta.get_fields():
                if field.auto_created or not getattr(field, "editable", False):
                    continue
                if field.name in ROW_FIELDS:
                    continue
                if issubclass(model, Page) and field.name in PAGE_FIELDS:
                    continue
                yield pytest.param(field, id=f"{model.__name__}.{field.name}")


@pytest.mark.parametrize("field", editor_fields())
def test_field_has_japanese_label_and_help_text(field):
    assert JAPANESE.search(str(field.verbose_name)), "label is not Japanese"
    assert JAPANESE.search(str(field.help_text)), "help text is missing or not Japanese"
