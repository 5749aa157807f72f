"""ふくしマップ in the admin: the taxonomy snippets and the map picker for a facility's location."""

from django.contrib import messages
from django.db import router
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.shortcuts import redirect
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from home.snippets import SnippetViewSet, boolean_columns

from .imports import views as import_views
from .maps import map_scripts
from .models import Feature, Municipality, ServiceCategory, ServiceType, TargetGroup

# --- Taxonomy snippets ---------------------------------------------------------------


class MunicipalityViewSet(SnippetViewSet):
    model = Municipality
    menu_label = "市町"
    icon = "home"
    list_display = ["name", "name_kana", "code", "sort_order"]
    ordering = ["sort_order", "code"]


class ServiceCategoryViewSet(SnippetViewSet):
    model = ServiceCategory
    menu_label = "サービス区分"
    icon = "folder-open-inverse"
    list_display = ["name", "law", "sort_order"]
    ordering = ["sort_order", "pk"]


class ServiceTypeViewSet(SnippetViewSet):
    model = ServiceType
    menu_label = "サービスの種類"
    icon = "list-ul"
    list_display = boolean_columns(
        ServiceType, ["name", "category", "wam_code", "is_residential", "sort_order"]
    )
    list_filter = ["category"]
    ordering = ["category__sort_order", "sort_order", "pk"]
    list_per_page = 100


class TargetGroupViewSet(SnippetViewSet):
    model = TargetGroup
    menu_label = "対象者の区分"
    icon = "group"
    list_display = ["name", "sort_order"]
    ordering = ["sort_order", "pk"]


class FeatureViewSet(SnippetViewSet):
    model = Feature
    menu_label = "特徴"
    icon = "tag"
    list_display = ["name", "sort_order"]
    ordering = ["sort_order", "pk"]


class FacilityTaxonomyGroup(SnippetViewSetGroup):
    menu_label = "ふくしマップの分類"
    menu_icon = "site"
    menu_name = "facility_taxonomy"
    menu_order = 310
    items = (
        MunicipalityViewSet,
        ServiceCategoryViewSet,
        ServiceTypeViewSet,
        TargetGroupViewSet,
        FeatureViewSet,
    )


register_snippet(FacilityTaxonomyGroup)

TAXONOMY_MODELS = (Municipality, ServiceCategory, ServiceType, TargetGroup, Feature)


def _blocking_objects(instances):
    """Rows that stop these instances from being deleted (on_delete=PROTECT or RESTRICT)."""
    collector = Collector(using=router.db_for_write(type(instances[0])))
    try:
        collector.collect(instances)
    except ProtectedError as error:
        return error.protected_objects
    except RestrictedError as error:
        return error.restricted_objects
    return set()


def _describe(blocking):
    counts = {}
    for obj in blocking:
        label = obj._meta.verbose_name
        counts[label] = counts.get(label, 0) + 1
    return "、".join(f"{label} {n}件" for label, n in counts.items())


@hooks.register("before_delete_snippet")
def refuse_deleting_taxonomy_in_use(request, instances):
    """Refuse, with a message, to delete a vocabulary entry that facilities still use.

    Wagtail's delete views rely on the reference index to spot protected
    references; this asks Django's deletion collector instead, so a PROTECT
    foreign key never ends in a server error. Covers single and bulk delete.
    """
    if request.method != "POST" or not instances:
        return None
    model = type(instances[0])
    if model not in TAXONOMY_MODELS:
        return None
    blocking = _blocking_objects(list(instances))
    if not blocking:
        return None
    names = "、".join(f"「{instance}」" for instance in instances[:5])
    if len(instances) > 5:
        names += f" ほか{len(instances) - 5}件"
    messages.error(
        request,
        f"{names}は使われているため削除できません(使っているもの: {_describe(blocking)})。"
        "先に、使っている事業所やサービスの種類を変更してください。",
    )
    return redirect(reverse(model.snippet_viewset.get_url_name("list")))


# --- Location picker on the facility page form ----------------------------------------


@hooks.register("insert_editor_js")
def facility_location_picker_js():
    """The map settings and static/js/facility-map.js, as on the public map pages.

    The script does nothing unless the form has #id_latitude and #id_longitude;
    only then does it load the vendored Leaflet and draw the location picker.
    """
    return map_scripts()


# --- Importing facility data ------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_facility_import_urls():
    return [
        path("facilities/import/", import_views.upload_view, name="facility_import"),
        path("facilities/import/<int:pk>/", import_views.check_view, name="facility_import_check"),
        path(
            "facilities/import/<int:pk>/columns/",
            import_views.mapping_view,
            name="facility_import_mapping",
        ),
        path(
            "facilities/import/template.xlsx",
            import_views.template_view,
            name="facility_import_template",
        ),
        path(
            "facilities/import/<int:pk>/apply/",
            import_views.apply_view,
            name="facility_import_apply",
        ),
    ]


class FacilityImportMenuItem(MenuItem):
    def is_shown(self, request):
        return import_views.may_import(request.user)


@hooks.register("register_admin_menu_item")
def register_facility_import_menu_item():
    return FacilityImportMenuItem(
        "事業所データの取り込み", reverse("facility_import"), icon_name="upload", order=260
    )
