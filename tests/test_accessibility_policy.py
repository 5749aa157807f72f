"""ウェブアクセシビリティ方針 and 試験結果 (JIS X 8341-3:2016 附属書JB): the checklist data,
what supports each result, the 対応度 rule, the pages, the roles and the command's refusals."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accessibility import checklist
from accessibility.criteria import CRITERIA
from accessibility.models import AccessibilityTestRun, Conformance
from accessibility.selection import choose_pages
from editorial.roles import FACILITY_EDITOR, SECRETARIAT
from tests.factories import (
    AccessibilityPolicyPageFactory,
    AccessibilityTestResultPageFactory,
    AccessibilityTestRunFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    StandardPageFactory,
    axe_tags,
)

# WCAG 2.0 as JIS X 8341-3:2016 adopts it.
LEVEL_A = [
    "1.1.1", "1.2.1", "1.2.2", "1.2.3", "1.3.1", "1.3.2", "1.3.3", "1.4.1", "1.4.2",
    "2.1.1", "2.1.2", "2.2.1", "2.2.2", "2.3.1", "2.4.1", "2.4.2", "2.4.3", "2.4.4",
    "3.1.1", "3.2.1", "3.2.2", "3.3.1", "3.3.2", "4.1.1", "4.1.2",
]  # fmt: skip
LEVEL_AA = [
    "1.2.4", "1.2.5", "1.4.3", "1.4.4", "1.4.5", "2.4.5", "2.4.6", "2.4.7",
    "3.1.2", "3.2.3", "3.2.4", "3.3.3", "3.3.4",
]  # fmt: skip
# What JIS X 8341-3:2016 附属書JB asks a test result to show.
JB_ITEMS = [
    "表明日",
    "規格番号及び改正年",
    "適合レベル及び対応度",
    "試験対象ページ",
    "依存したウェブコンテンツ技術のリスト",
    "試験したページを選択した方法",
    "試験したページの URL 一覧",
    "達成基準チェックリスト",
]


def number_key(number):
    return tuple(int(part) for part in number.split("."))


def test_the_checklist_is_every_wcag_20_a_and_aa_criterion_with_its_level():
    assert [c.number for c in CRITERIA] == sorted(LEVEL_A + LEVEL_AA, key=number_key)
    assert [c.number for c in CRITERIA if c.level == "A"] == LEVEL_A
    assert [c.number for c in CRITERIA if c.level == "AA"] == LEVEL_AA
    assert (len(LEVEL_A), len(LEVEL_AA)) == (25, 13)
    assert {c.level for c in CRITERIA} == {"A", "AA"}
    assert all(c.title for c in CRITERIA)
    titles = {c.number: c.title for c in CRITERIA}
    assert titles["1.4.3"] == "コントラスト(最低限レベル)"
    assert titles["2.4.1"] == "ブロックスキップ"
    assert titles["4.1.2"] == "名前(name)・役割(role)及び値(value)"


def test_the_recorded_manual_checks_cite_browser_tests_that_exist():
    data = yaml.safe_load(checklist.MANUAL_CHECKS.read_text(encoding="utf-8"))
    assert data["checks"]
    numbers = {c.number for c in CRITERIA}
    for entry in data["checks"]:
        path, name = entry["test"].split("::")
        source = (Path(settings.BASE_DIR) / path).read_text(encoding="utf-8")
        assert re.search(rf"^def {name}\(", source, re.MULTILINE), entry["test"]
        assert path.endswith("_browser.py") or path == "tests/test_browser.py"
        assert set(entry["criteria"]) <= numbers
    loaded = checklist.load_manual_checks()
    assert set(loaded) == {"1.4.4", "2.1.1", "2.4.1", "2.4.3", "2.4.7"}


def test_a_manual_check_for_a_criterion_outside_the_list_is_refused(tmp_path):
    path = tmp_path / "checks.yaml"
    path.write_text(
        "checks:\n  - {test: tests/test_browser.py::x, criteria: ['1.4.10'], checks: 幅}\n",
        encoding="utf-8",
    )
    with pytest.raises(checklist.ManualChecksError, match="1.4.10 は JIS の A・AA"):
        checklist.load_manual_checks(path)


def test_each_result_says_what_supports_it():
    manual = {"2.1.1": [{"test": "tests/test_browser.py::t", "checks": "キーボード"}]}
    outcome = checklist.evaluate(
        axe_tags(
            passed=[("wcag242", "document-title"), ("wcag111", "image-alt")],
            violated=[("wcag111", "svg-img-alt")],
        ),
        media_found=False,
        manual_checks=manual,
    )
    rows = {row["number"]: row for row in checklist.rows(outcome)}
    assert len(rows) == 38
    assert rows["2.4.2"]["result"] == "適合"
    assert "axe-core の規則 document-title" in rows["2.4.2"]["method"]
    assert rows["1.1.1"]["result"] == "不適合"
    assert "svg-img-alt" in rows["1.1.1"]["method"]
    assert rows["2.1.1"]["result"] == "適合"
    assert "tests/test_browser.py::t: キーボード" in rows["2.1.1"]["method"]
    assert rows["1.2.2"]["result"] == "適合(適用なし)"
    assert rows["1.2.2"]["applicable"] == "なし"
    assert rows["1.3.3"]["result"] == "未確認"
    assert rows["1.3.3"]["applicable"] == "未確認"
    assert rows["1.3.3"]["method"] == "自動チェック・記録した確認のどちらもありません"
    # A page with video leaves the media criteria to be checked.
    with_media = checklist.evaluate({}, media_found=True, manual_checks={})
    assert with_media["1.2.2"]["result"] == "unchecked"


def test_a_rule_that_found_nothing_to_check_supports_nothing():
    outcome = checklist.evaluate(
        {"wcag143": {"passed": {"color-contrast": 0}, "violated": {}}}, False, {}
    )
    assert outcome["1.4.3"]["result"] == "unchecked"


@pytest.fixture
def policy(home_page):
    return AccessibilityPolicyPageFactory(parent=home_page, conformance=Conformance.CONSIDERED)


def set_conformance(page, value):
    page.conformance = value
    page.full_clean()


def test_conforms_and_partial_are_refused_without_a_published_result(policy):
    with pytest.raises(ValidationError) as error:
        set_conformance(policy, Conformance.CONFORMS)
    assert "公開中の試験結果がありません" in error.value.message_dict["conformance"][0]
    with pytest.raises(ValidationError) as error:
        set_conformance(policy, Conformance.PARTIAL)
    assert "まだのときは「配慮」を選んでください" in error.value.message_dict["conformance"][0]
    set_conformance(policy, Conformance.CONSIDERED)
    # A result page without a chosen run, or not live, publishes nothing.
    result = AccessibilityTestResultPageFactory(
        parent=policy, test_run=AccessibilityTestRunFactory()
    )
    result.unpublish()
    with pytest.raises(ValidationError):
        set_conformance(policy, Conformance.PARTIAL)


def test_conforms_is_refused_when_the_published_run_leaves_criteria_unchecked(policy):
    run = AccessibilityTestRunFactory()
    AccessibilityTestResultPageFactory(parent=policy, test_run=run)
    set_conformance(policy, Conformance.PARTIAL)
    with pytest.raises(ValidationError) as error:
        set_conformance(policy, Conformance.CONFORMS)
    message = error.value.message_dict["conformance"][0]
    assert "「準拠」は選べません" in message and "1.3.3" in message and "2.4.2" not in message


def test_conforms_is_accepted_when_the_published_run_supports_every_criterion(policy):
    manual = {c.number: [{"test": "tests/test_browser.py::t", "checks": "確認"}] for c in CRITERIA}
    run = AccessibilityTestRunFactory(criteria=checklist.evaluate({}, False, manual))
    AccessibilityTestResultPageFactory(parent=policy, test_run=run)
    set_conformance(policy, Conformance.CONFORMS)
    # One violation later, a newer published run takes it back.
    failing = AccessibilityTestRunFactory(
        criteria=checklist.evaluate(
            axe_tags(violated=[("wcag143", "color-contrast")]), False, manual
        )
    )
    result = policy.get_children().get().specific
    result.test_run = failing
    result.save_revision().publish()
    with pytest.raises(ValidationError, match="1.4.3"):
        set_conformance(policy, Conformance.CONFORMS)


def test_the_result_page_shows_everything_annex_jb_asks(
    client, policy, django_assert_max_num_queries
):
    policy.conformance = Conformance.PARTIAL
    run = AccessibilityTestRunFactory()
    result = AccessibilityTestResultPageFactory(parent=policy, test_run=run)
    policy.save_revision().publish()
    with django_assert_max_num_queries(25):
        response = client.get(result.url)
    assert response.status_code == 200
    html = response.content.decode()
    for item in JB_ITEMS:
        assert f"<dt>{item}</dt>" in html or f">{item}</h2>" in html, item
    assert '<time datetime="2026-04-01">令和8年4月1日</time>' in html
    assert "<dd>JIS X 8341-3:2016</dd>" in html
    assert "<dd>AA 一部準拠</dd>" in html
    assert "このサイトの公開中のすべてのページ" in html
    assert "<dd>HTML、CSS、JavaScript、WAI-ARIA、SVG</dd>" in html
    assert "みんなの公共サイト運用ガイドライン" in html and "乱数の種: 42" in html
    assert "https://example.jp/news/(お知らせ。無作為に選んだページ)" in html
    assert "https://example.jp/(トップページ。代表的なページ)" in html
    rows = re.findall(
        r'<tr class="checklist-(\w+)">\s*<th scope="row" data-label="番号">([\d.]+)</th>', html
    )
    assert [number for _, number in rows] == [c.number for c in CRITERIA]
    results = dict((number, code) for code, number in rows)
    assert results["2.4.2"] == "pass"
    # Nothing supports these: they say 未確認, never 適合.
    assert results["1.3.3"] == results["3.3.1"] == "unchecked"
    row_333 = html[html.index('data-label="番号">3.3.3<') :].split("</tr>")[0]
    assert '<td data-label="結果">未確認</td>' in row_333 and "適合" not in row_333.replace(
        "適合レベル", ""
    )


def test_the_result_page_before_any_run_shows_every_criterion_unchecked(client, policy):
    result = AccessibilityTestResultPageFactory(parent=policy)
    html = client.get(result.url).content.decode()
    assert html.count("試験の結果はまだ公開していません") == 2
    assert html.count('<td data-label="結果">未確認</td>') == 38
    assert "<dd>AA 配慮</dd>" in html


def test_the_policy_page_states_level_conformance_and_date_and_links_the_result(client, policy):
    AccessibilityTestResultPageFactory(parent=policy)
    html = client.get(policy.url).content.decode()
    assert "<dd>AA</dd>" in html and "<dd>配慮</dd>" in html
    assert "JIS X 8341-3:2016 の適合レベル AA に配慮しています。" in html
    assert '<time datetime="2026-04-01">令和8年4月1日</time>' in html
    assert "関係機関から提供された PDF" in html
    assert 'href="/accessibility/test-result/"' in html
    # The footer's link finds the policy by its slug.
    assert html.count('href="/accessibility/"') >= 1


def user_in(group_name):
    user = User.objects.create_user(f"user-{group_name}", password="x")
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_only_the_secretariat_edits_and_publishes_the_policy(policy):
    result = AccessibilityTestResultPageFactory(parent=policy)
    secretariat = user_in(SECRETARIAT)
    facility_editor = user_in(FACILITY_EDITOR)
    for page in (policy, result):
        assert page.permissions_for_user(secretariat).can_edit()
        assert page.permissions_for_user(secretariat).can_publish()
        assert not page.permissions_for_user(facility_editor).can_edit()
        assert not page.permissions_for_user(facility_editor).can_publish()


def test_one_policy_under_the_home_page_and_the_result_only_under_it(policy):
    from accessibility.models import AccessibilityPolicyPage, AccessibilityTestResultPage
    from home.models import HomePage, StandardPage

    assert not AccessibilityPolicyPage.can_create_at(policy.get_parent())  # max_count 1
    assert AccessibilityPolicyPage.parent_page_types == ["home.HomePage"]
    assert AccessibilityTestResultPage.can_create_at(policy)
    assert not AccessibilityTestResultPage.can_create_at(HomePage.objects.get())
    assert not AccessibilityTestResultPage.can_create_at(
        StandardPageFactory(parent=policy.get_parent(), slug="other")
    )
    assert StandardPage not in AccessibilityPolicyPage.allowed_subpage_models()


def test_pages_are_chosen_as_representative_then_random_by_seed(home_page):
    index = NewsIndexPageFactory(parent=home_page)
    for n in range(8):
        NewsPageFactory(parent=index, slug=f"n{n}", title=f"お知らせ{n}")
    StandardPageFactory(parent=home_page, slug="about")
    StandardPageFactory(parent=home_page, slug="private").unpublish()
    chosen = choose_pages(3, seed=7)
    representative = [p for p in chosen if p["kind"] == "representative"]
    drawn = [p["path"] for p in chosen if p["kind"] == "random"]
    assert [p["path"] for p in representative] == ["/", "/news/", "/news/n0/", "/about/"]
    assert len(drawn) == 3 and len(set(drawn)) == 3
    assert all(re.fullmatch(r"/news/n[1-7]/", path) for path in drawn)
    assert choose_pages(3, seed=7) == chosen
    assert {tuple(p["path"] for p in choose_pages(3, seed=s)) for s in range(1, 8)} != {
        tuple(p["path"] for p in chosen)
    }
    assert len(choose_pages(100, seed=1)) == 11


def test_the_command_fails_in_japanese_without_chromium(home_page):
    with pytest.raises(CommandError) as error:
        call_command("accessibility_test", chromium="/no/such/chromium")
    assert str(error.value).startswith("Chromium が見つかりません(/no/such/chromium)。")
    assert "apt-get install -y chromium" in str(error.value)
    assert not AccessibilityTestRun.objects.exists()


def test_the_command_refuses_a_random_count_out_of_range(home_page):
    with pytest.raises(CommandError, match="--random は 0 から 1000 までの数にしてください"):
        call_command("accessibility_test", random=-1)


def policy_form(**overrides):
    from wagtail.test.utils.form_data import nested_form_data, rich_text

    return nested_form_data(
        {
            "title": "ウェブアクセシビリティ方針",
            "slug": "accessibility",
            "policy": rich_text("<p>方針</p>"),
            "scope": rich_text("<p>すべてのページ</p>"),
            "exceptions": rich_text(""),
            "conformance": "conforms",
            "statement_date": "2026-04-01",
            "summary": "",
            **overrides,
        }
    )


def test_the_editor_refuses_conforms_in_japanese_and_saves_nothing(admin_client, policy):
    from django.urls import reverse
    from wagtail.models import Revision

    revisions = Revision.objects.count()
    response = admin_client.post(
        reverse("wagtailadmin_pages:edit", args=[policy.pk]), policy_form(), follow=True
    )
    assert response.status_code == 200
    assert "公開中の試験結果がありません" in response.content.decode()
    assert Revision.objects.count() == revisions
    policy.refresh_from_db()
    assert policy.conformance == Conformance.CONSIDERED
    response = admin_client.post(
        reverse("wagtailadmin_pages:edit", args=[policy.pk]),
        policy_form(conformance="considered", title="方針(改)"),
    )
    assert response.status_code == 302
    assert Revision.objects.count() == revisions + 1
