"""Text that editors type is safe in every output.

Control characters are removed when text is saved (``home.text``); tab and
newline stay in multi-line fields and become a space in single-line ones.
Everything else an editor can paste (bidi controls, zero-width joiners,
combining marks, emoji, ``</script>``, ``]]>``, ``&<>"'``) is kept, and every
machine-readable output stays valid: the Atom feeds, the iCalendar feeds, the
JSON-LD of the pages, the sitemap, the vacancy CSV and the map's markers JSON
are fetched and parsed, and must give back exactly the cleaned text.

Lone surrogates are left out of the generated text: no browser sends them and
no database stores them.
"""

import datetime as dt
import json
from contextlib import contextmanager
from html import escape, unescape
from html.parser import HTMLParser
from xml.etree import ElementTree

import feedparser
import icalendar
import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, streamfield

from council.feeds import CouncilFeed, meetings_calendar
from council.models import BusinessItem, MeetingHandout, MeetingPage, NewsPage
from facilities.models import FacilityPage, Municipality, ServiceType
from home.models import SecretariatContact
from home.spreadsheets import read_csv, write_csv
from home.text import clean_data, clean_instance, clean_text, xml_text
from tests.factories import (
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    MeetingPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    StandardPageFactory,
    VacancyFigureFactory,
    VacancyPageFactory,
    meeting_form_data,
    paragraph,
    stream,
)
from vacancies.models import VacancyFigure

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NYUSHO = "施設入所支援"

C0 = [chr(c) for c in range(0x20)]
C1 = ["\x7f", *(chr(c) for c in range(0x80, 0xA0))]
NONCHARACTERS = ["\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff"]
BIDI = ["\u200e", "\u200f", "\u061c", *(chr(c) for c in range(0x202A, 0x202F))]
BIDI += [chr(c) for c in range(0x2066, 0x206A)]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060"]
BOM = ["\ufeff"]
COMBINING = ["\u0301", "\u0308", "\u3099", "\u309a", "\u20dd"]
EMOJI = ["😀", "👨\u200d👩\u200d👧", "🇯🇵", "1\ufe0f\u20e3", "👍🏽"]
SEPARATORS = ["\u2028", "\u2029", "\u00a0", "\u3000", "\u0085"]
MARKUP = ["</script>", "<!--", "]]>", "&", "&amp;", "<", ">", '"', "'", "\\", ";", ",", ":"]
MARKUP += ["=1+1", "-", "@", "\r\n"]
FRAGMENTS = (
    C0 + C1 + NONCHARACTERS + BOM + BIDI + ZERO_WIDTH + COMBINING + EMOJI + SEPARATORS + MARKUP
)


def editor_text(max_size=12):
    """What an editor may paste: troublesome pieces and any Unicode but lone surrogates."""
    piece = st.one_of(
        st.sampled_from(FRAGMENTS),
        st.characters(exclude_categories=("Cs",)),
        st.sampled_from(["会議", "本庄市", "サンプル"]),
    )
    return st.lists(piece, max_size=max_size).map("".join)


PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextmanager
def rolled_back():
    """One example's data, undone afterwards (a savepoint in the test's transaction)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- clean_text ----------------------------------------------------------------------


@pytest.mark.parametrize("char", [c for c in C0 if c not in "\t\n\r"] + C1 + NONCHARACTERS + BOM)
def test_control_characters_and_noncharacters_are_removed(char):
    assert clean_text(f"会{char}議", multiline=True) == "会議"
    assert clean_text(f"会{char}議", multiline=False) == "会議"


def test_multiline_keeps_tab_and_newline_and_makes_crlf_and_cr_newlines():
    assert clean_text("一\t二\r\n三\r四\n五", multiline=True) == "一\t二\n三\n四\n五"


def test_single_line_turns_tab_and_line_breaks_into_one_space_each():
    assert clean_text("一\t二\r\n三\r四\n五", multiline=False) == "一 二 三 四 五"


def test_lone_surrogates_are_removed():
    assert clean_text("a\ud800b\udfffc") == "abc"


@pytest.mark.parametrize(
    "text",
    BIDI + ZERO_WIDTH + COMBINING + EMOJI + ["\u2028", "\u2029", "\u3000"] + MARKUP[:-1],
)
def test_what_is_text_is_kept(text):
    assert clean_text(f"a{text}b", multiline=True) == f"a{text}b"
    assert clean_text(f"a{text}b", multiline=False) == f"a{text}b"


def test_values_that_are_not_text_pass_through():
    assert clean_text(None) is None
    assert clean_text("") == ""
    assert clean_text(3) == 3


def test_stream_data_is_cleaned_everywhere_but_keys():
    data = [{"type": "item", "value": {"title": "議\x00題", "rows": ["a\x1b", 1, None]}}]
    assert clean_data(data) == [
        {"type": "item", "value": {"title": "議題", "rows": ["a", 1, None]}}
    ]


def test_xml_text_drops_only_what_xml_cannot_hold():
    kept = "\t\n\r\x85\u2028\u202e\u200d😀&<]]>"
    assert xml_text("\x00\x08\x0b\x0c\x1f\ufffe\uffff" + kept) == kept


@given(editor_text(max_size=30))
def test_cleaning_is_idempotent_and_only_removes_or_spaces(text):
    for multiline in (True, False):
        once = clean_text(text, multiline=multiline)
        assert clean_text(once, multiline=multiline) == once
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in once)
        assert not set(once) & (set(C0) - {"\t", "\n"})
        assert len(once) <= len(text)
    assert "\n" not in clean_text(text, multiline=False)
    assert "\t" not in clean_text(text, multiline=False)


# --- Saving cleans every kind of text field ------------------------------------------


def test_saving_a_page_cleans_title_search_description_stream_and_rich_text(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    body = CommitteePageFactory(parent=about)
    meeting = MeetingPageFactory(
        parent=body,
        title="第1回\x00全体会\t",
        seo_title="全体会\r\n",
        search_description="一行目\r\n二行目\x1b\t",
        venue="本庄市役所\n4階\x07",
        summary="概要\x0c",
        minutes="<p>議事録\x00\x01</p>",
        agenda=stream(("item", {"kind": "report", "title": "報告\x1b", "summary": "a\rb"})),
    )
    meeting.refresh_from_db()
    assert meeting.title == "第1回全体会 "
    assert meeting.draft_title == "第1回全体会 "
    assert meeting.seo_title == "全体会 "
    assert meeting.search_description == "一行目\n二行目\t"
    assert meeting.venue == "本庄市役所 4階"
    assert meeting.summary == "概要"
    assert meeting.minutes == "<p>議事録</p>"
    item = meeting.agenda[0].value
    assert item["title"] == "報告" and item["summary"] == "a\nb"
    revision = meeting.latest_revision.content
    assert revision["title"] == "第1回全体会 " and revision["summary"] == "概要"


def test_inline_rows_are_cleaned_in_the_revision_and_when_saved(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    meeting = MeetingPageFactory(parent=CommitteePageFactory(parent=about))
    meeting.handouts.add(MeetingHandout(label="資料\x001", title="活動報告\x1f"))
    revision = meeting.save_revision()
    assert revision.content["handouts"][0]["label"] == "資料1"
    revision.publish()
    handout = MeetingPage.objects.get(pk=meeting.pk).handouts.get()
    assert (handout.label, handout.title) == ("資料1", "活動報告")


def test_snippets_and_settings_are_cleaned(home_page):
    item = BusinessItem.objects.create(number=99, name="研修\x00会", description="説明\r\n\x1b")
    item.refresh_from_db()
    assert (item.name, item.description) == ("研修会", "説明\n")
    contact = SecretariatContact.for_site(home_page.get_site())
    contact.name = "事務局\x0b"
    contact.address = "本庄市\n本庄3-5-3"
    contact.save()
    contact.refresh_from_db()
    assert (contact.name, contact.address) == ("事務局", "本庄市 本庄3-5-3")


def test_vacancy_figure_note_is_cleaned(home_page):
    index = FacilityIndexPageFactory(parent=home_page)
    facility = FacilityPageFactory(parent=index, services=[(NYUSHO, 40, [])])
    figure = VacancyFigureFactory(facility=facility, service_type=NYUSHO, note="体験\x00可\t")
    figure.refresh_from_db()
    assert figure.note == "体験可 "


def test_clean_instance_leaves_deferred_fields_unloaded(home_page):
    page = StandardPageFactory(parent=home_page, intro="はじめに")
    deferred = Page.objects.filter(pk=page.pk).defer("title").get()
    clean_instance(deferred)
    assert "title" not in deferred.__dict__


def test_a_nul_pasted_into_the_admin_form_is_removed_not_refused(admin_client, home_page):
    page = StandardPageFactory(parent=home_page)
    response = admin_client.post(
        f"/admin/pages/{page.pk}/edit/",
        nested_form_data(
            {
                "title": "一般\x00ページ",
                "slug": page.slug,
                "intro": "はじめに\r\n\x00二行目",
                "body": streamfield([]),
                "page_listing": "",
                "summary": "",
                "seo_title": "",
                "search_description": "",
                "go_live_at": "",
                "expire_at": "",
                "action-publish": "publish",
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    assert page.title == "一般ページ"
    assert page.intro == "はじめに\n二行目"


def test_a_nul_pasted_into_a_snippet_or_setting_form_is_removed_not_refused(
    admin_client, home_page
):
    response = admin_client.post(
        "/admin/snippets/council/businessitem/add/",
        {"number": "98", "name": "研修\x00計画", "description": "一行目\r\n\x00二行目"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = BusinessItem.objects.get(number=98)
    assert (item.name, item.description) == ("研修計画", "一行目\n二行目")
    site = home_page.get_site()
    response = admin_client.post(
        f"/admin/settings/home/secretariatcontact/{site.pk}/",
        {"name": "事務局\x00", "address": "本庄市\x00本庄3-5-3", "office_hours": "平日\x0b"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    contact = SecretariatContact.for_site(site)
    assert (contact.name, contact.address, contact.office_hours) == (
        "事務局",
        "本庄市本庄3-5-3",
        "平日",
    )


def test_a_nul_pasted_into_the_monthly_vacancy_screen_is_removed(admin_client, home_page):
    index = FacilityIndexPageFactory(parent=home_page)
    facility = FacilityPageFactory(parent=index, services=[(NYUSHO, 40, [])])
    VacancyPageFactory(parent=home_page)
    month = dt.date(2026, 11, 1)
    response = admin_client.post(
        f"/admin/vacancies/monthly/?month={month:%Y-%m}",
        {
            "month": f"{month:%Y-%m}",
            "loaded_at": timezone.now().isoformat(),
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "5000",
            "form-0-facility": str(facility.pk),
            "form-0-service_type": str(ServiceType.objects.get(name=NYUSHO).pk),
            "form-0-vacancies": "2",
            "form-0-for_whom": "any",
            "form-0-note": "体験\x00可",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert VacancyFigure.objects.get(facility=facility, month=month).note == "体験可"


# --- Outputs stay valid for existing rows that were never cleaned --------------------


def test_outputs_written_from_uncleaned_rows_stay_valid(client, home_page):
    """A row stored before cleaning existed (written past the model) must not break a feed."""
    about = CouncilIndexPageFactory(parent=home_page)
    body = CommitteePageFactory(parent=about, title="全体会")
    meeting = MeetingPageFactory(parent=body, start_time=dt.time(14, 0))
    MeetingPage.objects.filter(pk=meeting.pk).update(
        title="第1回\x01全体会\x0b\ufffe", venue="会場\x1b", summary="概要\x02\n続き"
    )
    atom = client.get("/feeds/atom.xml")
    assert atom.status_code == 200
    feed = feedparser.parse(atom.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert [e.title for e in feed.entries] == ["第1回全体会"]
    calendar = icalendar.Calendar.from_ical(client.get("/feeds/meetings.ics").content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == "全体会 第1回全体会"
    assert str(event["location"]) == "会場"
    assert str(event["description"]).endswith("概要\n続き")


def test_a_nul_in_a_stored_row_does_not_make_the_csv_unreadable():
    text = write_csv([["事業所名", "備考"], ["サンプル\x00園", "\x00=1+1"]])
    rows, errors = read_csv(text.encode("utf-8"))
    assert errors == []
    assert rows[1][1] == ["サンプル園", "=1+1"]


# --- Property tests: every output parses and gives back the cleaned text -------------


class JsonLdParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.text, self._in = [], [], False

    def handle_starttag(self, tag, attrs):
        if tag == "script" and ("type", "application/ld+json") in attrs:
            self._in = True
            self.blocks.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = False

    def handle_data(self, data):
        if self._in:
            self.blocks[-1] += data
        else:
            self.text.append(data)


def page_jsonld(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    parser = JsonLdParser()
    parser.feed(response.content.decode())
    (block,) = parser.blocks
    assert "<" not in block
    return json.loads(block), "".join(parser.text)


def atom_entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    root = ElementTree.fromstring(response.content)
    return {
        entry.findtext(f"{ATOM}id"): {
            "title": entry.findtext(f"{ATOM}title"),
            "summary": unescape(entry.findtext(f"{ATOM}summary") or ""),
        }
        for entry in root.iter(f"{ATOM}entry")
    }


def calendar_events(client, url):
    response = client.get(url)
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    assert not calendar.errors
    events = {}
    for event in calendar.walk("VEVENT"):
        assert not event.errors
        events[str(event["uid"]).split("@")[0]] = event
    return events


def sitemap_locations(client):
    response = client.get("/sitemap-pages.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return {loc.text for loc in root.iter(f"{SITEMAP}loc")}


@pytest.fixture
def council(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    return {
        "body": CommitteePageFactory(parent=about, title="全体会", slug="zentai"),
        "news": NewsIndexPageFactory(parent=home_page),
    }


@PROPERTY
@given(
    title=editor_text(),
    venue=editor_text(),
    summary=editor_text(),
    description=editor_text(),
    body=editor_text(),
)
def test_council_outputs_give_back_the_cleaned_text(
    client, council, title, venue, summary, description, body
):
    with rolled_back():
        meeting = MeetingPageFactory(
            parent=council["body"],
            title="会議" + title,
            start_time=dt.time(14, 0),
            venue=venue,
            summary=summary,
            search_description=description,
        )
        news = NewsPageFactory(
            parent=council["news"],
            title="お知らせ" + title,
            summary=summary,
            search_description=description,
            body=stream(paragraph(f"<p>{escape('本文' + body)}</p>")),
        )
        title_kept = clean_text("会議" + title, multiline=False)
        venue_kept = clean_text(venue, multiline=False)
        summary_kept = clean_text(summary, multiline=True)
        description_kept = clean_text(description, multiline=True)
        body_kept = clean_text("本文" + body, multiline=True)
        news_title_kept = clean_text("お知らせ" + title, multiline=False)
        assert MeetingPage.objects.get(pk=meeting.pk).title == title_kept
        assert NewsPage.objects.get(pk=news.pk).body[0].value.source == (
            f"<p>{escape(body_kept)}</p>"
        )

        entries = atom_entries(client, "/feeds/atom.xml")
        meeting_entry = entries[CouncilFeed.item_guid(None, meeting)]
        assert meeting_entry["title"] == title_kept
        assert meeting_entry["summary"] == (summary_kept or "会議の記録")
        assert entries[CouncilFeed.item_guid(None, news)]["title"] == news_title_kept
        body_entries = atom_entries(client, council["body"].url + "feed/atom/")
        assert body_entries[CouncilFeed.item_guid(None, meeting)]["title"] == title_kept

        event = calendar_events(client, "/feeds/meetings.ics")[f"meeting-{meeting.pk}"]
        assert str(event["summary"]) == f"全体会 {title_kept}"
        if venue_kept:
            assert str(event["location"]) == venue_kept
        else:
            assert "location" not in event
        lines = ["対面", "開催済み", "公開(傍聴できます)"] + (
            [summary_kept] if summary_kept else []
        )
        assert str(event["description"]) == "\n".join(lines)
        assert f"meeting-{meeting.pk}" in calendar_events(
            client, council["body"].url + "feed/ical/"
        )

        data, _ = page_jsonld(client, meeting)
        assert data["name"] == title_kept
        assert data.get("description", "") == summary_kept
        if venue_kept:
            assert data["location"]["name"] == venue_kept
        data, text = page_jsonld(client, news)
        assert data["headline"] == news_title_kept
        assert data.get("description", "") == (description_kept or summary_kept)
        assert body_kept in text

        locations = sitemap_locations(client)
        assert meeting.full_url in locations and news.full_url in locations


@pytest.fixture
def fukushi_map(home_page):
    VacancyPageFactory(parent=home_page)
    return FacilityIndexPageFactory(parent=home_page)


@PROPERTY
@given(name=editor_text(), address=editor_text(), summary=editor_text(), note=editor_text())
def test_facility_outputs_give_back_the_cleaned_text(
    admin_client, fukushi_map, name, address, summary, note
):
    client = admin_client
    with rolled_back():
        facility = FacilityPageFactory(
            parent=fukushi_map,
            title="サンプル" + name,
            address="本庄" + address,
            summary=summary,
            latitude="36.240000",
            longitude="139.190000",
            municipality=Municipality.objects.get(name="本庄市"),
            services=[(NYUSHO, 40, [])],
        )
        month = dt.date(2026, 11, 1)
        VacancyFigureFactory(facility=facility, service_type=NYUSHO, month=month, note=note)
        name_kept = clean_text("サンプル" + name, multiline=False)
        address_kept = clean_text("本庄" + address, multiline=False)
        note_kept = clean_text(note, multiline=False)
        assert VacancyFigure.objects.get(facility=facility).note == note_kept

        response = client.get(fukushi_map.url + "markers/")
        assert response.status_code == 200
        (marker,) = json.loads(response.content)["facilities"]
        assert (marker["name"], marker["address"]) == (name_kept, address_kept)

        data, _ = page_jsonld(client, FacilityPage.objects.get(pk=facility.pk))
        assert data["name"] == name_kept
        assert data["address"]["streetAddress"] == address_kept

        response = client.get("/admin/vacancies/csv/?month=2026-11")
        assert response.status_code == 200
        rows, errors = read_csv(response.content)
        assert errors == []
        (row,) = [cells for _, cells in rows if cells[0] == str(facility.pk)]
        assert row[1] == name_kept and row[2] == NYUSHO and row[7] == note_kept

        assert facility.full_url in sitemap_locations(client)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(title=editor_text(), venue=editor_text(), summary=editor_text())
def test_text_typed_into_the_admin_form_comes_back_cleaned(
    admin_client, council, title, venue, summary
):
    with rolled_back():
        meeting = MeetingPageFactory(parent=council["body"], start_time=dt.time(14, 0))
        response = admin_client.post(
            f"/admin/pages/{meeting.pk}/edit/",
            meeting_form_data(
                title="会議" + title,
                slug=meeting.slug,
                date="2023-07-03",
                start_time="14:00",
                venue=venue,
                summary=summary,
            ),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        # Posted text is stripped by Django's form fields, then cleaned by the model's.
        title_kept = clean_text(clean_text("会議" + title).strip(), multiline=False)
        venue_kept = clean_text(clean_text(venue).strip(), multiline=False)
        summary_kept = clean_text(summary).strip()
        stored = MeetingPage.objects.get(pk=meeting.pk)
        assert (stored.title, stored.venue, stored.summary) == (
            title_kept,
            venue_kept,
            summary_kept,
        )
        entry = atom_entries(client=admin_client, url="/feeds/atom.xml")[
            CouncilFeed.item_guid(None, stored)
        ]
        assert entry["title"] == title_kept
        event = calendar_events(admin_client, "/feeds/meetings.ics")[f"meeting-{meeting.pk}"]
        assert str(event["summary"]) == f"全体会 {title_kept}"
        data, _ = page_jsonld(admin_client, stored)
        assert data["name"] == title_kept


def test_calendar_of_unsaved_meetings_with_raw_text_parses():
    """The calendar writer itself cleans, whatever the meetings hold."""
    meeting = MeetingPage(
        pk=1,
        title="会議\x01\u2028",
        date=dt.date(2024, 4, 1),
        venue="会場\x1c",
        summary="概要\x00\r\n続き\u2029",
    )
    body = meetings_calendar([meeting], "会議\x02", "example.org").to_ical()
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["summary"]) == "会議\u2028"
    assert str(event["location"]) == "会場"
    assert str(event["description"]).endswith("概要\n続き\u2029")
