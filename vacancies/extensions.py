"""What the vacancy figures add to ふくしマップ, through ``facilities.extensions``.

The figures are the 空き情報 page's data: wherever they show, they follow that
page's privacy (``home.privacy``). A visitor who may not view the page sees no
figure, chart, filter or count on the facility pages and the search either.
"""

from functools import cache

from django.db.models import Exists, Max, OuterRef, Q

from facilities.extensions import ToggleFilter
from facilities.models import FacilityIndexPage, FacilityPage, FacilityService
from home.privacy import may_view, with_restricted

from .charts import history_svg
from .models import VacancyFigure, VacancyPage, VacancySettings, month_start, previous_month

HISTORY_MONTHS = 12


def figures_visible(request):
    """True when the visitor may view the live 空き情報 page (looked up once per request)."""
    if "_vacancy_page" not in request.__dict__:
        request._vacancy_page = with_restricted(VacancyPage.objects.live()).first()
    page = request._vacancy_page
    return page is not None and may_view(request, page)


def facility_vacancies(facility, request, months=HISTORY_MONTHS):
    """The facility page's 空き情報: per tracked service offered, the latest figure and
    the last 12 months as a chart and a table. None when it offers no tracked service, or
    when the visitor may not see the figures."""
    if not figures_visible(request):
        return None
    tracked = {s.pk: s for s in VacancySettings.tracked_for_request(request)}
    offered = [s for s in facility.services.all() if s.service_type_id in tracked]
    if not offered:
        return None
    span = [month_start()]
    for _ in range(months - 1):
        span.insert(0, previous_month(span[0]))
    figures = VacancyFigure.objects.filter(facility=facility, service_type_id__in=tracked)
    by_month = {}
    latest = {}
    offered_ids = {o.service_type_id for o in offered}
    updated_at = None  # 空き情報の更新: the last change to a figure of a service shown
    for figure in figures.order_by("-month"):
        if figure.month >= span[0]:
            by_month[(figure.service_type_id, figure.month)] = figure
        latest.setdefault(figure.service_type_id, figure)
        if figure.service_type_id in offered_ids:
            updated_at = max(updated_at or figure.updated_at, figure.updated_at)
    entries = []
    for offer in offered:
        service = tracked[offer.service_type_id]
        counts = [
            (m, figure.vacancies if (figure := by_month.get((service.pk, m))) else None)
            for m in span
        ]
        rows = [(m, VacancyFigure.count_label(n)) for m, n in counts]
        points = [(f"{m.month}月", n) for m, n in counts]
        entries.append(
            {
                "service": service,
                "latest": latest.get(service.pk),
                "rows": rows,
                "chart": history_svg(
                    points,
                    f"{facility.title} {service.name}の空き人数(過去{months}か月)",
                    ident=f"vacancy-chart-{service.pk}",
                ),
            }
        )
    return {
        "template": "vacancies/includes/facility_vacancies.html",
        "entries": entries,
        "updated_at": updated_at,
    }


def result_vacancies_updated(facilities, request):
    """空き情報の更新: N日前 in each search result: the last change to a figure of a tracked
    service the facility offers. One query for the page of results; nothing for a visitor
    who may not see the figures."""
    if not facilities or not figures_visible(request):
        return None
    tracked = [s.pk for s in VacancySettings.tracked_for_request(request)]
    offers = FacilityService.objects.filter(
        page_id=OuterRef("facility_id"), service_type_id=OuterRef("service_type_id")
    )
    rows = (
        VacancyFigure.objects.filter(
            facility_id__in=[f.pk for f in facilities], service_type_id__in=tracked
        )
        .filter(Exists(offers))
        .values("facility_id")
        .annotate(updated_at=Max("updated_at"))
        .order_by()
    )
    return {
        row["facility_id"]: {
            "template": "vacancies/includes/result_updated.html",
            "updated_at": row["updated_at"],
        }
        for row in rows
    }


def vacancy_filter(request):
    """今月の空きあり: facilities with a vacancy this month (Asia/Tokyo) in a tracked service.

    Not offered to a visitor who may not see the figures (``?vacancy=1`` is then ignored).
    """
    if not figures_visible(request):
        return None

    @cache
    def condition():
        tracked = [s.pk for s in VacancySettings.tracked_for_request(request)]
        figures = VacancyFigure.objects.filter(
            month=month_start(), vacancies__gt=0, service_type_id__in=tracked
        )
        return Q(pk__in=figures.values("facility_id"))

    return ToggleFilter(
        param="vacancy",
        legend="空き情報",
        label="今月の空きあり",
        chip="今月の空きあり",
        condition=condition,
        invalid_note="空き情報の条件が正しくないため、使わずに検索しました。",
    )


def pages_showing_figures(page):
    """The facility pages and directories show the figures of the 空き情報 page."""
    if page.specific_class is not VacancyPage:
        return []
    return [
        *FacilityIndexPage.objects.live().specific(),
        *FacilityPage.objects.live().specific().defer_streamfields(),
    ]
