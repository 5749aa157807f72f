"""The read-only JSON API at /api/v1/: facilities (the facility search's filters and facet
counts), meetings and news, with its OpenAPI description at /api/v1/openapi.json.

Built with django-ninja: the pydantic schemas below both shape the responses and
generate the OpenAPI description, so the two cannot drift apart. Every list takes
only live pages without view restrictions; a facility's vacancy figures appear only
for a visitor who may view the 空き情報 page (``vacancies.extensions.figures_visible``).
Query strings that do not fit give 422 (wrong type or range) or 400 (an id that
does not exist, a condition that cannot be used) with Japanese messages.
"""

import datetime as dt
import re
from typing import Literal

from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError
from ninja.renderers import JSONRenderer
from pydantic import Field
from wagtail.models import Page

from council.models import CommitteePage, MeetingPage, NewsKind, NewsPage
from facilities.models import FacilityIndexPage
from facilities.models.search import FacilitySearch
from home.dates import fiscal_year_label, fiscal_year_range
from vacancies.extensions import figures_visible
from vacancies.models import VacancyFigure, VacancySettings

MAX_AGE = 300
MAX_PER_PAGE = 100
MAX_IDS = 50
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class SiteAPI(NinjaAPI):
    """Every answer may be kept by shared caches for a few minutes; it varies by login
    (``cms.middleware.VisitorCacheMiddleware`` makes it private for visitors with a session)."""

    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        if response.status_code < 500:
            patch_cache_control(response, public=True, max_age=MAX_AGE)
            patch_vary_headers(response, ["Cookie"])
        return response


class JapaneseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


api = SiteAPI(
    renderer=JapaneseJSONRenderer(),
    title="児玉郡市自立支援協議会 データAPI",
    version="1",
    description=(
        "ふくしマップの事業所、会議の記録、お知らせを JSON で返す読み出し専用の API です。"
        "公開しているページの内容だけを返します。"
    ),
    docs_url=None,
    urls_namespace="api-v1",
)


# --- Errors ---------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str = Field(description="エラーの説明")
    errors: list[str] = Field(description="項目ごとの説明")


ERROR_RESPONSES = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _japanese(error):
    where = ".".join(str(part) for part in error.get("loc", ())[1:] if not isinstance(part, int))
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        expected = "整数(半角数字)で指定してください"
    elif kind == "greater_than_equal":
        expected = f"{context.get('ge')}以上の数で指定してください"
    elif kind == "less_than_equal":
        expected = f"{context.get('le')}以下の数で指定してください"
    elif kind == "literal_error":
        expected = f"次のどれかを指定してください: {context.get('expected', '')}"
    elif kind in ("string_too_long", "too_long"):
        expected = "長すぎます。短くしてください"
    elif kind == "missing":
        expected = "指定が必要です"
    else:
        expected = "正しい形で指定してください"
    return f"{where or 'クエリ文字列'}: {expected}。"


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    errors = [_japanese(error) for error in exc.errors]
    return api.create_response(
        request,
        {"detail": "クエリ文字列の値が正しくありません。", "errors": errors},
        status=422,
    )


@api.exception_handler(HttpError)
def http_error(request, exc):
    return api.create_response(
        request, {"detail": str(exc), "errors": getattr(exc, "errors", [])}, status=exc.status_code
    )


class BadQuery(HttpError):
    def __init__(self, errors):
        super().__init__(400, "クエリ文字列の条件の一部が使えません。")
        self.errors = errors


# --- Shared pieces --------------------------------------------------------------------


class PageInfo(Schema):
    count: int = Field(description="条件に合う件数")
    page: int = Field(description="このページの番号(1から)")
    per_page: int = Field(description="1ページの件数")
    num_pages: int = Field(description="ページの数")


def paginate(items, page, per_page):
    paginator = Paginator(items, per_page)
    number = page if page <= max(paginator.num_pages, 1) else None
    objects = list(paginator.page(number).object_list) if number else []
    info = {
        "count": paginator.count,
        "page": page,
        "per_page": per_page,
        "num_pages": paginator.num_pages if paginator.count else 0,
    }
    return objects, info


class Paging(Schema):
    page: int = Field(1, ge=1, le=100_000, description="ページの番号(1から)")
    per_page: int = Field(
        20, ge=1, le=MAX_PER_PAGE, description=f"1ページの件数(1〜{MAX_PER_PAGE})"
    )


def year_filter(pages, year, field="date"):
    start, end = fiscal_year_range(year)
    return pages.filter(**{f"{field}__gte": start, f"{field}__lte": end})


# --- Facilities -----------------------------------------------------------------------


class Municipality(Schema):
    id: int
    code: str = Field(description="全国地方公共団体コード(6桁)")
    name: str


class ServiceTypeOut(Schema):
    id: int
    name: str = Field(description="サービスの種類")
    category: str = Field(description="サービスの区分")


class ServiceOut(Schema):
    service_type: ServiceTypeOut
    capacity: int | None = Field(description="定員(ないときは null)")
    target_groups: list[str] = Field(description="対象者")
    notes: str = Field(description="備考")


class HoursOut(Schema):
    label: str = Field(description="平日・土曜・日曜・祝日")
    hours: str


class VacancyOut(Schema):
    service_type: str
    month: dt.date = Field(description="その月の1日(この日時点の空き状況)")
    vacancies: int | None = Field(description="空き人数(未回答は null)")
    for_whom: str = Field(description="受け入れられる方(問わず・男性・女性)")
    trial_stay: bool = Field(description="体験利用を受け入れられる")
    note: str


class FacilityOut(Schema):
    id: int
    name: str
    name_kana: str
    url: str = Field(description="事業所のページのアドレス")
    municipality: Municipality
    postal_code: str
    address: str = Field(description="市町より後の住所")
    latitude: float | None
    longitude: float | None
    phone: str
    fax: str
    email: str
    website: str
    operator: str = Field(description="法人名")
    corporate_number: str = Field(description="法人番号")
    office_number: str = Field(description="事業所番号")
    hours: list[HoursOut]
    closed_days: str
    kyoten_registered: bool = Field(description="地域生活支援拠点等に登録")
    features: list[str]
    services: list[ServiceOut]
    verified_on: dt.date | None = Field(description="情報確認日")
    last_published_at: dt.datetime | None = Field(description="ページの最終更新")
    vacancies: list[VacancyOut] | None = Field(
        None,
        description="最新の空き情報。空き情報のページを見られる人にだけ返します(ほかの人には項目がありません)。",
    )


class OptionOut(Schema):
    id: int
    label: str
    count: int = Field(description="ほかの種類の条件で絞ったときの件数")
    selected: bool
    group: str


class FacetOut(Schema):
    param: str = Field(description="クエリ文字列の名前")
    label: str
    options: list[OptionOut]


class ToggleOut(Schema):
    param: str
    label: str
    count: int
    selected: bool


class FacilityList(PageInfo):
    facilities: list[FacilityOut]
    facets: list[FacetOut]
    toggles: list[ToggleOut] = Field(description="はい・いいえの条件(拠点、今月の空きあり)")


class FacilityFilters(Paging):
    q: str = Field("", max_length=100, description="キーワード(事業所名・よみ・住所・紹介など)")
    muni: list[int] = Field([], max_length=MAX_IDS, description="市町の id(複数は OR)")
    cat: list[int] = Field([], max_length=MAX_IDS, description="サービスの区分の id")
    svc: list[int] = Field([], max_length=MAX_IDS, description="サービスの種類の id")
    target: list[int] = Field([], max_length=MAX_IDS, description="対象者の id")
    feat: list[int] = Field([], max_length=MAX_IDS, description="特徴の id")
    kyoten: Literal["0", "1"] = Field("0", description="1: 地域生活支援拠点等に登録している事業所")
    vacancy: Literal["0", "1"] = Field(
        "0", description="1: 今月の空きあり(空き情報を見られる人だけ使えます)"
    )
    sort: Literal["kana", "muni"] = Field("kana", description="kana: 50音順、muni: 市町順")


def _search_query(filters):
    """The facility search's own query string for the validated filters."""
    query = QueryDict(mutable=True)
    keyword = CONTROL_CHARACTERS.sub(" ", filters.q).strip()
    if keyword:
        query["q"] = keyword
    for name in ("muni", "cat", "svc", "target", "feat"):
        for value in getattr(filters, name):
            query.appendlist(name, str(value))
    for name in ("kyoten", "vacancy"):
        if getattr(filters, name) == "1":
            query[name] = "1"
    query["sort"] = filters.sort
    return query


def _facility(page, request, figures):
    data = {
        "id": page.pk,
        "name": page.title,
        "name_kana": page.name_kana,
        "url": page.get_full_url(request),
        "municipality": {
            "id": page.municipality.pk,
            "code": page.municipality.code,
            "name": page.municipality.name,
        },
        "postal_code": page.postal_code,
        "address": page.address,
        "latitude": None if page.latitude is None else float(page.latitude),
        "longitude": None if page.longitude is None else float(page.longitude),
        "phone": page.phone,
        "fax": page.fax,
        "email": page.email,
        "website": page.website,
        "operator": page.operator,
        "corporate_number": page.corporate_number,
        "office_number": page.office_number or "",
        "hours": [{"label": label, "hours": value} for label, value in page.hours()],
        "closed_days": page.closed_days,
        "kyoten_registered": page.kyoten_registered,
        "features": [f.name for f in page.features.all()],
        "services": [
            {
                "service_type": {
                    "id": s.service_type.pk,
                    "name": s.service_type.name,
                    "category": s.service_type.category.name,
                },
                "capacity": s.capacity,
                "target_groups": [t.name for t in s.target_groups.all()],
                "notes": s.notes,
            }
            for s in page.services.all()
        ],
        "verified_on": page.verified_on,
        "last_published_at": page.last_published_at,
    }
    if figures is not None:
        data["vacancies"] = [
            {
                "service_type": f.service_type.name,
                "month": f.month,
                "vacancies": f.vacancies,
                "for_whom": f.get_for_whom_display(),
                "trial_stay": f.trial_stay,
                "note": f.note,
            }
            for f in figures.get(page.pk, [])
        ]
    return data


@api.get(
    "/facilities",
    response={200: FacilityList, **ERROR_RESPONSES},
    exclude_unset=True,
    summary="事業所の検索",
    tags=["ふくしマップ"],
)
def facilities(request, filters: Query[FacilityFilters]):
    """ふくしマップの検索と同じ条件で事業所を探します。種類ごとの件数(ファセット)も返します。"""
    index = FacilityIndexPage.objects.live().public().first()
    if index is None:
        raise HttpError(404, "ふくしマップは公開されていません。")
    visible = figures_visible(request)
    request.GET = _search_query(filters)
    search = FacilitySearch(index, request)
    errors = list(search.notes)
    if filters.vacancy == "1" and not visible:
        errors.append("空き情報は公開されていないため、vacancy の条件は使えません。")
    if errors:
        raise BadQuery(errors)
    pages = (
        search.ordered()
        .select_related("municipality")
        .prefetch_related("services__service_type__category", "services__target_groups", "features")
    )
    pages, info = paginate(pages, filters.page, filters.per_page)
    figures = None
    if visible:
        figures = {}
        tracked = VacancySettings.tracked_for_default_site()
        for figure in VacancyFigure.objects.latest_figures(tracked, [p.pk for p in pages]).order_by(
            "service_type__sort_order", "service_type_id"
        ):
            figures.setdefault(figure.facility_id, []).append(figure)
    return {
        **info,
        "facilities": [_facility(page, request, figures) for page in pages],
        "facets": [
            {
                "param": facet.param,
                "label": facet.label,
                "options": [
                    {
                        "id": o.id,
                        "label": o.label,
                        "count": o.count,
                        "selected": o.selected,
                        "group": o.group,
                    }
                    for o in facet.options
                ],
            }
            for facet in search.facets
        ],
        "toggles": [
            {"param": t.param, "label": t.label, "count": t.count, "selected": t.selected}
            for t in search.counted_toggles
        ],
    }


# --- Meetings -------------------------------------------------------------------------


class BodyOut(Schema):
    id: int
    title: str = Field(description="会議・部会の名前")
    slug: str


class HandoutOut(Schema):
    label: str = Field(description="資料番号")
    title: str = Field(description="資料名")
    url: str


class MeetingOut(Schema):
    id: int
    title: str
    url: str
    date: dt.date = Field(description="開催日")
    start_time: dt.time | None
    end_time: dt.time | None
    fiscal_year: int = Field(description="年度(西暦で始まりの年)")
    fiscal_year_label: str = Field(description="年度(和暦)")
    number: int | None = Field(description="その年度の第何回か")
    body: BodyOut | None
    format: str = Field(description="in_person・written・online・hybrid")
    format_label: str
    status: str = Field(description="scheduled・held・cancelled・postponed")
    status_label: str
    venue: str
    handouts: list[HandoutOut]


class MeetingList(PageInfo):
    meetings: list[MeetingOut]


class MeetingFilters(Paging):
    year: int | None = Field(None, ge=1989, le=2100, description="年度(西暦の始まりの年。例: 2023)")
    body: str = Field("", max_length=100, description="会議・部会のスラッグ(例: zentaikai)")


@api.get(
    "/meetings",
    response={200: MeetingList, **ERROR_RESPONSES},
    summary="会議の記録",
    tags=["協議会"],
)
def meetings(request, filters: Query[MeetingFilters]):
    """公開している会議の記録を、開催日の新しい順に返します。"""
    pages = MeetingPage.objects.live().public().defer_streamfields()
    bodies = {
        c.path: c
        for c in CommitteePage.objects.live().public().only("title", "slug", "path", "depth")
    }
    if filters.body:
        chosen = [c for c in bodies.values() if c.slug == filters.body]
        if not chosen:
            raise BadQuery([f"body: 「{filters.body}」という会議・部会はありません。"])
        pages = pages.child_of(chosen[0])
    if filters.year is not None:
        pages = year_filter(pages, filters.year)
    pages = pages.prefetch_related("handouts__document").order_by("-date", "-start_time", "-pk")
    pages, info = paginate(pages, filters.page, filters.per_page)
    MeetingPage.attach_numbers(pages)
    items = []
    for meeting in pages:
        body = bodies.get(meeting.path[: -Page.steplen])
        items.append(
            {
                "id": meeting.pk,
                "title": meeting.title,
                "url": meeting.get_full_url(request),
                "date": meeting.date,
                "start_time": meeting.start_time,
                "end_time": meeting.end_time,
                "fiscal_year": meeting.fiscal_year,
                "fiscal_year_label": fiscal_year_label(meeting.fiscal_year),
                "number": meeting.get_display_number(),
                "body": {"id": body.pk, "title": body.title, "slug": body.slug} if body else None,
                "format": meeting.format,
                "format_label": meeting.get_format_display(),
                "status": meeting.status,
                "status_label": meeting.get_status_display(),
                "venue": "" if meeting.is_written else meeting.venue,
                "handouts": [
                    {
                        "label": h.label,
                        "title": h.title,
                        "url": request.build_absolute_uri(h.document.url),
                    }
                    for h in meeting.handouts.all()
                    if h.document is not None
                ],
            }
        )
    return {**info, "meetings": items}


# --- News -----------------------------------------------------------------------------


class NewsOut(Schema):
    id: int
    title: str
    url: str
    date: dt.date = Field(description="掲載日")
    kind: str = Field(description="notice・seminar・report")
    kind_label: str
    summary: str


class NewsList(PageInfo):
    news: list[NewsOut]


class NewsFilters(Paging):
    year: int | None = Field(None, ge=1989, le=2100, description="年度(西暦の始まりの年)")
    kind: Literal["notice", "seminar", "report"] | None = Field(
        None, description="種類(notice: お知らせ、seminar: 研修会・講演会、report: 活動報告)"
    )


@api.get(
    "/news",
    response={200: NewsList, **ERROR_RESPONSES},
    summary="お知らせ",
    tags=["協議会"],
)
def news(request, filters: Query[NewsFilters]):
    """公開しているお知らせを、掲載日の新しい順に返します。"""
    pages = NewsPage.objects.live().public().defer_streamfields()
    if filters.year is not None:
        pages = year_filter(pages, filters.year)
    if filters.kind:
        pages = pages.filter(kind=filters.kind)
    pages, info = paginate(pages.order_by("-date", "-pk"), filters.page, filters.per_page)
    return {
        **info,
        "news": [
            {
                "id": p.pk,
                "title": p.title,
                "url": p.get_full_url(request),
                "date": p.date,
                "kind": p.kind,
                "kind_label": NewsKind(p.kind).label if p.kind in NewsKind.values else p.kind,
                "summary": p.summary,
            }
            for p in pages
        ],
    }


# --- The guide page's content ---------------------------------------------------------

API_GUIDE = [
    {
        "path": "/api/v1/facilities",
        "title": "事業所の検索",
        "text": "ふくしマップの検索と同じ条件で事業所を探します。条件ごとの件数(ファセット)も返します。",
        "params": [
            ("q", "キーワード(事業所名・よみ・住所・紹介など)"),
            (
                "muni, cat, svc, target, feat",
                "市町・サービスの区分・種類・対象者・特徴の id。繰り返すと「または」",
            ),
            ("kyoten", "1 で地域生活支援拠点等に登録している事業所"),
            ("vacancy", "1 で今月の空きあり(空き情報が公開されているときだけ)"),
            ("sort", "kana(50音順)か muni(市町順)"),
            ("page, per_page", f"ページの番号と1ページの件数(最大{MAX_PER_PAGE}件)"),
        ],
        "example": "/api/v1/facilities?muni=1&svc=3&per_page=50",
    },
    {
        "path": "/api/v1/meetings",
        "title": "会議の記録",
        "text": "会議の記録を開催日の新しい順に返します。会議資料のアドレスも入っています。",
        "params": [
            ("year", "年度(西暦の始まりの年。令和5年度なら 2023)"),
            ("body", "会議・部会のスラッグ(ページのアドレスの一部。例: zentaikai)"),
            ("page, per_page", f"ページの番号と1ページの件数(最大{MAX_PER_PAGE}件)"),
        ],
        "example": "/api/v1/meetings?year=2023",
    },
    {
        "path": "/api/v1/news",
        "title": "お知らせ",
        "text": "お知らせを掲載日の新しい順に返します。",
        "params": [
            ("year", "年度(西暦の始まりの年)"),
            ("kind", "notice(お知らせ)・seminar(研修会・講演会)・report(活動報告)"),
            ("page, per_page", f"ページの番号と1ページの件数(最大{MAX_PER_PAGE}件)"),
        ],
        "example": "/api/v1/news?kind=seminar",
    },
]
