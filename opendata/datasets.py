"""The datasets of the open data page: what each holds, when it last changed, and its files.

Every dataset takes only live pages without view restrictions (``.live().public()``).
The vacancy figures are listed, and their file served, only while the 空き情報
page itself is public; otherwise the dataset does not exist for anyone.
"""

import json
from dataclasses import dataclass, field

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers

from council import opendata as council_data
from facilities import opendata as facility_data
from home.privacy import is_public
from home.spreadsheets import write_csv
from vacancies.models import VacancyFigure, VacancyPage, VacancySettings

# Dataset files change when pages are published; a short shared-cache lifetime is enough.
MAX_AGE = 300

FORMATS = {
    "csv": ("CSV", "text/csv; charset=utf-8"),
    "geojson": ("GeoJSON", "application/geo+json"),
    "json": ("JSON", "application/json"),
}


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str


@dataclass
class Dataset:
    slug: str
    title: str
    description: str
    columns: tuple
    formats: tuple
    updated: callable = None
    build: callable = None
    available: callable = field(default=lambda request: True)

    def filename(self, fmt):
        return f"{self.slug}.{fmt}"

    def describe(self, request):
        return {
            "slug": self.slug,
            "title": self.title,
            "description": self.description,
            "columns": self.columns,
            "updated": self.updated(),
            "files": [
                {
                    "format": FORMATS[fmt][0],
                    "name": self.filename(fmt),
                    "url": reverse("opendata_file", args=[self.slug, fmt]),
                }
                for fmt in self.formats
            ],
        }

    def response(self, request, fmt):
        if fmt not in self.formats or not self.available(request):
            raise Http404("このデータはありません。")
        body = self.build(request, fmt)
        response = HttpResponse(body, content_type=FORMATS[fmt][1])
        response["Content-Disposition"] = f'inline; filename="{self.filename(fmt)}"'
        response["Access-Control-Allow-Origin"] = "*"
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
        return response


def _json(data):
    return json.dumps(data, ensure_ascii=False, indent=1)


# --- ふくしマップ -----------------------------------------------------------------


def _facility_rows(request):
    return facility_data.facility_rows(
        facility_data.facilities_for_open_data(),
        url_of=lambda facility: facility.get_full_url(request),
    )


def build_facilities(request, fmt):
    rows = _facility_rows(request)
    if fmt == "csv":
        header = facility_data.FACILITY_HEADER
        return write_csv([header, *([row[name] for name in header] for row in rows)])
    return _json(
        {
            "type": "FeatureCollection",
            "features": [facility_data.geojson_feature(row) for row in rows],
        }
    )


# --- 会議の記録 -----------------------------------------------------------------


def _meeting_records(request):
    return council_data.meeting_records(
        council_data.meetings_for_open_data(),
        page_url=lambda meeting: meeting.get_full_url(request),
        document_url=lambda document: request.build_absolute_uri(document.url),
    )


def build_meetings(request, fmt):
    records = _meeting_records(request)
    if fmt == "csv":
        rows = [council_data.meeting_csv_row(record) for record in records]
        return write_csv([council_data.MEETING_HEADER, *rows])
    return _json({"meetings": records})


# --- 空き情報 -------------------------------------------------------------------

VACANCY_COLUMNS = (
    Column("対象月", "空き状況の時点(その月の1日。西暦、年-月)"),
    Column("事業所番号", "事業所の事業所番号(10桁)"),
    Column("名称", "事業所の名前"),
    Column("地方公共団体名", "事業所がある市町"),
    Column("サービスの種類", "空き情報を集めているサービス"),
    Column("空き人数", "空いている人数(空欄は未回答)"),
    Column("対象", "空きを受け入れられる方(問わず・男性・女性)"),
    Column("体験利用", "体験利用を受け入れられるとき「可」"),
    Column("備考", "事業所からの補足"),
)


def vacancies_public(request=None):
    """True while the live 空き情報 page has no view restriction."""
    return VacancyPage.objects.live().filter(is_public()).exists()


def _vacancy_figures():
    from facilities.models import FacilityPage

    return VacancyFigure.objects.latest_figures(
        VacancySettings.tracked_for_default_site(), FacilityPage.objects.live().filter(is_public())
    ).order_by(
        "service_type__category__sort_order",
        "service_type__sort_order",
        "facility__kana_sort",
        "facility_id",
    )


def build_vacancies(request, fmt):
    rows = [
        [
            figure.month.strftime("%Y-%m"),
            figure.facility.office_number or "",
            figure.facility.title,
            figure.facility.municipality.name,
            figure.service_type.name,
            "" if figure.vacancies is None else figure.vacancies,
            figure.get_for_whom_display(),
            "可" if figure.trial_stay else "",
            figure.note,
        ]
        for figure in _vacancy_figures()
    ]
    return write_csv([[c.name for c in VACANCY_COLUMNS], *rows])


def vacancies_updated():
    from django.db.models import Max

    return _vacancy_figures().order_by().aggregate(latest=Max("updated_at"))["latest"]


DATASETS = (
    Dataset(
        slug="facilities",
        title="ふくしマップの事業所一覧",
        description=(
            "本庄市・美里町・神川町・上里町の障害福祉サービス事業所です。"
            "自治体標準オープンデータセット「介護サービス事業所一覧」の項目に合わせ、"
            "提供しているサービスごとに1行です。GeoJSON では位置のない事業所の geometry は null です。"
        ),
        columns=tuple(Column(c.name, c.meaning) for c in facility_data.FACILITY_COLUMNS),
        formats=("csv", "geojson"),
        updated=lambda: facility_data.facilities_updated_at(
            facility_data.facilities_for_open_data()
        ),
        build=build_facilities,
    ),
    Dataset(
        slug="meetings",
        title="会議の記録の一覧",
        description="協議会の全体会・運営会議・部会・連絡会議の開催日、開催の状況と会議資料です。",
        columns=tuple(Column(c.name, c.meaning) for c in council_data.MEETING_COLUMNS),
        formats=("csv", "json"),
        updated=lambda: council_data.meetings_updated_at(council_data.meetings_for_open_data()),
        build=build_meetings,
    ),
    Dataset(
        slug="vacancies",
        title="空き情報(最新の月)",
        description=(
            "施設入所支援・グループホーム・短期入所の、事業所とサービスごとの最新の空き人数です。"
        ),
        columns=VACANCY_COLUMNS,
        formats=("csv",),
        updated=vacancies_updated,
        build=build_vacancies,
        available=vacancies_public,
    ),
)


def available_datasets(request):
    return [dataset for dataset in DATASETS if dataset.available(request)]


def get_dataset(slug):
    dataset = next((d for d in DATASETS if d.slug == slug), None)
    if dataset is None:
        raise Http404("このデータはありません。")
    return dataset
