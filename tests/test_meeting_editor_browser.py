"""The meeting editor in Chromium: agenda items are added with a labelled button."""

from editorial.roles import SECRETARIAT
from tests.factories import CommitteePageFactory, CouncilIndexPageFactory
from tests.live import wait_until
from tests.test_council_browser import log_in, member


def test_agenda_items_are_added_with_the_button_that_says_so(live_server, page, live_home):
    about = CouncilIndexPageFactory(parent=live_home)
    body = CommitteePageFactory(parent=about, title="全体会", slug="zentai", kind="plenary")
    log_in(page, live_server, member("jimukyoku", SECRETARIAT, "事務局 花子"))
    page.goto(live_server.url + f"/admin/pages/add/council/meetingpage/{body.pk}/")

    add = page.get_by_role("button", name="議題を追加")
    assert add.count() == 1
    assert add.inner_text().strip() == "議題を追加"
    box = add.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    add.focus()
    page.keyboard.press("Enter")
    title = page.locator("input[name='agenda-0-value-title']")
    title.wait_for()
    title.fill("相談支援体制について")
    # Every add button, the new ones between and after the items too, says what it does.
    wait_until(
        page,
        """() => [...document.querySelectorAll('[data-contentpath="agenda"] button.c-sf-add-button')]
                 .every(b => b.textContent.includes("議題を追加"))""",
    )
    assert page.get_by_role("button", name="議題を追加").count() >= 2
    assert page.locator("#id_slug").count() == 0
