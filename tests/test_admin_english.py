"""The admin in Japanese for every role: walk the screens each role sees and fail on English.

For each admin role (事務局, 承認者, 施設情報担当) and a superuser, the test opens the
dashboard, every item of the admin menu the role is shown (the sidebar's own data,
so a new menu item is walked without touching this file), the page explorer of the
site root and of the ふくしマップ, the edit screen of every page the role may edit (one
page of each type, made with the factories), the vacancy monthly entry screen and
account settings. From each response it takes what a person sees or hears: the
text outside <script>/<style>, the aria-label, title, placeholder and alt attributes,
the labels of buttons, and the labels of the sidebar menu (rendered from JSON by
the admin's script). A word of three or more ASCII letters outside ``ALLOWED``
fails the test with the word, the text around it and the screen.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from editorial.roles import APPROVER, FACILITY_EDITOR, SECRETARIAT
from tests.factories import (
    ActivityReportPageFactory,
    CommitteePageFactory,
    CouncilIndexPageFactory,
    FacilityIndexPageFactory,
    FacilityPageFactory,
    GroupHomeEvaluationIndexPageFactory,
    MeetingArchivePageFactory,
    MeetingPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    OpenDataPageFactory,
    StandardPageFactory,
    VacancyPageFactory,
)

# Words an editor of this site reads as they are, in Japanese public administration too.
ALLOWED = {
    # File formats, named as the files are: what an editor uploads or downloads.
    "PDF",
    "CSV",
    "Excel",
    "Word",
    "ZIP",
    "SVG",
    "PNG",
    "JPEG",
    "GIF",
    "WebP",
    "XLSX",
    # The address of a page: Japanese sites and forms say URL.
    "URL",
    # Keys as printed on the keyboard (the keyboard shortcuts dialog).
    "Ctrl",
    "Alt",
    "Shift",
    "Esc",
    "Enter",
    # Proper names an editor must read as written: the national facility database (WAM NET),
    # the authenticator apps to look for in the app store, the family of office file formats,
    # the CSV encodings, and terms Japanese administration uses as they are (FAX, API, RSS).
    "WAM",
    "NET",
    "Google",
    "Microsoft",
    "Authenticator",
    "Office",
    "OpenDocument",
    "UTF",
    "Shift_JIS",
    "JIS",
    "FAX",
    "API",
    "RSS",
}

# The accounts' own names are data, not the admin's words: two letters, below the threshold.
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
# Addresses, host names, file names and their extensions (「.docx」), and code names written
# with a dot (a page type's 「council.meetingpage」 in the page types report) are shown as they are.
ADDRESS = re.compile(
    r"(?:https?://|www\.)\S+|\S+@\S+|/[\w\-./%]*|\blocalhost\b"
    r"|\b[a-z_]+\.[a-z_]+\b|[\w\-]*\.[a-z]{2,4}\b"
)
# Wagtail screens still in English that this project cannot change without copying Wagtail's
# views: they are walked by test_screens_known_to_stay_in_english, which fails once they are
# Japanese, so this list shrinks with each Wagtail upgrade.
KNOWN_ENGLISH = {
    # The site list's columns are labelled from field names (「Port」「Site name」「Root page」).
    "/admin/sites/": "Port",
    # The history keeps the title of Wagtail's first page, 「Welcome to your new Wagtail site!」.
    "/admin/reports/site-history/": "Welcome",
}
SPOKEN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "data-w-tooltip-content-value")
SKIPPED_ELEMENTS = {"script", "style", "noscript"}
# Commands, codes and keys an editor types as they are written (the guide's `manage.py …`).
CODE_ELEMENTS = {"code", "kbd", "pre"}
VOID_ELEMENTS = {
    "area",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


class VisibleText(HTMLParser):
    """What a person sees or hears of an HTML page, in pieces."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces = []
        self.skipping = None  # [tag, depth] of the element whose content is not shown
        self.sidebar = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.skipping:
            if tag == self.skipping[0] and tag not in VOID_ELEMENTS:
                self.skipping[1] += 1
            return
        if tag in SKIPPED_ELEMENTS or tag in CODE_ELEMENTS or "hidden" in attrs:
            if tag not in VOID_ELEMENTS:
                self.skipping = [tag, 1]
            if attrs.get("id") == "wagtail-sidebar-props":
                self.sidebar.append("")
            return
        for name in SPOKEN_ATTRIBUTES:
            if attrs.get(name):
                self.pieces.append((f"{tag}[{name}]", attrs[name]))
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.pieces.append(("input[value]", attrs["value"]))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[0] == tag:
            self.skipping[1] -= 1
            if not self.skipping[1]:
                self.skipping = None

    def handle_data(self, data):
        if self.skipping:
            if self.sidebar and self.sidebar[-1] == "" and self.skipping[0] == "script":
                self.sidebar[-1] = data
            return
        if data.strip():
            self.pieces.append(("text", data.strip()))


def menu_items(node):
    """(label, url) of every item of the sidebar's menu data (Wagtail's telepath JSON)."""
    if isinstance(node, dict):
        if isinstance(node.get("label"), str):
            yield node["label"], node.get("url")
        for value in node.values():
            yield from menu_items(value)
    elif isinstance(node, list):
        for value in node:
            yield from menu_items(value)


def read_screen(html):
    """The pieces of text of a screen, and the (label, url) of its menu's items."""
    parser = VisibleText()
    parser.feed(html)
    pieces = list(parser.pieces)
    menu = []
    for data in parser.sidebar:
        for label, url in menu_items(json.loads(data)):
            pieces.append(("menu", label))
            if url:
                menu.append((label, url))
    return pieces, menu


def english_words(pieces):
    found = []
    for where, text in pieces:
        plain = ADDRESS.sub(" ", text)
        for word in ENGLISH_WORD.findall(plain):
            if word not in ALLOWED:
                found.append((word, where, text[:120]))
    return found


# --- The site and the accounts ----------------------------------------------------------


@pytest.fixture
def site(home_page):
    about = CouncilIndexPageFactory(parent=home_page)
    committee = CommitteePageFactory(parent=about, title="全体会", slug="zentai", kind="plenary")
    facilities = FacilityIndexPageFactory(parent=home_page)
    pages = {
        "home": home_page,
        "about": about,
        "committee": committee,
        "meeting": MeetingPageFactory(parent=committee, title="第1回全体会"),
        "report": ActivityReportPageFactory(parent=committee),
        "archive": MeetingArchivePageFactory(parent=home_page),
        "news_index": (news := NewsIndexPageFactory(parent=home_page)),
        "news": NewsPageFactory(parent=news),
        "standard": StandardPageFactory(parent=home_page),
        "facilities": facilities,
        "facility": FacilityPageFactory(parent=facilities),
        "vacancies": VacancyPageFactory(parent=home_page),
        "opendata": OpenDataPageFactory(parent=home_page),
        "evaluations": GroupHomeEvaluationIndexPageFactory(parent=home_page),
    }
    return pages


def account(role):
    if role is None:
        return User.objects.create_superuser("su", "su@example.jp", "x", first_name="管理")
    user = User.objects.create_user("ed", "ed@example.jp", "x", first_name="編集")
    user.groups.add(Group.objects.get(name=role))
    return user


ROLES = [SECRETARIAT, APPROVER, FACILITY_EDITOR, None]


def screens_of(client, user, site):
    """(name, url) of the screens ``user`` sees, the menu's items found along the way."""
    yield "ダッシュボード", reverse("wagtailadmin_home")
    yield "ページの一覧(トップ)", reverse("wagtailadmin_explore", args=[site["home"].pk])
    yield (
        "ページの一覧(ふくしマップ)",
        reverse("wagtailadmin_explore", args=[site["facilities"].pk]),
    )
    yield "ページの一覧(会議・部会)", reverse("wagtailadmin_explore", args=[site["committee"].pk])
    for name, page in site.items():
        permissions = page.permissions_for_user(user)
        if permissions.can_edit():
            yield (
                f"編集画面({type(page).__name__})",
                reverse("wagtailadmin_pages:edit", args=[page.pk]),
            )
        if permissions.can_add_subpage() and name in ("committee", "facilities", "news_index"):
            yield (
                f"子ページの追加({type(page).__name__})",
                reverse("wagtailadmin_pages:add_subpage", args=[page.pk]),
            )
    if user.has_perm("vacancies.change_vacancyfigure"):
        yield "空き情報の月次の入力", reverse("vacancy_monthly")
    yield "アカウント設定", reverse("wagtailadmin_account")
    yield "文書の一覧", reverse("wagtaildocs:index")
    yield "画像の一覧", reverse("wagtailimages:index")


@pytest.mark.parametrize(
    "role", ROLES, ids=["secretariat", "approver", "facility_editor", "superuser"]
)
def test_every_screen_a_role_sees_is_in_japanese(client, site, role):
    user = account(role)
    client.force_login(user)
    visited = {}
    queue = list(screens_of(client, user, site))
    problems = {}
    while queue:
        name, url = queue.pop(0)
        path = url.split("#")[0]
        if path in visited or not path.startswith("/admin/") or path in KNOWN_ENGLISH:
            continue
        response = client.get(path, follow=not name.startswith("メニュー"))
        visited[path] = response.status_code
        if response.status_code in (302, 403) and name.startswith("メニュー"):
            continue
        assert response.status_code == 200, f"{name} {path}: {response.status_code}"
        if "text/html" not in response.get("Content-Type", ""):
            continue
        pieces, menu = read_screen(response.content.decode())
        queue.extend((f"メニュー「{label}」", menu_url) for label, menu_url in menu)
        for word, where, text in english_words(pieces):
            problems.setdefault((word, where, text), f"{name} {path}")
    assert len(visited) > 8, visited
    assert not problems, (
        "英語が残っています(語・場所・前後の文字・最初に見つけた画面):\n"
        + "\n".join(
            f"「{word}」 {where}: {text}  ← {screen}"
            for (word, where, text), screen in problems.items()
        )
    )


# --- The checker itself -----------------------------------------------------------------


def test_the_checker_finds_english_in_text_attributes_and_the_menu():
    html = """<html><body><script>var Password = 1;</script><style>.Title{}</style>
    <p>パスワード</p><button aria-label="Close">×</button><img alt="Logo">
    <input type="submit" value="Save"><input placeholder="Search">
    <select><option>Root</option></select>
    <a href="https://example.jp/path">https://example.jp/path</a> <span>PDF・CSV(.xlsx)</span>
    <div hidden><div>None</div> Hidden</div><code>manage.py reset_two_factor</code> <p>Shown</p>
    <script id="wagtail-sidebar-props" type="application/json">
    {"modules": [{"_type": "x", "_args": [{"label": "Reports", "url": "/admin/reports/"}]}]}
    </script></body></html>"""
    pieces, menu = read_screen(html)
    words = [word for word, _, _ in english_words(pieces)]
    assert words == ["Close", "Logo", "Save", "Search", "Root", "Shown", "Reports"]
    assert menu == [("Reports", "/admin/reports/")]


def test_the_login_screen_is_in_japanese(client, db):
    response = client.get(reverse("wagtailadmin_login"))
    assert response.status_code == 200
    pieces, _ = read_screen(response.content.decode())
    found = [f"「{word}」 {where}: {text}" for word, where, text in english_words(pieces)]
    assert not found, "ログイン画面に英語が残っています:\n" + "\n".join(found)


def test_screens_known_to_stay_in_english(client, site):
    """The exceptions of KNOWN_ENGLISH are still English; remove one when this fails for it."""
    client.force_login(account(None))
    for path, word in KNOWN_ENGLISH.items():
        response = client.get(path)
        assert response.status_code == 200, path
        pieces, _ = read_screen(response.content.decode())
        words = {found for found, _, _ in english_words(pieces)}
        assert word in words, f"{path} は日本語になりました。KNOWN_ENGLISH から外してください"
