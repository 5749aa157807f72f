"""Which pages the yearly test covers (みんなの公共サイト運用ガイドライン).

Representative pages: the home page and the first page (in tree order) of every
other page type. Random pages: ``count`` of the remaining public pages, drawn
with ``random.Random(seed)`` so the same seed on the same site draws the same
pages again; the seed is stored with the run.
"""

import random

from wagtail.models import Page, Site


def public_pages():
    """Live pages without view restrictions under the default site's root, in tree order."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return site, []
    root = site.root_page
    pages = (
        Page.objects.live()
        .public()
        .descendant_of(root, inclusive=True)
        .select_related("content_type")
        .order_by("path")
    )
    return site, list(pages)


def choose_pages(count, seed):
    """``[{"path", "title", "page_type", "kind"}]``: representative pages, then random ones."""
    site, pages = public_pages()
    if not pages:
        return []
    representative, rest, seen_types = [], [], set()
    for page in pages:
        type_key = page.content_type_id
        if page.pk == site.root_page_id or type_key not in seen_types:
            seen_types.add(type_key)
            representative.append(page)
        else:
            rest.append(page)
    drawn = random.Random(seed).sample(rest, min(count, len(rest)))
    drawn.sort(key=lambda page: page.path)

    def describe(page, kind):
        _, _, path = page.get_url_parts()
        return {
            "path": path,
            "title": page.title,
            "page_type": page.content_type.model_class()._meta.verbose_name,
            "kind": kind,
        }

    return [describe(p, "representative") for p in representative] + [
        describe(p, "random") for p in drawn
    ]
