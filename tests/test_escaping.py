"""HTML and script typed into any text field is shown as text, never run.

Every public page type is built with markup in each plain text field it
shows (titles, summaries, search descriptions, rows, StreamField values,
snippet names, the secretariat's contact). The rendered page is parsed, not
searched: no element may carry an event-handler attribute, no script may
hold the payload, and the payload must come back as the visible text.
JSON-LD, the Atom feeds and the iCalendar feeds are parsed the same way.

Rich text fields keep only what the site's stylesheet styles; markup pasted
into the editor is reduced to those features when saved.
"""

import datetime as dt
import io
import json
import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from xml.etree import ElementTree

import icalendar
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.html import escape
from PIL import Image as PILImage
from wagtail import blocks
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from council.models import BusinessItem, CommitteeMember, MeetingHandout, ReportRow
from facilities.models import (
    Feature,
    ServiceType,
    TargetGroup,
)
from home.blocks import RICH_TEXT_FEATURES
from home.models import HomeQuickLink, SecretariatContact
from tests.factories import (
    ActivityReportPageFactory,
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    GlossaryPageFactory,
    GlossaryTermFactory,
    MeetingArchivePageFactory,
    MeetingPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    PublishedPageFactory,
    StandardPageFactory,
    VacancyFigureFactory,
    agenda_item,
    report_point,
    stream,
)
from vacancies.models import VacancyPage, month_start

pytestmark = pytest.mark.django_db


def payload(tag, limit=200):
    """The longest attack string for ``tag`` that fits a field of ``limit`` characters."""
    candidates = [
        f'<script>alert("{tag}")</script><b onmouseover="alert(1)">{tag}</b>',
        f'<b onmouseover="alert(1)">{tag}</b>',
        "<script>alert(1)</script>",
        "<b onmouseover=a()>",
        "<script>",
    ]
    return next(c for c in candidates if len(c) <= limit)


# --- Parsing what the browser would see ---------------------------------------------


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.handlers, self.scripts, self.texts, self.attr_values = [], [], [], []
        self._script = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.handlers.append((tag, name, value))
            if value:
                self.attr_values.append(value)
        if tag == "script":
            self._script = {"attrs": dict(attrs), "text": ""}

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append(self._script)
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"] += data
        else:
            self.texts.append(data)


def assert_shown_as_text(html, expected):
    """No markup from the data ran, and each of ``expected`` is on the page as text."""
    assert "<script>alert(" not in html
    assert "<b onmouseover" not in html
    parser = PageParser()
    parser.feed(html)
    assert parser.handlers == []
    for script in parser.scripts:
        if script["attrs"].get("type") == "application/ld+json":
            assert "<" not in script["text"]
            json.loads(script["text"])
        else:
            assert "alert(" not in script["text"]
    text = "".join(parser.texts)
    shown = [v for v in expected if v not in text and v not in parser.attr_values]
    assert shown == [], f"not shown as text: {shown}"
    return parser


def jsonld(parser):
    return [
        json.loads(s["text"])
        for s in parser.scripts
        if s["attrs"].get("type") == "application/ld+json"
    ]


def get_html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


# --- The site, with markup everywhere ------------------------------------------------


def tiny_png():
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), (11, 83, 148)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def site_with_markup(home_page):
    P = payload
    home = home_page
    home.title = P("home-title", 255)
    home.seo_title = P("home-seo", 255)
    home.search_description = P("home-description")
    home.save_revision().publish()
    home.quick_links.add(HomeQuickLink(link_page=home, label=P("ql-label", 60)))
    home.save_revision().publish()

    contact = SecretariatContact.for_site(Site.objects.get())
    for field in ("name", "postal_code", "address", "phone", "fax", "office_hours", "note"):
        setattr(contact, field, P(f"contact-{field}", contact._meta.get_field(field).max_length))
    contact.save()

    document = get_document_model().objects.create(
        title=P("document-title"), file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="shiryo.pdf")
    )
    image = get_image_model().objects.create(
        title="写真", file=ContentFile(tiny_png(), name="photo.png"), width=8, height=8
    )

    standard = StandardPageFactory(
        parent=home,
        title=P("standard-title", 255),
        summary=P("standard-summary"),
        intro=P("standard-intro") + "\n2行目",
        body=stream(
            ("heading", {"text": P("heading", 120), "level": "h2"}),
            ("heading", {"text": P("subheading", 120), "level": "h3"}),
            (
                "table",
                {
                    "caption": P("table-caption"),
                    "table": {
                        "data": [[P("cell-head"), "定員"], [P("cell-body"), "5"]],
                        "first_row_is_header": True,
                    },
                    "first_row_is_header": True,
                    "first_col_is_header": False,
                },
            ),
            ("document", {"document": document.pk, "title": P("doc-link")}),
            ("document", {"document": document.pk, "title": ""}),
            ("image", {"image": image.pk, "alt": P("image-alt"), "caption": P("image-caption")}),
        ),
    )

    news_index = NewsIndexPageFactory(
        parent=home, title=P("news-index-title", 255), intro=P("news-index-intro")
    )
    news = NewsPageFactory(
        parent=news_index,
        title=P("news-title", 255),
        summary=P("news-summary"),
        search_description=P("news-description"),
        body=stream(("heading", {"text": P("news-heading", 120), "level": "h2"})),
    )

    about = CouncilIndexPageFactory(
        parent=home,
        title=P("about-title", 255),
        organisation=stream(("heading", {"text": P("about-heading", 120), "level": "h2"})),
    )
    committee = CommitteePageFactory(
        parent=about,
        title=P("committee-title", 255),
        short_name=P("committee-short", 40),
        summary=P("committee-summary"),
        usual_schedule=P("committee-schedule", 120),
        contact=P("committee-contact") + "\n電話は事務局へ",
    )
    committee.members.add(
        CommitteeMember(
            role=P("member-role", 40),
            affiliation=P("member-affiliation", 120),
            name=P("member-name", 60),
        )
    )
    committee.save_revision().publish()

    meeting = MeetingPageFactory(
        parent=committee,
        title=P("meeting-title", 255),
        summary=P("meeting-summary") + "\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:偽物",
        venue=P("meeting-venue"),
        date=dt.date(2023, 7, 3),
        start_time=dt.time(14, 0),
        agenda=stream(
            agenda_item(
                P("agenda-title"),
                summary=P("agenda-summary"),
                outcome=P("agenda-outcome"),
            )
        ),
    )
    meeting.handouts.add(
        MeetingHandout(label=P("handout-label", 30), title=P("handout-title"), document=document)
    )
    meeting.save_revision().publish()

    item = BusinessItem.objects.get(number=1)
    item.name = P("business-item", 120)
    item.save()
    report = ActivityReportPageFactory(
        parent=committee,
        title=P("report-title", 255),
        material_number=P("report-material", 30),
        intro=P("report-intro"),
        summary=P("report-summary"),
    )
    report.rows.add(
        ReportRow(
            business_item=item,
            points=stream(
                report_point(P("activities"), P("evaluation"), P("plan")),
            ),
            new_plans=stream(("plan", {"title": P("new-plan", 200), "detail": P("new-detail")})),
        )
    )
    report.save_revision().publish()

    archive = MeetingArchivePageFactory(
        parent=home, title=P("archive-title", 255), intro=P("archive-intro")
    )

    feature = Feature.objects.order_by("pk").first()
    feature.name = P("feature", 40)
    feature.save()
    target = TargetGroup.objects.order_by("pk").first()
    target.name = P("target", 20)
    target.save()
    facility_index = FacilityIndexPageFactory(
        parent=home, title=P("facility-index-title", 255), map_note=P("map-note")
    )
    facility = FacilityPageFactory(
        parent=facility_index,
        title=P("facility-title", 255),
        name_kana="サンプル",
        operator=P("operator", 120),
        address=P("address"),
        summary=P("facility-summary"),
        hours_weekday=P("hours-weekday", 60),
        hours_saturday=P("hours-saturday", 60),
        hours_sunday=P("hours-sunday", 60),
        hours_holiday=P("hours-holiday", 60),
        closed_days=P("closed-days", 120),
        latitude=Decimal("36.2438"),
        longitude=Decimal("139.1902"),
        services=[("短期入所", 4, [target.name])],
        features=[feature.name],
    )
    service = facility.services.get()
    service.notes = P("service-notes")
    service.save()
    facility.save_revision().publish()

    vacancy = PublishedPageFactory._create(
        VacancyPage, parent=home, title=P("vacancy-title", 255), slug="akijoho"
    )
    VacancyFigureFactory(
        facility=facility,
        service_type=ServiceType.objects.get(name="短期入所"),
        month=month_start(),
        vacancies=1,
        note=P("vacancy-note"),
    )

    return {
        "home": home,
        "contact": contact,
        "standard": standard,
        "news_index": news_index,
        "news": news,
        "about": about,
        "committee": committee,
        "meeting": meeting,
        "report": report,
        "item": item,
        "archive": archive,
        "facility_index": facility_index,
        "facility": facility,
        "vacancy": vacancy,
        "feature": feature,
        "target": target,
    }


def contact_values(site):
    contact = site["contact"]
    return [
        getattr(contact, f)
        for f in ("name", "postal_code", "address", "phone", "fax", "office_hours", "note")
    ]


def test_home_page(client, site_with_markup):
    s = site_with_markup
    html = get_html(client, s["home"].url)
    assert_shown_as_text(
        html,
        [
            s["home"].seo_title,
            s["home"].title,
            s["home"].search_description,
            payload("ql-label", 60),
            s["news"].title,
            *contact_values(s),
        ],
    )


def test_standard_page_with_every_block(client, site_with_markup):
    s = site_with_markup
    page = s["standard"]
    html = get_html(client, page.url)
    assert_shown_as_text(
        html,
        [
            page.title,
            page.summary,
            payload("standard-intro"),
            payload("heading", 120),
            payload("subheading", 120),
            payload("table-caption"),
            payload("cell-head"),
            payload("cell-body"),
            payload("doc-link"),
            payload("document-title"),
            payload("image-alt"),
            payload("image-caption"),
            *contact_values(s),
        ],
    )


def test_news_pages(client, site_with_markup):
    s = site_with_markup
    assert_shown_as_text(
        get_html(client, s["news_index"].url),
        [s["news_index"].title, payload("news-index-intro"), s["news"].title, s["news"].summary],
    )
    assert_shown_as_text(
        get_html(client, s["news"].url),
        [
            s["news"].title,
            s["news"].summary,
            s["news"].search_description,
            payload("news-heading", 120),
            s["news_index"].title,  # breadcrumbs
        ],
    )


def test_council_index_page(client, site_with_markup):
    s = site_with_markup
    assert_shown_as_text(
        get_html(client, s["about"].url),
        [
            s["about"].title,
            payload("about-heading", 120),
            s["committee"].title,
            s["committee"].summary,
            s["committee"].usual_schedule,
        ],
    )


def test_committee_page_with_members_reports_and_meetings(client, site_with_markup):
    s = site_with_markup
    c = s["committee"]
    parser = assert_shown_as_text(
        get_html(client, c.url),
        [
            c.title,
            c.usual_schedule,
            payload("committee-contact"),
            payload("member-role", 40),
            payload("member-affiliation", 120),
            payload("member-name", 60),
            s["report"].title,
            payload("report-material", 30),
            s["meeting"].title,
            payload("meeting-summary"),
        ],
    )
    # The feed links' titles carry the body's name in attributes, escaped.
    assert f"{c.title}の更新情報" in parser.attr_values


def test_meeting_page_with_agenda_handouts_and_jsonld(client, site_with_markup):
    s = site_with_markup
    m = s["meeting"]
    parser = assert_shown_as_text(
        get_html(client, m.url),
        [
            m.title,
            s["committee"].title,
            m.venue,
            payload("meeting-summary"),
            payload("agenda-title"),
            payload("agenda-summary"),
            payload("agenda-outcome"),
            payload("handout-label", 30),
            payload("handout-title"),
        ],
    )
    (event,) = jsonld(parser)
    assert event["name"] == m.title
    assert event["location"]["name"] == m.venue
    assert event["description"] == m.summary


def test_activity_report_page_and_item_history(client, site_with_markup):
    s = site_with_markup
    r = s["report"]
    expected = [
        r.title,
        payload("report-material", 30),
        payload("report-intro"),
        s["item"].name,
        payload("activities"),
        payload("evaluation"),
        payload("plan"),
        payload("new-plan", 200),
        payload("new-detail"),
        s["committee"].title,
    ]
    assert_shown_as_text(get_html(client, r.url), expected)
    history = get_html(client, f"{s['committee'].url}items/{s['item'].pk}/")
    assert_shown_as_text(
        history, [s["item"].name, s["committee"].title, payload("activities"), payload("plan")]
    )


def test_meeting_archive_page(client, site_with_markup):
    s = site_with_markup
    assert_shown_as_text(
        get_html(client, s["archive"].url),
        [
            s["archive"].title,
            payload("archive-intro"),
            s["committee"].short_name,
            s["committee"].title,
            s["meeting"].title,
            payload("meeting-summary"),
        ],
    )


def test_facility_index_page_list_map_and_markers(client, site_with_markup):
    s = site_with_markup
    f = s["facility"]
    expected = [
        s["facility_index"].title,
        f.title,
        f.address,
        s["feature"].name,
        s["target"].name,
    ]
    assert_shown_as_text(get_html(client, s["facility_index"].url), expected)
    assert_shown_as_text(
        get_html(client, s["facility_index"].url + "?view=map"),
        [*expected, s["facility_index"].map_note],
    )
    markers = client.get(s["facility_index"].url + "markers/")
    assert markers["Content-Type"] == "application/json"
    assert [m["name"] for m in markers.json()["facilities"]] == [f.title]


def test_facility_page_with_services_hours_and_jsonld(client, site_with_markup):
    s = site_with_markup
    f = s["facility"]
    parser = assert_shown_as_text(
        get_html(client, f.url),
        [
            f.title,
            f.operator,
            f.address,
            f.summary,
            f.hours_weekday,
            f.hours_saturday,
            f.hours_sunday,
            f.hours_holiday,
            f.closed_days,
            payload("service-notes"),
            s["feature"].name,
            s["target"].name,
            s["facility_index"].title,
            f"このページ({f.title})を開く二次元コード",
        ],
    )
    (business,) = jsonld(parser)
    assert business["name"] == f.title
    assert business["address"]["streetAddress"] == f.address
    assert business["parentOrganization"]["name"] == f.operator


def test_vacancy_page(client, site_with_markup):
    s = site_with_markup
    assert_shown_as_text(
        get_html(client, s["vacancy"].url),
        [s["vacancy"].title, s["facility"].title, payload("vacancy-note")],
    )


# --- Feeds ----------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def atom_entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    return root, root.findall(f"{ATOM}entry")


@pytest.mark.parametrize("which", ["council", "committee"])
def test_atom_feeds_carry_titles_and_summaries_as_text(client, site_with_markup, which):
    s = site_with_markup
    url = "/feeds/atom.xml" if which == "council" else s["committee"].url + "feed/atom/"
    root, entries = atom_entries(client, url)
    if which == "committee":
        assert root.find(f"{ATOM}title").text.startswith(s["committee"].title)
    by_title = {e.find(f"{ATOM}title").text: e for e in entries}
    pages = [s["meeting"], s["report"]] + ([s["news"]] if which == "council" else [])
    for page in pages:
        entry = by_title[page.title]
        # A title without type="html" is plain text in Atom.
        assert entry.find(f"{ATOM}title").get("type", "text") == "text"
        summary = entry.find(f"{ATOM}summary")
        # type="html": a reader unescapes once and must get the text back, not markup.
        assert summary.get("type") == "html"
        assert "<" not in summary.text
        assert unescape(summary.text) == page.summary


@pytest.mark.parametrize("which", ["council", "committee"])
def test_ical_feeds_keep_text_in_one_event(client, site_with_markup, which):
    s = site_with_markup
    url = "/feeds/meetings.ics" if which == "council" else s["committee"].url + "feed/ical/"
    response = client.get(url)
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    meeting = s["meeting"]
    assert str(event["summary"]) == f"{s['committee'].title} {meeting.title}"
    assert str(event["location"]) == meeting.venue
    # The summary's line breaks stay inside DESCRIPTION instead of starting a new event.
    assert str(event["description"]).endswith(meeting.summary)
    assert response.content.count(b"\r\nBEGIN:VEVENT\r\n") == 1


# --- Rich text --------------------------------------------------------------------------

# Rich text fields that deliberately offer more than the default list, and why.
EXTRA_FEATURES = {
    # Minutes are long; their sections are h3 under the page's own 議事録 h2.
    ("council.MeetingPage", "minutes"): {"h3"},
}


def rich_text_features():
    """(where, features) for every RichTextField and RichTextBlock of the site's apps."""
    from django.apps import apps

    found = []

    def walk(block, where):
        if isinstance(block, blocks.RichTextBlock):
            found.append((where, block.features))
        for child in getattr(block, "child_blocks", {}).values():
            walk(child, where)
        if isinstance(block, blocks.ListBlock):
            walk(block.child_block, where)

    for app in ("home", "council", "facilities"):
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                where = (model._meta.label, field.name)
                if isinstance(field, RichTextField):
                    found.append((where, field.features))
                elif isinstance(field, StreamField):
                    walk(field.stream_block, where)
    return found


def test_default_editor_offers_only_styled_features():
    default = settings.WAGTAILADMIN_RICH_TEXT_EDITORS["default"]["OPTIONS"]["features"]
    assert default == RICH_TEXT_FEATURES
    # Styled in static/css/site.css: links, lists inside .rich-text, bold. Never h1
    # (the page title), images or embeds (they go through the image block with alt text).
    assert not {"h1", "h2", "image", "embed", "italic", "code", "blockquote"} & set(default)


def test_every_rich_text_field_uses_the_styled_features():
    found = rich_text_features()
    assert len(found) >= 8  # lead, purpose, role, minutes, paragraph blocks, intros, description
    for where, features in found:
        assert features is not None, f"{where} uses no explicit feature list"
        allowed = set(RICH_TEXT_FEATURES) | EXTRA_FEATURES.get(where, set())
        assert set(features) <= allowed, where


PASTED = (
    "<h1>大見出し</h1>"
    '<p style="color:red" onclick="alert(1)">本文<i>斜体</i><b>太字</b>'
    '<a href="https://example.jp/" style="font-size:40px">リンク</a></p>'
    '<script>alert("x")</script>'
    '<iframe src="https://evil.example/"></iframe>'
    '<img src="https://evil.example/x.png" alt="外部画像">'
    '<embed embedtype="image" id="1" format="fullwidth" alt="画像"/>'
    "<h3>小見出し</h3><ul><li>項目</li></ul>"
)


def round_trip(features, html):
    converter = ContentstateConverter(features)
    saved = converter.to_database_format(converter.from_database_format(html))
    return re.sub(r' data-block-key="[^"]*"', "", saved)


def test_pasted_markup_is_reduced_to_the_allowed_features():
    saved = round_trip(RICH_TEXT_FEATURES, PASTED)
    for forbidden in ("<h1", "<h3", "style=", "onclick", "<script", "<iframe", "<img", "<embed"):
        assert forbidden not in saved, forbidden
    assert "<i>" not in saved and "evil.example" not in saved
    assert "<b>太字</b>" in saved
    assert '<a href="https://example.jp/">リンク</a>' in saved
    assert "<ul><li>項目</li></ul>" in saved
    assert "大見出し" in saved  # the words stay, as a paragraph
    # The minutes allow h3 on top.
    assert "<h3>小見出し</h3>" in round_trip(RICH_TEXT_FEATURES + ["h3"], PASTED)


def test_editor_widget_drops_blocks_and_styles_outside_the_features():
    """What the Draftail editor posts (contentstate JSON) is saved with allowed features only."""
    widget = RichTextField(features=RICH_TEXT_FEATURES).formfield().widget
    contentstate = {
        "blocks": [
            {
                "key": "a",
                "type": "header-one",
                "text": "見出し",
                "depth": 0,
                "inlineStyleRanges": [],
                "entityRanges": [],
            },
            {
                "key": "b",
                "type": "unstyled",
                "text": "斜体と太字",
                "depth": 0,
                "inlineStyleRanges": [
                    {"offset": 0, "length": 2, "style": "ITALIC"},
                    {"offset": 3, "length": 2, "style": "BOLD"},
                ],
                "entityRanges": [{"offset": 0, "length": 5, "key": 0}],
            },
            {
                "key": "c",
                "type": "atomic",
                "text": " ",
                "depth": 0,
                "inlineStyleRanges": [],
                "entityRanges": [{"offset": 0, "length": 1, "key": 1}],
            },
        ],
        "entityMap": {
            "0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": "javascript:alert(1)"}},
            "1": {
                "type": "IMAGE",
                "mutability": "IMMUTABLE",
                "data": {"id": 1, "alt": "x", "format": "fullwidth"},
            },
        },
    }
    saved = widget.value_from_datadict({"f": json.dumps(contentstate)}, {}, "f")
    assert "<h1" not in saved and "<i>" not in saved and "<embed" not in saved
    assert "javascript:" not in saved
    assert saved == '<p data-block-key="b"><a>斜体と<b>太字</b></a></p>'


def test_saved_rich_text_renders_without_the_dropped_markup(client, home_page):
    saved = round_trip(RICH_TEXT_FEATURES, PASTED)
    page = StandardPageFactory(parent=home_page, body=stream(("paragraph", saved)))
    html = get_html(client, page.url)
    body = html.split('<div class="rich-text">', 1)[1].split("</div>", 1)[0]
    for forbidden in ("<h1", "<script", "<iframe", "<img", "style=", "onclick"):
        assert forbidden not in body
    assert "<b>太字</b>" in body
    assert_shown_as_text(html, [])


def test_glossary_page_and_a_marked_term(client, site_with_markup):
    s = site_with_markup
    index = GlossaryPageFactory(parent=s["home"], intro=payload("glossary-intro"))
    GlossaryTermFactory(
        term=payload("term", 60),
        reading="よみ",
        explanation=payload("explanation", 400),
        link_page=s["standard"],
    )
    html = get_html(client, index.url)
    assert_shown_as_text(
        html,
        [
            index.title,
            payload("glossary-intro"),
            payload("term", 60),
            payload("explanation", 400),
            s["standard"].title,
        ],
    )
    page = StandardPageFactory(
        parent=s["home"],
        slug="marked",
        body=stream(("paragraph", f"<p>{escape(payload('term', 60))}があります。</p>")),
    )
    html = get_html(client, page.url)
    assert 'class="glossary-term"' in html
    assert_shown_as_text(html, [payload("term", 60)])


def test_page_types_reach_every_public_template():
    # Guards this file: a new public page type must be added to the fixture above.
    from django.apps import apps

    public = {
        m._meta.label
        for app in ("home", "council", "facilities", "vacancies")
        for m in apps.get_app_config(app).get_models()
        if issubclass(m, Page) and m.is_creatable
    }
    assert public == {
        "home.HomePage",
        "home.StandardPage",
        "home.GlossaryPage",
        "council.NewsIndexPage",
        "council.NewsPage",
        "council.CouncilIndexPage",
        "council.CommitteePage",
        "council.MeetingPage",
        "council.ActivityReportPage",
        "council.MeetingArchivePage",
        "facilities.FacilityIndexPage",
        "facilities.FacilityPage",
        "vacancies.VacancyPage",
    }
