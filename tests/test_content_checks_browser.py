"""公開前の確認 in Chromium, as an editor meets it: publishing refused with the reason at the
field, the same text saved as a draft, and a warning after saving that does not stop it."""

from editorial.roles import SECRETARIAT
from home.models import StandardPage
from tests.factories import StandardPageFactory
from tests.live import live_db
from tests.test_council_browser import log_in, member

pytestmark = live_db


def publish(page):
    """The editor's publish button, or 「承認に提出」 where the page goes through approval."""
    page.get_by_role("button", name="他のアクション").click()
    button = page.locator("button[name='action-publish']")
    if button.count() == 0:
        button = page.locator("button[name='action-submit']")
    button.click()
    page.wait_for_load_state()


def save_draft(page):
    page.locator("button[name='action-save-draft'], button.action-save").first.click()
    page.wait_for_selector(".messages .success")


def test_publishing_is_refused_at_the_field_and_the_draft_still_saves(live_server, page, live_home):
    notice = StandardPageFactory(parent=live_home, title="研修会のお知らせ", slug="kenshu")
    log_in(page, live_server, member("jimukyoku", SECRETARIAT, "事務局 花子"))
    page.goto(live_server.url + f"/admin/pages/{notice.pk}/edit/")

    page.fill("#id_intro", "ｸﾞﾙｰﾌﾟﾎｰﾑの見学会を開きます。")
    publish(page)
    page.wait_for_selector(".messages .error")
    top = page.locator(".messages").inner_text()
    assert "公開前の確認で、直す必要がある点が1件見つかりました" in top
    field = page.locator("[data-field-wrapper]", has=page.locator("#id_intro"))
    assert "半角カタカナ「ｸﾞﾙｰﾌﾟﾎｰﾑ」が使われています" in field.inner_text()
    assert "全角カタカナ(「グループホーム」)に直してください" in field.inner_text()
    notice.refresh_from_db()
    assert notice.intro == "" and not notice.has_unpublished_changes

    save_draft(page)
    messages = page.locator(".messages").inner_text()
    assert "公開前の確認: 公開する前に直す必要があります(下書きは保存しました)。" in messages
    assert "半角カタカナ「ｸﾞﾙｰﾌﾟﾎｰﾑ」" in messages
    draft = StandardPage.objects.get(pk=notice.pk).get_latest_revision_as_object()
    assert draft.intro == "ｸﾞﾙｰﾌﾟﾎｰﾑの見学会を開きます。"


def test_a_warning_is_shown_after_saving_and_does_not_stop_it(live_server, page, live_home):
    notice = StandardPageFactory(parent=live_home, title="研修会のお知らせ", slug="kenshu")
    log_in(page, live_server, member("jimukyoku", SECRETARIAT, "事務局 花子"))
    page.goto(live_server.url + f"/admin/pages/{notice.pk}/edit/")

    page.fill("#id_intro", "会場は①本庄市役所、②美里町役場です。")
    save_draft(page)
    messages = page.locator(".messages").inner_text()
    assert "公開前の確認: 次の点を見直してください(公開はできます)。" in messages
    assert "機種依存文字 「①」・「②」" in messages and "「(1)」・「(2)」" in messages
    assert "公開する前に直す必要があります" not in messages

    publish(page)
    page.wait_for_selector(".messages .success")
    assert "次の点を見直してください" in page.locator(".messages").inner_text()
    notice = StandardPage.objects.get(pk=notice.pk)
    latest = notice.get_latest_revision_as_object()
    assert latest.intro == "会場は①本庄市役所、②美里町役場です。"
