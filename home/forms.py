"""Reading the page editor's post defensively, before Wagtail's widgets read it.

Wagtail's StreamField and rich text widgets read their part of the post as the
editor's script writes it: a block count and numbered keys, Draftail's JSON. A
post that was not written by the editor (a forged count, keys missing, JSON that
is not Draftail's, strings with a NUL or half of a surrogate pair that no database
stores) makes them raise, and the page editor answers with a server error.

``unreadable_fields`` finds such fields in a page form and its inline rows;
``BasePageForm`` (home/models.py) blanks them before the form is built and shows
a Japanese error on each, so the editor gets the form back and nothing is saved.
"""

import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet
from wagtail.blocks import StreamBlock
from wagtail.blocks.base import BlockField

UNREADABLE = (
    "送信された内容を読み取れませんでした(編集画面から送られた形ではありません)。"
    "ページを開き直して、もう一度入力してください。"
)
ROWS_CHANGED = (
    "「{label}」の行の数が、ページを開いたときと合いません(同じページがほかで保存されたか、"
    "編集画面から送られた形ではありません)。ページを開き直して、もう一度入力してください。"
)
NOT_A_CHOICE = "選択肢にない値です。選び直してください。"
NOT_TEXT = "文字ではないデータ(NUL など)が含まれています。その部分を入力し直してください。"
MAX_BLOCKS = 1000
COUNT = re.compile(r"\d{1,4}")
# What the widgets can raise on a post that is not in their format.
READ_ERRORS = (KeyError, ValueError, TypeError, AttributeError, OverflowError, RecursionError)


def is_storable_text(value):
    """Whether a string can be stored in every database: UTF-8 and no NUL."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


def stream_problem(block, data, key):
    """Why the stream's numbered keys are not the editor's, or None."""
    count = data.get(f"{key}-count")
    if not isinstance(count, str) or not COUNT.fullmatch(count) or int(count) > MAX_BLOCKS:
        return UNREADABLE
    for i in range(int(count)):
        if f"{key}-{i}-deleted" not in data or data[f"{key}-{i}-deleted"]:
            continue
        if data.get(f"{key}-{i}-type") not in block.child_blocks:
            return UNREADABLE
    return None


def choice_problem(field, data, key):
    """Why a chosen object's id cannot even be looked up, or None.

    Wagtail's chooser widgets look the posted id up to draw the form again, and the
    database driver refuses a number beyond 64 bits; both raise instead of saying no.
    """
    values = data.getlist(key) if hasattr(data, "getlist") else [data.get(key)]
    pk = field.queryset.model._meta.pk
    for value in values:
        if value in (None, ""):
            continue
        try:
            value = pk.to_python(value)
        except ValidationError:
            return NOT_A_CHOICE
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            return NOT_A_CHOICE
    return None


def field_problem(field, data, files, key):
    """The message for a field whose posted value cannot be read or stored, or None."""
    if isinstance(field, forms.ModelChoiceField):
        return choice_problem(field, data, key)
    if isinstance(field, BlockField) and isinstance(field.block, StreamBlock):
        problem = stream_problem(field.block, data, key)
        if problem:
            return problem
    if not isinstance(field, BlockField) and not hasattr(field.widget, "converter"):
        return None  # plain widgets read their value without parsing it
    try:
        value = field.widget.value_from_datadict(data, files, key)
        if isinstance(field, BlockField):
            value = json.dumps(field.block.get_prep_value(value), ensure_ascii=False)
    except READ_ERRORS:
        return UNREADABLE
    if isinstance(value, str) and not is_storable_text(value):
        return NOT_TEXT
    return None


def blank(field, data, key):
    """Remove the field's part of the post, so that it reads as empty."""
    if isinstance(field, BlockField):
        for name in [k for k in data if k.startswith(f"{key}-")]:
            del data[name]
        data[f"{key}-count"] = "0"
    else:
        data.pop(key, None)


def unreadable_fields(form_class, data, files, prefix=None):
    """[(path, field name, message)] for fields of ``form_class`` and of its inline rows
    whose posted value cannot be read; ``path`` is a tuple of (relation, row index) pairs.
    Blanks those fields in ``data`` (which must be mutable)."""
    found = []
    for name, field in form_class.base_fields.items():
        key = f"{prefix}-{name}" if prefix else name
        problem = field_problem(field, data, files, key)
        if problem:
            blank(field, data, key)
            found.append(((), name, problem))
    for relation, formset_class in getattr(form_class, "formsets", {}).items():
        formset_prefix = f"{prefix}-{relation}" if prefix else relation
        total = data.get(f"{formset_prefix}-TOTAL_FORMS", "")
        initial = data.get(f"{formset_prefix}-INITIAL_FORMS", "")
        if not all(isinstance(n, str) and n.isascii() and n.isdigit() for n in (total, initial)):
            continue  # Django's management form refuses it and builds no rows
        limit = getattr(formset_class, "absolute_max", MAX_BLOCKS)
        total, initial = (int(n) if len(n) <= 9 else limit + 1 for n in (total, initial))
        pk_name = formset_class.model._meta.pk.name
        ids = [data.get(f"{formset_prefix}-{i}-{pk_name}") for i in range(min(initial, limit))]
        if (
            total > limit
            or initial > total
            or not all(isinstance(pk, str) and pk.isascii() and pk.isdigit() for pk in ids)
        ):
            # Rows the formset could not even build (modelcluster reads each existing
            # row's id without checking it): build none, and refuse the post.
            data[f"{formset_prefix}-TOTAL_FORMS"] = data[f"{formset_prefix}-INITIAL_FORMS"] = "0"
            label = formset_class.model._meta.verbose_name
            found.append(((), None, ROWS_CHANGED.format(label=label)))
            continue
        for i in range(total):
            for path, name, problem in unreadable_fields(
                formset_class.form, data, files, prefix=f"{formset_prefix}-{i}"
            ):
                found.append((((relation, i), *path), name, problem))
    return found


def inline_rows_problem(formset):
    """Why an inline formset's row counts or ids are not what the editor posts, or None.

    The editor's script only adds rows: the count of existing rows is the number the
    page has, the total is at least that, and each existing row is posted once.
    Anything else would drop or duplicate rows without the editor deleting them.
    """
    if not isinstance(formset, BaseFormSet) or not formset.is_bound:
        return None
    management = formset.management_form
    label = formset.model._meta.verbose_name
    if not management.is_valid():
        return ROWS_CHANGED.format(label=label)
    total = management.cleaned_data["TOTAL_FORMS"]
    initial = management.cleaned_data["INITIAL_FORMS"]
    existing = formset.get_queryset()
    if total < 0 or initial < 0 or initial > total or initial != len(existing):
        return ROWS_CHANGED.format(label=label)
    pk_name = formset.model._meta.pk.name
    posted = [formset.data.get(f"{formset.add_prefix(i)}-{pk_name}") for i in range(initial)]
    if len(set(posted)) != len(posted):
        return ROWS_CHANGED.format(label=label)
    return None
