"""Extension points of the facility pages, filled by the apps above ``facilities``.

Both are Wagtail hooks, so ``facilities`` imports none of the apps that use them
(the vacancy figures of ``vacancies`` reach the facility page and the search
this way).

``FACILITY_PAGE_SECTIONS_HOOK``
    fn(facility_page, request) -> None, or a dict with a "template" key and the
    context that template needs. Shown after the table of services, or at the
    end of the page, after the date the details were checked, when the dict
    has ``"place": "end"``.

``FACILITY_INDEX_SECTIONS_HOOK``
    fn(index_page, request) -> None, or a dict with a "template" key and the
    context that template needs. Shown on ふくしマップ after the results.

``FACILITY_SEARCH_RESULTS_HOOK``
    fn(facilities, request) -> None, or a dict {facility pk: dict with a
    "template" key and the context that template needs}, for the facilities
    of one page of search results (one call per page, so the number of queries
    does not grow with the results). Shown inside each result.

``FACILITY_SEARCH_FILTERS_HOOK``
    fn(request) -> None or a :class:`ToggleFilter`, offered as one more checkbox
    of the facility search, with its count, like 拠点登録あり.

``FACILITY_PAGE_PERMISSIONS_HOOK``
    fn(user, facility_page) -> a set of Wagtail page actions ("change", …) the
    user holds on that one facility page besides what its groups give
    (``FacilityPage.permissions_for_user``). Called for every tester made, so it
    should answer from what the request has already loaded where it can.

``FACILITIES_KEPT_HOOK``
    fn(user) -> None (nothing to say about this user), or the ids of the facility
    pages the user keeps through an account of its own rather than a group (an
    office's staff). The vacancy entry screen shows such a user only these rows,
    and the correction requests of these facilities reach its inbox.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

FACILITY_PAGE_SECTIONS_HOOK = "facility_page_sections"
FACILITY_SEARCH_FILTERS_HOOK = "facility_search_filters"
FACILITY_SEARCH_RESULTS_HOOK = "facility_search_results"
FACILITY_INDEX_SECTIONS_HOOK = "facility_index_sections"
FACILITY_PAGE_PERMISSIONS_HOOK = "facility_page_permissions"
FACILITIES_KEPT_HOOK = "facilities_kept_by"


@dataclass
class ToggleFilter:
    """A yes/no condition of the facility search: ``?<param>=1`` narrows the results."""

    param: str
    legend: str
    label: str
    chip: str
    condition: Callable[[], Q]
    invalid_note: str
    selected: bool = False
    count: int | None = None
