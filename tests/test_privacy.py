"""Restricted means restricted: a page's privacy reaches everything derived from it.

The 空き情報 page restricted to the 相談支援事業所 group hides the vacancy figures
everywhere they surface (facility pages, the facility search and its counts, the
map markers); a private page's documents and listing entries stay behind its
restriction; responses that differ by visitor are not stored by shared caches,
and changing a page's privacy purges the front cache.
"""

import json
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import override_settings
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction

from editorial import roles
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    MeetingPageFactory,
    VacancyFigureFactory,
    VacancyPageFactory,
)
from tests.test_production import RecordingBackend

pytestmark = pytest.mark.django_db

GH = "共同生活援助(介護サービス包括型)"
OFFICES = roles.CONSULTATION_OFFICE
FIGURE_TEXT = "空きあり 2人"


def restrict(page, *group_names):
    restriction = PageViewRestriction.objects.create(
        page=page,
        restriction_type=PageViewRestriction.GROUPS if group_names else PageViewRestriction.LOGIN,
    )
    restriction.groups.set(Group.objects.filter(name__in=group_names))
    return restriction


@pytest.fixture
def site(home_page):
    index = FacilityIndexPageFactory(parent=home_page)
    vacant = FacilityPageFactory(
        parent=index,
        slug="vacant",
        title="サンプルひかりホーム",
        latitude="36.240000",
        longitude="139.190000",
        services=[(GH, 5, [])],
    )
    full = FacilityPageFactory(
        parent=index,
        slug="full",
        title="サンプルみどりホーム",
        latitude="36.250000",
        longitude="139.180000",
        services=[(GH, 4, [])],
    )
    VacancyFigureFactory(facility=vacant, service_type=GH, vacancies=2)
    VacancyFigureFactory(facility=full, service_type=GH, vacancies=0)
    vacancy_page = VacancyPageFactory(parent=home_page, intro="<p>毎月の空床のまとめ</p>")
    restrict(vacancy_page, OFFICES)
    return {"index": index, "vacant": vacant, "full": full, "vacancy_page": vacancy_page}


@pytest.fixture
def visitors(django_user_model):
    """Who asks: None is an anonymous visitor."""

    def user(name, group=None, **extra):
        account = django_user_model.objects.create_user(name, password="x" * 12, **extra)
        if group:
            account.groups.add(Group.objects.get(name=group))
        return account

    return {
        "anonymous": None,
        "approver": user("shonin", roles.APPROVER),
        "office": user("soudan", OFFICES),
        "facility_editor": user("shisetsu", roles.FACILITY_EDITOR),
        "superuser": user("kanri", is_superuser=True, is_staff=True),
    }


PERMITTED = {"office", "facility_editor", "superuser"}


def as_visitor(client, visitors, who):
    if visitors[who] is not None:
        client.force_login(visitors[who])
    return client


@pytest.mark.parametrize("who", ["anonymous", "approver", "office", "facility_editor", "superuser"])
def test_vacancy_figures_follow_the_vacancy_pages_privacy_everywhere(client, site, visitors, who):
    as_visitor(client, visitors, who)
    sees = who in PERMITTED

    page = client.get(site["vacant"].url).content.decode()
    assert (FIGURE_TEXT in page) is sees
    assert ('class="vacancy-chart"' in page) is sees
    assert ('id="vacancy-heading"' in page) is sees
    jsonld = page.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "空き" not in jsonld

    search = client.get(site["index"].url).content.decode()
    assert ('id="facet-vacancy"' in search) is sees
    assert ("今月の空きあり" in search) is sees

    # ?vacancy=1 narrows the results only for those who may see the figures.
    filtered = client.get(site["index"].url + "?vacancy=1").context["search"]
    slugs = {p.slug for p in filtered.results_page.object_list}
    assert slugs == ({"vacant"} if sees else {"vacant", "full"})
    markers = json.loads(client.get(site["index"].url + "markers/?vacancy=1").content)
    assert {m["name"] for m in markers["facilities"]} == (
        {"サンプルひかりホーム"} if sees else {"サンプルひかりホーム", "サンプルみどりホーム"}
    )
    assert all(set(m) & {"vacancies", "vacancy"} == set() for m in markers["facilities"])

    response = client.get(site["vacancy_page"].url)
    if sees:
        assert response.status_code == 200 and FIGURE_TEXT in response.content.decode()
    else:
        assert FIGURE_TEXT not in response.content.decode()
        assert response.status_code in (302, 200)  # the login page, or 'no permission'


def test_everyone_sees_the_figures_once_the_page_is_public_again(client, site):
    assert FIGURE_TEXT not in client.get(site["vacant"].url).content.decode()
    PageViewRestriction.objects.filter(page=site["vacancy_page"]).delete()
    assert FIGURE_TEXT in client.get(site["vacant"].url).content.decode()


def test_restricted_pages_stay_out_of_search_feeds_and_sitemap(client, site):
    assert "毎月の空床" not in client.get("/search/?q=空床").content.decode()
    sitemap = ET.fromstring(client.get("/sitemap-pages.xml").content)
    urls = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert urls and not any(site["vacancy_page"].url in url for url in urls)
    assert site["vacancy_page"].title not in client.get("/feeds/atom.xml").content.decode()


def test_a_private_facility_is_listed_nowhere(client, site, visitors):
    restrict(site["full"])
    client.force_login(visitors["office"])
    listing = client.get(site["vacancy_page"].url).content.decode()
    assert "サンプルひかりホーム" in listing
    assert "サンプルみどりホーム" not in listing
    search = client.get(site["index"].url).context["search"]
    assert {p.slug for p in search.results_page.object_list} == {"vacant"}
    markers = json.loads(client.get(site["index"].url + "markers/").content)
    assert [m["name"] for m in markers["facilities"]] == ["サンプルひかりホーム"]
    assert "サンプルみどりホーム" not in client.get("/search/?q=サンプル").content.decode()


def test_responses_that_differ_by_visitor_stay_out_of_shared_caches(client, site, visitors):
    anonymous = client.get(site["vacant"].url)
    assert "Cookie" in anonymous["Vary"]
    assert "private" not in anonymous.get("Cache-Control", "")

    client.force_login(visitors["office"])
    for url in (site["vacant"].url, site["index"].url, site["vacancy_page"].url):
        response = client.get(url)
        assert "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]


@pytest.fixture
def meetings(home_page, settings, tmp_path):
    # Documents are streamed from disk, as in production (the in-memory test storage has no path).
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    about = CouncilIndexPageFactory(parent=home_page)
    committee = CommitteePageFactory(parent=about, slug="soudan")
    public_doc = Document.objects.create(
        title="公開の資料", file=ContentFile(b"%PDF-1.4\npublic\n", name="public.pdf")
    )
    private_doc = Document.objects.create(
        title="非公開の資料", file=ContentFile(b"%PDF-1.4\nprivate\n", name="private.pdf")
    )
    shared_doc = Document.objects.create(
        title="両方の資料", file=ContentFile(b"%PDF-1.4\nshared\n", name="shared.pdf")
    )

    def meeting(slug, docs):
        page = MeetingPageFactory(parent=committee, slug=slug)
        for n, doc in enumerate(docs):
            page.handouts.create(label=f"資料{n + 1}", title=doc.title, document=doc)
        page.save_revision().publish()
        return page

    open_meeting = meeting("open", [public_doc, shared_doc])
    closed_meeting = meeting("closed", [private_doc, shared_doc])
    restrict(closed_meeting, OFFICES)
    return {
        "public": public_doc,
        "private": private_doc,
        "shared": shared_doc,
        "closed": closed_meeting,
        "open": open_meeting,
    }


def test_handouts_of_a_private_meeting_stay_behind_its_restriction(client, meetings, visitors):
    for key in ("public", "shared"):
        assert client.get(meetings[key].url).status_code == 200, key
    response = client.get(meetings["private"].url)
    assert response.status_code == 302 and "login" in response["Location"]

    client.force_login(visitors["approver"])
    assert client.get(meetings["private"].url).status_code == 403

    client.force_login(visitors["office"])
    response = client.get(meetings["private"].url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).endswith(b"private\n")
    assert "private" in response["Cache-Control"]


def test_a_handout_of_an_unpublished_meeting_is_not_served_either(client, meetings, visitors):
    meetings["open"].unpublish()
    assert client.get(meetings["public"].url).status_code == 302
    client.force_login(visitors["superuser"])  # editors may still look at it
    assert client.get(meetings["public"].url).status_code == 200


@pytest.fixture
def recorder():
    RecordingBackend.purged = []
    with override_settings(
        WAGTAILFRONTENDCACHE={"test": {"BACKEND": "tests.test_production.RecordingBackend"}}
    ):
        yield RecordingBackend


def test_changing_a_pages_privacy_purges_it_and_the_pages_that_show_its_data(site, recorder):
    base = "http://localhost"
    PageViewRestriction.objects.filter(page=site["vacancy_page"]).delete()
    purged = set(recorder.purged)
    for page in (site["vacancy_page"], site["vacant"], site["full"], site["index"]):
        assert base + page.url in purged, page.url
    assert f"{base}/sitemap.xml" in purged

    recorder.purged = []
    restrict(site["full"])
    assert base + site["full"].url in recorder.purged
    assert base + site["vacant"].url not in recorder.purged


@pytest.mark.parametrize("restricted_depth", [3, 8, 9, 11])
def test_is_public_finds_restrictions_at_any_depth(home_page, restricted_depth):
    """A restriction hides the page it is on and every page below it, and nothing else,
    at any depth."""
    from wagtail.models import Page

    from home.privacy import is_public, with_restricted
    from tests.factories import StandardPageFactory

    chain, parent = [], home_page
    while parent.depth < 12:
        parent = StandardPageFactory(parent=parent, slug=f"level-{parent.depth + 1}")
        chain.append(parent)
    restricted = next(p for p in chain if p.depth == restricted_depth)
    restrict(restricted)

    public_depths = set(
        Page.objects.filter(pk__in=[p.pk for p in chain])
        .filter(is_public())
        .values_list("depth", flat=True)
    )
    assert public_depths == set(range(3, restricted_depth))
    flags = dict(
        with_restricted(Page.objects.filter(pk__in=[p.pk for p in chain])).values_list(
            "depth", "view_restricted"
        )
    )
    assert flags == {depth: depth >= restricted_depth for depth in range(3, 13)}
