"""The Wagtail admin in Japanese: the project catalog in ``locale/`` fills the
strings Wagtail's own Japanese catalogs leave in English.

The catalog is compiled (``django.mo``/``djangojs.mo`` are kept next to the
``.po`` files); ``scripts/wagtail-ja-gaps.py`` recomputes the gaps after a
Wagtail upgrade.
"""

import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

from editorial.roles import APPROVER, COUNCIL_WORKFLOW
from tests.factories import CommitteePageFactory, CouncilIndexPageFactory, MeetingPageFactory

BASE_DIR = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location(
    "wagtail_ja_gaps", BASE_DIR / "scripts" / "wagtail-ja-gaps.py"
)
gaps = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gaps)

CATALOG = {domain: gaps.project_catalog(domain)[1] for domain in gaps.DOMAINS}


def label(entry):
    context = f"({entry.msgctxt}) " if entry.msgctxt is not None else ""
    return f"{context}{entry.msgid!r}"


def translation_of(entry):
    return entry.msgstr_plural.get(0, "") if entry.msgid_plural is not None else entry.msgstr


def test_project_catalog_is_in_locale_paths_and_compiled():
    assert BASE_DIR / "locale" in [Path(path) for path in settings.LOCALE_PATHS]
    for domain in gaps.DOMAINS:
        po = BASE_DIR / "locale" / "ja" / "LC_MESSAGES" / f"{domain}.po"
        header = gaps.parse_po(po)[0]
        assert header.msgid == ""
        assert "Language: ja\n" in header.msgstr
        assert "charset=UTF-8" in header.msgstr
        assert "Plural-Forms: nplurals=1; plural=0;" in header.msgstr
        assert po.with_suffix(".mo").exists(), f"{po.name} をコンパイルしてください (msgfmt)"
        assert CATALOG[domain], f"{po.name} に訳がありません"


def test_every_entry_is_translated_and_keeps_its_placeholders_and_tags():
    problems = []
    for entries in CATALOG.values():
        for entry in entries:
            text = translation_of(entry)
            if not text:
                problems.append(f"訳が空: {label(entry)}")
                continue
            if entry.msgid_plural is not None and set(entry.msgstr_plural) != {0}:
                problems.append(f"複数形は msgstr[0] だけ: {label(entry)}")
            # Japanese has one plural form, used for every count: it must carry
            # the placeholders of the plural source.
            source = entry.msgid_plural if entry.msgid_plural is not None else entry.msgid
            expected = Counter(gaps.PLACEHOLDER.findall(source))
            if entry.msgid_plural is not None:
                expected |= Counter(gaps.PLACEHOLDER.findall(entry.msgid))
            if Counter(gaps.PLACEHOLDER.findall(text)) != expected:
                problems.append(f"置き換え文字・タグの不一致: {label(entry)} → {text!r}")
    assert not problems, "\n".join(problems)


def test_gettext_returns_the_project_translation_for_every_entry():
    """Proves the compiled django.mo is loaded and in step with django.po."""
    wrong = []
    with translation.override("ja"):
        for entry in CATALOG["django"]:
            expected = translation_of(entry)
            if entry.msgid_plural is not None:
                for count in (1, 2, 5):
                    if entry.msgctxt is not None:
                        got = translation.npgettext(
                            entry.msgctxt, entry.msgid, entry.msgid_plural, count
                        )
                    else:
                        got = translation.ngettext(entry.msgid, entry.msgid_plural, count)
                    if got != expected:
                        wrong.append(f"{label(entry)} (n={count}): {got!r}")
            else:
                if entry.msgctxt is not None:
                    got = translation.pgettext(entry.msgctxt, entry.msgid)
                else:
                    got = translation.gettext(entry.msgid)
                if got != expected:
                    wrong.append(f"{label(entry)}: {got!r}")
    assert not wrong, "django.mo が django.po と合っていません:\n" + "\n".join(wrong)


def test_admin_javascript_catalog_serves_the_project_translations(client):
    """The admin's jsi18n view merges LOCALE_PATHS into Wagtail's djangojs catalog."""
    with translation.override("ja"):
        response = client.get(reverse("wagtailadmin_javascript_catalog"))
    assert response.status_code == 200
    found = re.search(r"const newcatalog = (\{.*?\n  \});", response.content.decode(), re.S)
    assert found, "JavaScript の翻訳カタログが見つかりません"
    served = json.loads(found.group(1))
    wrong = []
    for entry in CATALOG["djangojs"]:
        expected = translation_of(entry)
        if entry.msgid_plural is not None:
            expected = [expected]
        if served.get(entry.msgid) != expected:
            wrong.append(f"{label(entry)}: {served.get(entry.msgid)!r}")
    assert not wrong, (
        "djangojs.mo が読み込まれていないか、djangojs.po と合っていません:\n" + "\n".join(wrong)
    )


@pytest.mark.parametrize("domain", gaps.DOMAINS)
def test_catalog_covers_every_string_wagtail_leaves_untranslated(domain):
    """After a Wagtail upgrade, new English strings show up here by name."""
    open_gaps = gaps.wagtail_gaps(domain)
    assert open_gaps, "Wagtail の英語のカタログが見つかりません"
    ours = {entry.key: entry for entry in CATALOG[domain]}
    missing = [
        f"[{', '.join(apps)}] {label(source)}"
        for key, (source, apps) in open_gaps.items()
        if key not in ours or not translation_of(ours[key])
    ]
    assert not missing, (
        f"Wagtail の日本語のカタログに訳のない文字列が {len(missing)} 件あります。"
        "scripts/wagtail-ja-gaps.py --update で追加して訳してください:\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("domain", gaps.DOMAINS)
def test_catalog_holds_only_strings_wagtail_leaves_untranslated(domain):
    open_gaps = gaps.wagtail_gaps(domain)
    stale = [label(entry) for entry in CATALOG[domain] if entry.key not in open_gaps]
    assert not stale, (
        "Wagtail がすでに訳している(またはなくなった)文字列です。"
        "scripts/wagtail-ja-gaps.py --update で取り除いてください:\n" + "\n".join(stale)
    )


def test_gap_check_reads_wagtail_catalogs_and_sees_known_gaps():
    """The gap finder itself: it must see strings known to be English in Wagtail 7.4."""
    admin_gaps = gaps.wagtail_gaps("django")
    assert (None, "You do not have permission to access the admin.") in admin_gaps
    assert (None, "Changes requested by %(requested_by)s") in admin_gaps
    # Translated by Wagtail, so not ours to fill.
    assert (None, "Dashboard") not in admin_gaps
    # Wagtail's ja catalog "translates" this as the same English words.
    assert (None, "meta description") in admin_gaps


# -- The admin as the staff see it -------------------------------------------


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("kanri", "kanri@example.jp", "x", first_name="管理 太郎")


@pytest.fixture
def meeting_in_workflow(home_page, superuser):
    about = CouncilIndexPageFactory(parent=home_page)
    committee = CommitteePageFactory(parent=about, title="全体会", slug="zentai", kind="plenary")
    meeting = MeetingPageFactory(parent=committee, title="令和6年度 第1回全体会", slug="zentai-1")
    workflow = meeting.get_workflow()
    assert workflow.name == COUNCIL_WORKFLOW
    meeting.save_revision(user=superuser)
    workflow.start(meeting, superuser)
    return Page.objects.get(pk=meeting.pk).specific


def admin_page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def assert_japanese(body, pairs):
    for english, japanese in pairs:
        assert japanese in body, f"「{japanese}」が表示されていません"
        assert english not in body, f"英語の「{english}」が残っています"


def test_dashboard_is_in_japanese(client, superuser, meeting_in_workflow):
    body = admin_page(client, superuser, reverse("wagtailadmin_home"))
    assert meeting_in_workflow.title in body
    assert_japanese(
        body,
        [
            ("Your pages and snippets in a workflow", "ワークフロー中のあなたのページとスニペット"),
            ("Task submitted by", "タスクの依頼者"),
            ("Skip to main content", "本文へ移動"),
        ],
    )


def test_editing_a_page_awaiting_approval_is_in_japanese(client, superuser, meeting_in_workflow):
    body = admin_page(
        client, superuser, reverse("wagtailadmin_pages:edit", args=[meeting_in_workflow.pk])
    )
    assert_japanese(
        body,
        [
            ("In Moderation", "承認待ち"),
            ("Set publishing schedule", "公開スケジュールを設定"),
            (
                "Choose when this page should go live and/or expire",
                "このページの公開予定日時と有効期限を選んでください",
            ),
            ("Meta description", "説明文(メタディスクリプション)"),
        ],
    )


def test_page_sent_back_by_the_approver_says_who_asked_for_changes(
    client, superuser, meeting_in_workflow
):
    approver = User.objects.create_user("shonin", "shonin@example.jp", "x", first_name="承認 次郎")
    approver.groups.add(Group.objects.get(name=APPROVER))
    task_state = meeting_in_workflow.current_workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, approver, "reject")

    body = admin_page(
        client, superuser, reverse("wagtailadmin_pages:edit", args=[meeting_in_workflow.pk])
    )
    assert_japanese(body, [("Changes requested by", "承認 次郎 さんが修正を依頼")])


def test_documents_list_is_in_japanese(client, superuser):
    body = admin_page(client, superuser, reverse("wagtaildocs:index"))
    assert_japanese(
        body,
        [
            ("Add documents to collection", "ドキュメントをコレクションに追加"),
            ("Delete selected documents", "選択したドキュメントを削除"),
            ("Usage count", "使用回数"),
        ],
    )


def test_users_list_is_in_japanese(client, superuser):
    body = admin_page(client, superuser, reverse("wagtailusers_users:index"))
    assert_japanese(
        body,
        [
            ("Last login", "最終ログイン"),
            ("Access level", "アクセス権限"),
            ("Assign role to selected users", "選択したユーザーに役割を割り当て"),
        ],
    )
    # The active column's icon text, read by screen readers (templates/wagtailadmin/tables).
    spoken = re.findall(
        r'icon-check[^>]*>.*?<span class="w-sr-only">\s*(.*?)\s*</span>', body, re.S
    )
    assert spoken and set(spoken) == {"はい"}, spoken


def test_user_without_admin_access_is_told_in_japanese(client, db):
    reader = User.objects.create_user("riyousha", "riyousha@example.jp", "x")
    client.force_login(reader)
    response = client.get(reverse("wagtailadmin_home"), follow=True)
    body = response.content.decode()
    assert_japanese(
        body,
        [
            (
                "You do not have permission to access the admin.",
                "管理画面にアクセスする権限がありません。",
            )
        ],
    )
