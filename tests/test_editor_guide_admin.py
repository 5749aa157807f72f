"""The editor guide inside the admin (「ヘルプ」→「編集の手引き」 and the dashboard), and the
guide's quoted screen words checked against what the screens can say."""

import ast
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from editorial.roles import APPROVER, CONSULTATION_OFFICE, FACILITY_EDITOR, SECRETARIAT

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "editor-guide.md"
SITE_PACKAGES = next((ROOT / ".venv" / "lib").glob("python3.*/site-packages"))
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def editor(role):
    user = User.objects.create_user(f"user-{abs(hash(role))}", password="x-pass-2024")
    user.groups.add(Group.objects.get(name=role))
    return user


# --- The guide in the admin ---------------------------------------------------------------


@pytest.mark.parametrize("role", [SECRETARIAT, APPROVER, FACILITY_EDITOR])
def test_every_role_reads_the_guide_in_the_admin(client, role):
    client.force_login(editor(role))
    response = client.get("/admin/guide/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "編集の手引き" in html
    for chapter in ("2. 事務局の作業", "3. 承認者の作業", "4. 施設情報担当の作業"):
        assert chapter in html
    assert 'href="#2-事務局の作業"' in html and 'id="2-事務局の作業"' in html
    assert 'src="/admin/guide/images/01-login.png"' in html


def test_the_guide_is_for_signed_in_editors_only(client):
    assert client.get("/admin/guide/").status_code == 302
    assert client.get("/admin/guide/images/01-login.png").status_code == 302
    # 相談支援事業所 reads restricted pages on the site; the admin, its guide included, is not theirs.
    client.force_login(editor(CONSULTATION_OFFICE))
    assert client.get("/admin/guide/").status_code == 302


def test_the_guides_pictures_and_nothing_else_are_served(admin_client):
    response = admin_client.get("/admin/guide/images/01-login.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    for name in ("nothing.png", "01-login.PNG.txt", ".hidden.png", "01-login.png%00.md"):
        assert admin_client.get(f"/admin/guide/images/{name}").status_code == 404
    for path in ("../editor-guide.md", "..%2F..%2Fmanage.py"):
        assert admin_client.get(f"/admin/guide/images/{path}").status_code != 200


def test_help_menu_and_dashboard_open_the_sites_guide_not_wagtails(client):
    client.force_login(editor(SECRETARIAT))
    html = client.get("/admin/").content.decode()
    assert "編集の手引き" in html
    assert 'href="/admin/guide/"' in html
    assert "guide.wagtail.org" not in html
    assert "editor guide" not in html.lower()


# --- The guide's words against the screens -------------------------------------------------

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|\{%.*?%\}|\{[^{}]*\}")
HTML_TAG = re.compile(r"<[^<>]+>")

# Quoted in the guide as examples of what an editor types or picks, or of data that the
# tests' sample content shows on the screen, not as words the screens themselves print.
EXAMPLES = {
    "(PDF・312KB)",
    "3行目: …",
    "75日経過",
    "F列",
    'コメント: "出席者の人数を確認してください。"',
    "出席者の人数を確認してください。",
    "今日(令和○年○月○日)の内容で冊子を作成する",
    "令和○年○月○日現在",
    "児玉郡市自立支援協議会の事業所一覧(令和N年M月時点)",
    "出典: 障害福祉サービス等情報公表システム(令和8年10月時点)",
    "情報更新: 3日前",
    "空き情報の更新: 5日前",
    "資料5-1 p.3",
    "資料5-1 令和5年度活動報告",
    "資料5-1 次第",
    "止めてほしい",
    "PDF として保存",  # the browser's own print dialog
    "全体会(令和5年11月20日)",  # a title the site makes from a body and a date
    "令和5年度の第2回は、既に…に付いています",  # the number clash, its data left out
}
FILE_NAME = re.compile(r"^[\w./-]+\.(pdf|docx|xlsx|zip|jpg|png|csv|xml)$", re.IGNORECASE)


def catalog_strings():
    """Japanese translations of the installed packages and of the site, and the Japanese
    texts of the site's code and templates: (literal strings, patterns with placeholders)."""
    texts, patterns = [], []
    po_files = [
        *SITE_PACKAGES.glob("**/locale/ja/LC_MESSAGES/*.po"),
        *ROOT.glob("locale/ja/LC_MESSAGES/*.po"),
    ]
    for po in po_files:
        content = po.read_text(encoding="utf-8", errors="ignore")
        for match in re.finditer(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', content, re.MULTILINE):
            texts.append("".join(re.findall(r'"(.*)"', match.group(1))).replace('\\"', '"'))
    for path in ROOT.glob("*/**/*"):
        if path.suffix not in {".py", ".html", ".js", ".yaml"} or path.parts[len(ROOT.parts)] in {
            ".venv",
            "tests",
            "docs",
            "var",
        }:
            continue
        source = path.read_text(encoding="utf-8", errors="ignore")
        texts.append(source)
        if path.suffix == ".py":
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.JoinedStr):
                    texts.append(
                        "".join(
                            v.value if isinstance(v, ast.Constant) else "{}" for v in node.values
                        )
                    )
    for text in texts:
        for line in text.splitlines():
            if not PLACEHOLDER.search(line):
                continue
            parts = PLACEHOLDER.split(HTML_TAG.sub("", line).strip())
            literal = "".join(parts)
            if len(literal.strip()) >= 2 and JAPANESE.search(literal):
                patterns.append(".*?".join(re.escape(part.strip()) for part in parts))
    return "\n".join(texts), patterns


def test_every_word_the_guide_quotes_is_one_the_screens_can_show():
    guide = GUIDE.read_text(encoding="utf-8")
    headings = re.findall(r"^#+ (.+)$", guide, re.MULTILINE)
    quotes = sorted(set(re.findall(r"「([^「」\n]{1,60})」", guide)))
    blob, patterns = catalog_strings()
    compiled = [re.compile(p) for p in patterns]

    def elided(quote):
        """「令和5年度の第2回は、既に…に付いています」: the words around … on one line."""
        if "…" not in quote:
            return False
        pattern = "[^\n]*?".join(re.escape(part) for part in quote.split("…"))
        return re.search(pattern, blob) is not None

    unknown = [
        quote
        for quote in quotes
        if quote not in EXAMPLES
        and not FILE_NAME.match(quote)
        and not any(quote in heading for heading in headings)  # a chapter of the guide itself
        and quote not in blob
        and not any(p.fullmatch(quote) for p in compiled)
        and not elided(quote)
    ]
    assert unknown == [], "手引きの「」の言葉が画面にありません: " + "、".join(unknown)
