"""What every listing page shares: pagination, the 年度 filter and the page tree.

Query strings come from visitors and may be anything; every helper here turns
a bad value into the unfiltered listing with a note, never into an error.
"""

from dataclasses import dataclass

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from wagtail.models import Page

from .dates import fiscal_year_label, fiscal_year_range

# A response built from a query string the page could not fully use (an unknown filter
# value, a page number out of range: the visitor sees a note or another page) is not
# stored by the page cache (cms/pagecache.py), so made-up values never fill it.
NOT_FOR_PAGE_CACHE = "not_for_page_cache"


def keep_out_of_page_cache(request):
    """Mark ``request``'s response as one the page cache must not store."""
    setattr(request, NOT_FOR_PAGE_CACHE, True)


def single_param(request, name):
    """The first value of a query parameter, stripped, or '' (repeats are not an error)."""
    values = request.GET.getlist(name)
    return values[0].strip() if values else ""


def paginate(request, items, per_page, count=None):
    """A page of ``items`` for ``?page=``; bad or out-of-range numbers give page 1 or the last.

    ``count``: the number of items when the caller already counted them (saves a query).
    """
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count
    number = single_param(request, "page") or 1
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        keep_out_of_page_cache(request)
        return paginator.page(1)
    except EmptyPage:
        keep_out_of_page_cache(request)
        return paginator.page(paginator.num_pages)


def year_param(value):
    """A fiscal year from a query string ('2023'), or None for anything else."""
    value = (value or "").strip()
    if len(value) == 4 and value.isascii() and value.isdigit():
        return int(value)
    return None


@dataclass
class FiscalYearFilter:
    """The ``?nendo=`` filter of a listing: the years it offers and the one chosen.

    Rendered by ``includes/fiscal_year_filter.html``.
    """

    years: list
    selected: int | None = None
    note: str = ""
    param: str = "nendo"

    @classmethod
    def from_request(cls, request, years, *, what):
        """``years``: the fiscal years the listing has; ``what``: its items, for the note."""
        years = sorted(set(years), reverse=True)
        wanted = single_param(request, cls.param)
        if not wanted:
            return cls(years)
        year = year_param(wanted)
        if year in years:
            return cls(years, selected=year)
        keep_out_of_page_cache(request)
        return cls(
            years,
            note=f"指定された年度の{what}はありません。すべての年度を表示しています。",
        )

    @property
    def choices(self):
        return [(year, fiscal_year_label(year)) for year in self.years]

    @property
    def selected_label(self):
        return fiscal_year_label(self.selected) if self.selected else ""

    def apply(self, queryset, *, year_field=None, date_field=None):
        """Narrow ``queryset`` to the chosen year, by a fiscal-year column or by a date."""
        if self.selected is None:
            return queryset
        if year_field:
            return queryset.filter(**{year_field: self.selected})
        first, last = fiscal_year_range(self.selected)
        return queryset.filter(**{f"{date_field}__range": (first, last)})


def page_tree(pages):
    """Nest a queryset of pages by their tree paths: [{"page": p, "children": [...]}, ...]."""
    nodes, roots = {}, []
    for page in pages.only("title", "url_path", "path", "depth").order_by("path"):
        node = {"page": page, "children": []}
        nodes[page.path] = node
        parent = nodes.get(page.path[: -Page.steplen])
        (parent["children"] if parent else roots).append(node)
    return roots
