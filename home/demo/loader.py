"""Load the demo site from the YAML files that each app declares.

An app lists its files in ``demo_data`` on its AppConfig: paths under the
app's folder, or (path, dotted path of a step) where something is generated
by code; a step takes no arguments and returns labels of what it created.
Files load by their ``order`` number (INSTALLED_APPS order on a tie), in
phases: pages, steps, ``records``, ``links``, ``settings``. A file holds:

- ``pages``: ``type`` (a label such as ``council.MeetingPage``), ``slug``,
  ``parent`` (a path under the site root, default ``/``), ``children`` and
  model fields; the root page has ``site`` instead of a parent. StreamFields
  take lists of ``{type, value}``, rich text an HTML string (or a list of
  them), child rows lists of dicts, foreign keys and many-to-many a page
  path, a ``name`` or a lookup dict such as ``{number: 3}``.
- ``records``: rows of a model that is not a page (a snippet such as the
  用語集's terms): ``type``, ``key`` (the field that tells rows apart) and
  ``rows``; a row is created only when no row has its key's value. Foreign
  keys as for pages; no many-to-many.
- ``links``: child rows pointing at pages of any app, set once all pages
  exist and only where the page has none yet.
- ``settings``: site settings, set only while untouched.
- ``labels``: how created pages of a type are listed (``str.format``).

Pages are found by slug under their parent and created only when missing,
so loading again changes nothing. The whole load is one transaction.
"""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import yaml
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site

from .. import search

PAGE_KEYS = {"type", "parent", "children", "site"}


class DemoDataError(Exception):
    pass


class DataLoader(yaml.SafeLoader):
    """YAML with ``!days_ago N``: the date N days before the day of loading."""


DataLoader.add_constructor(
    "!days_ago",
    lambda loader, node: (
        timezone.localdate() - dt.timedelta(days=int(loader.construct_scalar(node)))
    ),
)


def declared_files():
    """Every app's demo files as {name, data, step}, in load order."""
    units = []
    for config in apps.get_app_configs():
        for entry in getattr(config, "demo_data", ()):
            path, step = (entry, None) if isinstance(entry, str) else entry
            name = f"{config.label}/{path}"
            try:
                with open(Path(config.path) / path, encoding="utf-8") as fh:
                    data = yaml.load(fh, Loader=DataLoader) or {}
            except (OSError, yaml.YAMLError) as error:
                raise DemoDataError(f"{name}: ファイルを読み込めません({error})") from error
            if not isinstance(data, dict):
                raise DemoDataError(f"{name}: ファイルの形が正しくありません。")
            units.append({"name": name, "data": data, "step": step})
    return sorted(units, key=lambda u: u["data"].get("order", 0))


class Demo:
    def __init__(self):
        self.created = []
        self.pages = {}  # path under the site root -> page, so parents stay the same objects

    def fail(self, where, message):
        raise DemoDataError(f"{where}: {message}")

    def model(self, where, label):
        try:
            return apps.get_model(label)
        except (LookupError, ValueError, AttributeError):
            self.fail(where, f"不明な種類「{label}」です。")

    # --- Looking things up ----------------------------------------------------

    def page(self, where, path):
        if path in self.pages:
            return self.pages[path]
        site = Site.objects.filter(is_default_site=True).first()
        found = (
            site
            and isinstance(path, str)
            and Page.objects.filter(url_path=site.root_page.url_path + path[1:]).first()
        )
        if not found:
            self.fail(where, f"ページ「{path}」が見つかりません。")
        self.pages[path] = found.specific
        return self.pages[path]

    def lookup(self, where, model, value):
        if issubclass(model, Page):
            return self.page(where, value)
        query = value if isinstance(value, dict) else {"name": value}
        try:
            return model.objects.get(**query)
        except (model.DoesNotExist, FieldDoesNotExist, ValueError, TypeError):
            self.fail(where, f"{model._meta.verbose_name}「{value}」が見つかりません。")

    # --- Building objects -------------------------------------------------------

    def stream(self, where, field, items):
        out = []
        for item in items:
            block = field.stream_block.child_blocks.get(item.get("type"))
            if block is None:
                self.fail(where, f"{field.name}: 不明なブロック「{item.get('type')}」です。")
            value = item.get("value")
            if isinstance(block, blocks.RichTextBlock) and isinstance(value, list):
                value = "".join(value)
            if isinstance(block, blocks.StructBlock):
                unknown = set(value) - set(block.child_blocks)
                if unknown:
                    self.fail(
                        where, f"{field.name}: 不明な項目「{'、'.join(sorted(unknown))}」です。"
                    )
                value = {
                    n: value[n] if n in value else empty(c) for n, c in block.child_blocks.items()
                }
            out.append({"type": item["type"], "value": value})
        return json.dumps(out, ensure_ascii=False)

    def field(self, where, obj, name):
        try:
            return obj._meta.get_field(name)
        except FieldDoesNotExist:
            self.fail(where, f"不明な項目「{name}」です({obj._meta.label})。")

    def fill(self, where, obj, spec, skip=()):
        """Set fields, child rows and many-to-many values of ``obj`` from ``spec``."""
        later = []
        for name, value in spec.items():
            if name in skip:
                continue
            field = self.field(where, obj, name)
            if field.one_to_many and isinstance(field.remote_field, ParentalKey):
                rows = [
                    self.row(f"{where} {name}[{i}]", field.related_model, r, i)
                    for i, r in enumerate(value)
                ]
                setattr(obj, name, rows)
            elif field.many_to_many:
                later.append((name, [self.lookup(where, field.related_model, v) for v in value]))
            elif isinstance(field, models.ForeignKey):
                setattr(obj, name, self.lookup(where, field.related_model, value))
            elif isinstance(field, StreamField):
                setattr(obj, name, self.stream(where, field, value))
            elif isinstance(field, RichTextField) and isinstance(value, list):
                setattr(obj, name, "".join(value))
            elif isinstance(field, models.DecimalField):
                # As the database gives it back: all decimal places, trailing zeros included.
                places = Decimal(1).scaleb(-field.decimal_places)
                setattr(obj, name, Decimal(str(value)).quantize(places))
            elif isinstance(field, models.Field) and field.concrete:
                setattr(obj, name, field.to_python(value))
            else:
                self.fail(where, f"項目「{name}」は設定できません({obj._meta.label})。")
        for name, value in later:
            setattr(obj, name, value)

    def row(self, where, model, spec, position):
        row = model()
        if any(f.name == "sort_order" for f in model._meta.fields):
            row.sort_order = position
        self.fill(where, row, spec)
        parental = [f.name for f in model._meta.fields if isinstance(f, ParentalKey)]
        self.validate(where, row, exclude=parental)
        return row

    def validate(self, where, obj, exclude):
        try:
            obj.full_clean(exclude=exclude)
        except ValidationError as error:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            self.fail(where, f"入力内容が正しくありません({details})")

    # --- Phases -----------------------------------------------------------------

    def add_pages(self, unit, specs, parent_path=None):
        for spec in specs:
            parent_at = parent_path or spec.get("parent", "/")
            path = "/" if "site" in spec else f"{parent_at}{spec.get('slug')}/"
            where = f"{unit['name']} {path}"
            model = self.model(where, spec.get("type"))
            if not issubclass(model, Page):
                self.fail(where, f"「{spec['type']}」はページの種類ではありません。")
            if not spec.get("slug"):
                self.fail(where, "slug がありません。")
            parent = None if "site" in spec else self.page(where, parent_at)
            page = None if parent is None else child_by_slug(parent, spec.get("slug"))
            if page is None:
                page = model()
                self.fill(where, page, spec, skip=PAGE_KEYS)
                # As the admin's form does: checks against its future siblings run too.
                page.validation_parent = parent
                self.validate(where, page, exclude=["path", "depth"])
                if parent is None:
                    page, made = make_site_root(page, **spec["site"])
                else:
                    page, made = add_child(parent, page)
                if made:
                    self.announce(unit, page, parent)
            self.pages[path] = page
            self.add_pages(unit, spec.get("children", []), path)

    def announce(self, unit, page, parent):
        """Note a created page, labelled by the file's ``labels`` template for its type."""
        template = unit["data"].get("labels", {}).get(page._meta.label, "{page.title}")
        self.created.append(template.format(page=page, parent=parent))

    def add_records(self, unit):
        """Rows of other models, each created only while no row has its key's value."""
        for spec in unit["data"].get("records", []):
            where = f"{unit['name']}: records {spec.get('type')}"
            model = self.model(where, spec.get("type"))
            if issubclass(model, Page):
                self.fail(where, "ページは pages に書きます。")
            key = spec.get("key")
            self.field(where, model(), key)
            for position, values in enumerate(spec.get("rows", [])):
                row_where = f"{where} rows[{position}]"
                if not isinstance(values, dict) or key not in values:
                    self.fail(row_where, f"「{key}」がありません。")
                if model.objects.filter(**{key: values[key]}).exists():
                    continue
                obj = model()
                self.fill(row_where, obj, values)
                self.validate(row_where, obj, exclude=[])
                obj.save()
                self.created.append(f"{model._meta.verbose_name}「{obj}」")

    def add_links(self, unit):
        """Child rows pointing at pages anywhere in the site, set only on an empty relation."""
        for spec in unit["data"].get("links", []):
            where = f"{unit['name']}: links {spec.get('page')}"
            page, todo = self.page(where, spec.get("page")), {}
            for name, rows in spec.items():
                if name != "page" and not self.field(where, page, name).one_to_many:
                    self.fail(where, f"「{name}」は子の行ではありません。")
                if name != "page" and not getattr(page, name).exists():
                    todo[name] = rows
            if todo:
                self.fill(where, page, todo)
                page.save_revision().publish()

    def add_settings(self, unit):
        """Site settings, filled in only while every given field still has its default."""
        site = Site.objects.get(is_default_site=True)
        for spec in unit["data"].get("settings", []):
            where = f"{unit['name']}: {spec.get('type')}"
            setting = self.model(where, spec.get("type")).for_site(site)
            values = {k: v for k, v in spec.items() if k != "type"}
            if all(
                getattr(setting, k) == self.field(where, setting, k).get_default() for k in values
            ):
                self.fill(where, setting, values)
                self.validate(where, setting, exclude=["site"])
                setting.save()
                self.created.append(str(setting._meta.verbose_name))


def child_by_slug(parent, slug):
    return parent.get_children().filter(slug=slug).specific().first()


def add_child(parent, page):
    """Add ``page`` under ``parent`` and publish it, unless its slug is taken there."""
    existing = child_by_slug(parent, page.slug)
    if existing is not None:
        return existing, False
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def make_site_root(page, **site_fields):
    """Make ``page`` the default site's root, replacing Wagtail's welcome page.

    Nothing changes when the site's root is already a page of the same type.
    """
    site = Site.objects.filter(is_default_site=True).first()
    if site and isinstance(site.root_page.specific, type(page)):
        return site.root_page.specific, False
    root = Page.get_first_root_node()
    old = child_by_slug(root, page.slug)
    if old is not None:
        old.slug += "-replaced"
        old.save(update_fields=["slug"])
    add_child(root, page)
    site = site or Site(is_default_site=True)
    for name, value in site_fields.items():
        setattr(site, name, value)
    site.root_page = page
    site.save()
    if old is not None:
        old.delete()
    return page, True


def empty(block):
    """What an editor leaves in an optional struct field: its default, else empty text."""
    default = block.get_default()
    if default is None and isinstance(block, blocks.FieldBlock):
        default = block.field.to_python(None)
    return block.get_prep_value(default)


@transaction.atomic
def load():
    """Create whatever part of the demo site is missing. Returns labels of what was created."""
    units = declared_files()
    demo = Demo()
    for unit in units:
        for key in set(unit["data"]) - {"order", "labels", "pages", "records", "links", "settings"}:
            demo.fail(unit["name"], f"不明な見出し「{key}」です。")
    for unit in units:
        demo.add_pages(unit, unit["data"].get("pages", []))
    for unit in units:
        if unit["step"]:
            demo.created += import_string(unit["step"])()
    for unit in units:
        demo.add_records(unit)
    for unit in units:
        demo.add_links(unit)
    for unit in units:
        demo.add_settings(unit)
    search.rebuild()
    return demo.created
