"""Fast creation of many facility pages for query-count tests.

Publishing pages one by one through revisions takes seconds per hundred;
these tests need thousands. Pages are written straight into the tree
(correct materialised paths, live, no revisions) with bulk inserts.
"""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import Locale, Page

from facilities.kana import sort_key
from facilities.models import FacilityPage, FacilityService


def bulk_facilities(index, count, municipalities, service_types, target_groups=(), prefix="一括"):
    content_type = ContentType.objects.get_for_model(FacilityPage)
    locale = Locale.get_default()
    now = timezone.now()
    start = index.numchild
    parents = []
    for n in range(count):
        parents.append(
            Page(
                path=Page._get_path(index.path, index.depth + 1, start + n + 1),
                depth=index.depth + 1,
                numchild=0,
                title=f"{prefix}事業所{n}",
                slug=f"{prefix.lower()}-bulk-{start + n}",
                url_path=f"{index.url_path}bulk-{start + n}/",
                content_type=content_type,
                locale=locale,
                live=True,
                first_published_at=now,
                last_published_at=now,
            )
        )
    Page.objects.bulk_create(parents, batch_size=500)
    created = list(
        Page.objects.filter(path__in=[p.path for p in parents])
        .order_by("path")
        .values_list("pk", flat=True)
    )
    children = []
    for n, pk in enumerate(created):
        page = FacilityPage(
            page_ptr_id=pk, name_kana=f"イッカツ{n:05d}", kana_sort=sort_key(f"イッカツ{n:05d}")
        )
        page.municipality = municipalities[n % len(municipalities)]
        page.address = f"本庄市{n}番地"
        page.summary = ""
        page.latitude = "36.240000"
        page.longitude = "139.190000"
        children.append(page)
    fields = list(FacilityPage._meta.local_concrete_fields)
    FacilityPage.objects._insert(children, fields=fields, using="default")
    services = [
        FacilityService(
            page_id=pk, service_type=service_types[n % len(service_types)], sort_order=0
        )
        for n, pk in enumerate(created)
    ]
    FacilityService.objects.bulk_create(services, batch_size=500)
    if target_groups:
        through = FacilityService.target_groups.through
        saved = FacilityService.objects.filter(page_id__in=created).values_list("pk", flat=True)
        through.objects.bulk_create(
            [
                through(
                    facilityservice_id=sid, targetgroup_id=target_groups[i % len(target_groups)].pk
                )
                for i, sid in enumerate(saved)
            ],
            batch_size=500,
        )
    Page.objects.filter(pk=index.pk).update(numchild=index.numchild + count)
    index.numchild += count
    return created
