"""The facility search: keyword, filters with facet counts, sorting and map markers.

Filters combine with AND across kinds (市町, 区分, 種類, 対象者, 特徴, and the
yes/no filters: 拠点, and those other apps add, such as 空きあり) and
OR within one kind. Next to every option the page shows how many facilities
it would give with the other kinds' filters applied. The number of queries
does not depend on the number of facilities: one query gives the number of
results and every option's count (a GROUP BY per kind of option), and one
query the page of results with its related rows prefetched.
"""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Avg,
    CharField,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Floor, Greatest
from django.utils.functional import cached_property
from wagtail import hooks

from facilities.extensions import (
    FACILITY_SEARCH_FILTERS_HOOK,
    FACILITY_SEARCH_RESULTS_HOOK,
    ToggleFilter,
)
from home import search as site_search
from home.formatting import tel_href
from home.listing import keep_out_of_page_cache, paginate
from home.privacy import public

from .facility import FacilityPage, FacilityService
from .taxonomy import Feature, Municipality, ServiceCategory, ServiceType, TargetGroup

PER_PAGE = 20
MAX_KEYWORD_MATCHES = 5000
MAX_VALUES = 50
# Above FACILITY_MAP_MAX_MARKERS facilities, the map shows groups on this many cells a side.
MARKER_GRID = 16
SORTS = {"kana": "50音順", "muni": "市町順", "updated": "情報更新の新しい順"}


@dataclass
class Option:
    id: int
    label: str
    count: int = 0
    selected: bool = False
    group: str = ""


@dataclass
class Facet:
    param: str
    label: str
    options: list = field(default_factory=list)

    @property
    def selected(self):
        return [o for o in self.options if o.selected]


def _ids(request, param, valid_ids, notes):
    """Selected ids of one filter kind; unknown or malformed values are dropped with a note."""
    raw = request.GET.getlist(param)[:MAX_VALUES]
    chosen, bad = [], False
    for value in raw:
        value = value.strip()
        if value.isascii() and value.isdigit() and len(value) <= 9 and int(value) in valid_ids:
            if int(value) not in chosen:
                chosen.append(int(value))
        elif value:
            bad = True
    if bad or len(request.GET.getlist(param)) > MAX_VALUES:
        notes.append("指定された条件の一部は見つからなかったため、その条件を使わずに検索しました。")
    return chosen


_SMALL_TAXONOMIES = (Municipality, ServiceCategory, TargetGroup, Feature, ServiceType)


def _small_taxonomies():
    """市町, サービスの区分, 対象者, 特徴 and サービスの種類 (id and name, each in its model's
    order; a service type with its category) in one query: a UNION of the five small tables."""
    parts = [
        model.objects.order_by()
        .annotate(
            kind=Value(n, output_field=IntegerField()),
            tiebreak=F("code") if model is Municipality else Value("", output_field=CharField()),
            parent=F("category_id")
            if model is ServiceType
            else Value(0, output_field=IntegerField()),
        )
        .values_list("kind", "pk", "name", "sort_order", "tiebreak", "parent")
        for n, model in enumerate(_SMALL_TAXONOMIES)
    ]
    rows = parts[0].union(*parts[1:], all=True)
    lists = [[] for _ in _SMALL_TAXONOMIES]
    for kind, pk, name, sort_order, tiebreak, parent in rows:
        lists[kind].append((sort_order, tiebreak, pk, name, parent))
    municipalities, categories, target_groups, features = (
        [model(pk=pk, name=name, sort_order=order) for order, _, pk, name, _ in sorted(items)]
        for model, items in zip(_SMALL_TAXONOMIES[:4], lists[:4], strict=True)
    )
    by_id = {category.pk: category for category in categories}
    service_types = sorted(
        (
            ServiceType(pk=pk, name=name, sort_order=order, category=by_id[parent])
            for order, _, pk, name, parent in lists[4]
        ),
        key=lambda s: (s.category.sort_order, s.sort_order, s.pk),
    )
    return municipalities, categories, target_groups, features, service_types


def _service_type_names(ids):
    """The names of the services each facility of ``ids`` offers, in its own order, in one
    query (rows, not model instances: a page of results needs only the names)."""
    names = {}
    if not ids:
        return names
    for page_id, name in (
        FacilityService.objects.filter(page_id__in=ids)
        .order_by("page_id", "sort_order", "pk")
        .values_list("page_id", "service_type__name")
    ):
        names.setdefault(page_id, []).append(name)
    return names


def _compiled(queryset):
    """SQL and parameters of ``queryset``; None when Django knows it matches nothing."""
    try:
        return queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return None


class FacilitySearch:
    """Parses the query string once; results, facets and markers are computed on demand."""

    def __init__(self, index_page, request):
        self.index_page = index_page
        self.request = request
        self.notes = []
        get = request.GET

        (
            self.municipalities,
            self.categories,
            self.target_groups,
            self.features,
            self.service_types,
        ) = _small_taxonomies()

        self.selected = {
            "muni": _ids(request, "muni", {m.pk for m in self.municipalities}, self.notes),
            "cat": _ids(request, "cat", {c.pk for c in self.categories}, self.notes),
            "svc": _ids(request, "svc", {s.pk for s in self.service_types}, self.notes),
            "target": _ids(request, "target", {t.pk for t in self.target_groups}, self.notes),
            "feat": _ids(request, "feat", {f.pk for f in self.features}, self.notes),
        }
        self.toggles = [
            ToggleFilter(
                param="kyoten",
                legend="地域生活支援拠点等",
                label="拠点として登録している事業所",
                chip="拠点登録あり",
                condition=lambda: Q(kyoten_registered=True),
                invalid_note="拠点の条件が正しくないため、使わずに検索しました。",
            ),
            *(
                toggle
                for hook in hooks.get_hooks(FACILITY_SEARCH_FILTERS_HOOK)
                if (toggle := hook(request))
            ),
        ]
        for toggle in self.toggles:
            value = get.get(toggle.param, "")
            toggle.selected = value == "1"
            if value not in ("", "1"):
                self.notes.append(toggle.invalid_note)
        self.query = site_search.parse_query(get.get("q", ""))
        if get.get("q") and self.query.is_empty:
            self.notes.append("検索できる文字が含まれていないため、言葉を使わずに検索しました。")
        sort = get.get("sort", "kana")
        self.sort = sort if sort in SORTS else "kana"
        view = get.get("view", "list")
        self.view = view if view in ("list", "map") else "list"
        self.notes = list(dict.fromkeys(self.notes))
        if self.notes or self.sort != sort or self.view != view:
            keep_out_of_page_cache(request)

    # --- querysets -------------------------------------------------------------

    @cached_property
    def _base(self):
        pages = public(FacilityPage.objects.child_of(self.index_page).live())
        if not self.query.is_empty:
            # The substring scan runs once; facets and counts reuse its result.
            entries = site_search.search_entries(self.query, pages=pages)
            matched = list(entries.values_list("page_id", flat=True)[: MAX_KEYWORD_MATCHES + 1])
            if len(matched) > MAX_KEYWORD_MATCHES:
                pages = pages.filter(pk__in=entries.values("page_id"))
            else:
                pages = pages.filter(pk__in=matched)
        return pages

    def base(self):
        return self._base

    def _condition(self, kind):
        toggle = self.toggle(kind)
        if toggle is not None:
            return toggle.condition() if toggle.selected else None
        ids = self.selected.get(kind)
        if not ids:
            return None
        if kind == "muni":
            return Q(municipality_id__in=ids)
        if kind == "cat":
            offers = FacilityService.objects.filter(service_type__category_id__in=ids)
        elif kind == "svc":
            offers = FacilityService.objects.filter(service_type_id__in=ids)
        elif kind == "target":
            offers = FacilityService.objects.filter(target_groups__in=ids)
        elif kind == "feat":
            through = FacilityPage.features.through
            return Q(pk__in=through.objects.filter(feature_id__in=ids).values("facilitypage_id"))
        return Q(pk__in=offers.values("page_id"))

    def toggle(self, param):
        return next((t for t in self.toggles if t.param == param), None)

    def filtered(self, *, without=None):
        pages = self.base()
        for kind in ("muni", "cat", "svc", "target", "feat", *(t.param for t in self.toggles)):
            if kind == without:
                continue
            condition = self._condition(kind)
            if condition is not None:
                pages = pages.filter(condition)
        return pages

    def ordered(self):
        """The matching facilities in the chosen order (50音順, 市町順 or 情報更新の新しい順)."""
        pages = self.filtered().with_details_updated()
        if self.sort == "updated":
            return pages.order_by(
                F("details_updated").desc(nulls_last=True), "kana_sort", "name_kana", "pk"
            )
        if self.sort == "muni":
            return pages.order_by("municipality__sort_order", "kana_sort", "name_kana", "pk")
        return pages.order_by("kana_sort", "name_kana", "pk")

    @cached_property
    def results_page(self):
        pages = self.ordered().select_related("municipality")
        page = paginate(self.request, pages, PER_PAGE, count=self._all_counts["total"])
        page.object_list = list(page.object_list)
        ids = [facility.pk for facility in page.object_list]
        services = _service_type_names(ids)
        features = self._feature_names(ids)
        for facility in page.object_list:
            facility.service_type_names = services.get(facility.pk, [])
            facility.feature_names = features.get(facility.pk, [])
            facility.result_sections = []
        # What other apps add to each result (one call for the whole page of results).
        for hook in hooks.get_hooks(FACILITY_SEARCH_RESULTS_HOOK):
            by_facility = hook(page.object_list, self.request) or {}
            for facility in page.object_list:
                if section := by_facility.get(facility.pk):
                    facility.result_sections.append(section)
        return page

    @property
    def count(self):
        return self.results_page.paginator.count

    def _feature_names(self, ids):
        """特徴 of each facility of ``ids``, in the 特徴's order (one query, names from the
        taxonomy already read)."""
        if not ids:
            return {}
        order = {feature.pk: n for n, feature in enumerate(self.features)}
        names = {feature.pk: feature.name for feature in self.features}
        through = FacilityPage.features.through
        chosen = {}
        for page_id, feature_id in through.objects.filter(facilitypage_id__in=ids).values_list(
            "facilitypage_id", "feature_id"
        ):
            chosen.setdefault(page_id, []).append(feature_id)
        return {
            page_id: [names[f] for f in sorted(features, key=order.__getitem__)]
            for page_id, features in chosen.items()
        }

    # --- facets ----------------------------------------------------------------

    @cached_property
    def _all_counts(self):
        """Every count the page shows, in one query over the base results.

        "total" is the number of results; ("muni", pk) and the like, the facilities
        an option would give with the other kinds' conditions applied; a toggle's
        param, the same for the yes/no filter.

        One GROUP BY per kind of option, joined with UNION ALL, over the base results
        written once as a common table expression: building one conditional count per
        option took Django longer than the database took to answer.
        """
        kinds = ("muni", "cat", "svc", "target", "feat", *(t.param for t in self.toggles))
        conditions = {kind: self._condition(kind) for kind in kinds}
        counts = {"total": 0, **{toggle.param: 0 for toggle in self.toggles}}
        base = _compiled(self.base().order_by().values("pk"))
        if base is None:
            return counts
        base_sql, base_params = base
        within_sql = {}

        def within(column, without=None, extra=None):
            """``column`` is one of the base results that meet the other kinds' conditions
            (for a part that reads ``base`` itself, ``column`` None: only the conditions)."""
            applied = [c for kind, c in conditions.items() if kind != without and c is not None]
            if extra is not None:
                applied.append(extra)
            clause = "1 = 1" if column is None else f"{column} IN (SELECT id FROM base)"
            column = column or "id"
            if not applied:
                return clause, []
            key = (without, extra is not None)
            if key not in within_sql:
                q = Q()
                for condition in applied:
                    q &= condition
                within_sql[key] = _compiled(FacilityPage.objects.filter(q).order_by().values("pk"))
            if within_sql[key] is None:
                return "1 = 0", []
            sql, params = within_sql[key]
            return f"{clause} AND {column} IN ({sql})", params

        page = FacilityPage._meta.db_table
        service = FacilityService._meta.db_table
        service_type = ServiceType._meta.db_table
        targets = FacilityService.target_groups.through._meta.db_table
        features = FacilityPage.features.through._meta.db_table
        parts = [("'total', 0, COUNT(*) FROM base WHERE", None, None, "")]
        parts += [
            (
                f"'muni', p.municipality_id, COUNT(*) FROM {page} p WHERE",
                "p.page_ptr_id",
                "muni",
                " GROUP BY p.municipality_id",
            ),
            (
                f"'cat', t.category_id, COUNT(DISTINCT s.page_id) FROM {service} s "
                f"JOIN {service_type} t ON t.id = s.service_type_id WHERE",
                "s.page_id",
                "cat",
                " GROUP BY t.category_id",
            ),
            (
                f"'svc', s.service_type_id, COUNT(DISTINCT s.page_id) FROM {service} s WHERE",
                "s.page_id",
                "svc",
                " GROUP BY s.service_type_id",
            ),
            (
                f"'target', g.targetgroup_id, COUNT(DISTINCT s.page_id) FROM {targets} g "
                f"JOIN {service} s ON s.id = g.facilityservice_id WHERE",
                "s.page_id",
                "target",
                " GROUP BY g.targetgroup_id",
            ),
            (
                f"'feat', f.feature_id, COUNT(*) FROM {features} f WHERE",
                "f.facilitypage_id",
                "feat",
                " GROUP BY f.feature_id",
            ),
        ]
        selects, params = [], list(base_params)
        for head, column, without, tail in parts:
            clause, clause_params = within(column, without)
            selects.append(f"SELECT {head} {clause}{tail}")
            params += clause_params
        for n, toggle in enumerate(self.toggles):
            clause, clause_params = within(None, toggle.param, toggle.condition())
            selects.append(f"SELECT 'toggle', {n}, COUNT(*) FROM base WHERE {clause}")
            params += clause_params
        sql = f"WITH base (id) AS ({base_sql}) " + " UNION ALL ".join(selects)
        with connections[self.base().db].cursor() as cursor:
            cursor.execute(sql, params)
            for kind, key, n in cursor.fetchall():
                if kind == "total":
                    counts["total"] = n
                elif kind == "toggle":
                    counts[self.toggles[key].param] = n
                elif key is not None:
                    counts[(kind, key)] = n
        return counts

    def _counts(self, kind):
        return {
            key[1]: n
            for key, n in self._all_counts.items()
            if isinstance(key, tuple) and key[0] == kind
        }

    def _facet(self, kind, label, items, group=lambda item: ""):
        counts = self._counts(kind)
        selected = set(self.selected[kind])
        return Facet(
            param=kind,
            label=label,
            options=[
                Option(i.pk, i.name, counts.get(i.pk, 0), i.pk in selected, group(i)) for i in items
            ],
        )

    @cached_property
    def facets(self):
        return [
            self._facet("muni", "市町", self.municipalities),
            self._facet("cat", "サービスの区分", self.categories),
            self._facet(
                "svc", "サービスの種類", self.service_types, group=lambda s: s.category.name
            ),
            self._facet("target", "対象者", self.target_groups),
            self._facet("feat", "特徴", self.features),
        ]

    @cached_property
    def counted_toggles(self):
        """The yes/no filters, each with the number of facilities it would give."""
        for toggle in self.toggles:
            toggle.count = self._all_counts[toggle.param]
        return self.toggles

    @property
    def has_filters(self):
        return (
            any(self.selected.values())
            or any(t.selected for t in self.toggles)
            or not self.query.is_empty
        )

    def conditions(self):
        """The applied conditions in plain words, for the folded filters' summary:
        ['言葉「ぐるーぷほーむ」', '本庄市', '空きあり'].
        """
        words = [f"言葉「{self.query.raw}」"] if not self.query.is_empty else []
        for facet in self.facets:
            words.extend(option.label for option in facet.selected)
        words.extend(t.chip for t in self.toggles if t.selected)
        return words

    def conditions_summary(self, shown=3):
        """「本庄市・美里町・入所施設ほか4つの条件」: short enough for one summary line."""
        words = self.conditions()
        if len(words) <= shown + 1:
            return "・".join(words)
        return "・".join(words[:shown]) + f"ほか{len(words) - shown}つの条件"

    # --- map -------------------------------------------------------------------

    @cached_property
    def bbox(self):
        """The map's visible area from ``?bbox=west,south,east,north`` (Leaflet's order), or
        None: the markers then cover every matching facility. A malformed value is ignored."""
        parts = self.request.GET.get("bbox", "").split(",")
        try:
            west, south, east, north = (float(part) for part in parts)
        except ValueError:
            return None
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            return None
        if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
            return None
        return west, south, east, north

    def _located(self):
        located = self.filtered().exclude(latitude=None).exclude(longitude=None)
        if self.bbox:
            west, south, east, north = self.bbox
            located = located.filter(
                latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
            )
        return located

    @cached_property
    def map_data(self):
        """What the map's markers JSON holds besides the notes: every matching facility with a
        location (in the visible area when ``bbox`` is given) as a marker, or, when there are
        more than ``FACILITY_MAP_MAX_MARKERS``, groups on a grid of at most
        ``MARKER_GRID`` × ``MARKER_GRID`` cells over them, each with its number of
        facilities. Either way the answer's size does not grow with the number of facilities."""
        limit = settings.FACILITY_MAP_MAX_MARKERS
        markers = self._markers(limit + 1)
        if len(markers) <= limit:
            return {"count": len(markers), "facilities": markers}
        clusters = self._clusters()
        return {
            "count": sum(c["count"] for c in clusters),
            "facilities": [],
            "clusters": clusters,
        }

    @property
    def markers(self):
        return self.map_data["facilities"]

    def _markers(self, limit):
        located = self._located()
        pages = located.order_by("kana_sort", "pk").values(
            "pk",
            "title",
            "name_kana",
            "url_path",
            "latitude",
            "longitude",
            "municipality__name",
            "address",
            "phone",
        )
        pages = list(pages[:limit])
        if len(pages) == limit:
            return pages  # too many to show one by one; the caller groups them
        services = _service_type_names([p["pk"] for p in pages])
        index_url = self.index_page.get_url(self.request) or "/"
        prefix = len(self.index_page.url_path)
        return [
            {
                "id": p["pk"],
                "name": p["title"],
                "kana": p["name_kana"],
                "url": index_url + p["url_path"][prefix:],
                "lat": float(p["latitude"]),
                "lng": float(p["longitude"]),
                "municipality": p["municipality__name"],
                "address": p["address"],
                "phone": p["phone"],
                "tel": tel_href(p["phone"]),
                "services": services.get(p["pk"], []),
            }
            for p in pages
        ]

    def _clusters(self):
        """The located facilities counted by grid cell over the visible area (or over all of
        them), each group at its facilities' mean position with the box they lie in."""
        located = self._located().order_by()
        lat = Cast("latitude", FloatField())
        lng = Cast("longitude", FloatField())
        if self.bbox:
            west, south, east, north = (Value(v) for v in self.bbox)
        else:
            # The extent of all of them, as subqueries of the one query below (so grouping
            # costs as many queries as the markers and their services do).
            def extent(aggregate, expression):
                return Subquery(
                    located.annotate(whole=Value(1))
                    .values("whole")
                    .annotate(value=aggregate(expression))
                    .values("value")[:1],
                    output_field=FloatField(),
                )

            south, north, west, east = (
                extent(Min, lat),
                extent(Max, lat),
                extent(Min, lng),
                extent(Max, lng),
            )
        # A cell a little larger than 1/GRID of the extent keeps the last row in the grid.
        height = Greatest(north - south, Value(1e-6)) / Value(MARKER_GRID / 1.0001)
        width = Greatest(east - west, Value(1e-6)) / Value(MARKER_GRID / 1.0001)
        cells = (
            located.annotate(
                row=Floor((lat - south) / height),
                col=Floor((lng - west) / width),
            )
            .values("row", "col")
            .annotate(
                n=Count("pk"),
                lat=Avg(lat),
                lng=Avg(lng),
                south=Min(lat),
                north=Max(lat),
                west=Min(lng),
                east=Max(lng),
            )
            .order_by("row", "col")
        )
        return [
            {
                "lat": round(c["lat"], 6),
                "lng": round(c["lng"], 6),
                "count": c["n"],
                "bounds": [
                    [round(c["south"], 6), round(c["west"], 6)],
                    [round(c["north"], 6), round(c["east"], 6)],
                ],
            }
            for c in cells
        ]
