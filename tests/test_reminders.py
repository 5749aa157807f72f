"""空き情報の催促: who is reminded, once only, the second reminder and the summary, the setting."""

import datetime as dt
import smtplib
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from editorial.roles import SECRETARIAT
from home.models import SecretariatContact
from offices import reminders
from offices.models import (
    OfficeAccount,
    ReminderKind,
    VacancyReminder,
    VacancyReminderSettings,
)
from tests.factories import FacilityIndexPageFactory, FacilityPageFactory, VacancyFigureFactory

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
GH = "共同生活援助(介護サービス包括型)"
NYUSHO = "施設入所支援"
MONTH = dt.date(2026, 12, 1)


def at(day, hour=9, month=MONTH):
    """An aware moment on ``day`` of ``month``, Japan time."""
    return dt.datetime(month.year, month.month, day, hour, tzinfo=TOKYO)


def office(username, *facilities, email=None, suspended=False, active=True):
    user = User.objects.create_user(
        username,
        email=f"{username}@example.jp" if email is None else email,
        is_active=active,
    )
    account = OfficeAccount.objects.create(
        user=user, suspended_at=timezone.now() if suspended else None
    )
    account.facilities.set(facilities)
    return account


def secretariat(username, email=None, active=True):
    user = User.objects.create_user(
        username, email=f"{username}@example.jp" if email is None else email, is_active=active
    )
    user.groups.add(Group.objects.get(name=SECRETARIAT))
    return user


@pytest.fixture
def setting(home_page):
    value = VacancyReminderSettings.for_site(Site.objects.get(is_default_site=True))
    value.enabled = True
    value.reminder_day = 10
    value.second_after_days = 5
    value.save()
    return value


@pytest.fixture
def homes(home_page):
    index = FacilityIndexPageFactory(parent=home_page)
    return {
        "aozora": FacilityPageFactory(
            parent=index,
            title="サンプルあおぞらホーム",
            name_kana="アオゾラ",
            services=[(GH, 5, ["知的"])],
        ),
        "midori": FacilityPageFactory(
            parent=index,
            title="サンプルみどり園",
            name_kana="ミドリ",
            services=[(NYUSHO, 40, ["身体"]), ("短期入所", 4, ["身体"])],
        ),
        "hikari": FacilityPageFactory(
            parent=index,
            title="サンプルひかりホーム",
            name_kana="ヒカリ",
            services=[(GH, 6, ["精神"])],
        ),
        "shuro": FacilityPageFactory(
            parent=index,
            title="サンプル就労",
            name_kana="シュウロウ",
            services=[("就労継続支援B型", 20, ["知的"])],
        ),
    }


def sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


def message_for(address):
    [message] = [m for m in mail.outbox if address in m.to]
    return message


def test_first_reminder_goes_to_offices_with_a_missing_figure_only(setting, homes):
    VacancyFigureFactory(facility=homes["hikari"], service_type=GH, month=MONTH, vacancies=2)
    office("aozora", homes["aozora"])
    office("midori", homes["midori"])
    office("hikari", homes["hikari"])  # its figure is in
    office("shuro", homes["shuro"])  # 就労継続支援B型 is not a tracked service
    office("stopped", homes["aozora"], suspended=True)
    office("left", homes["aozora"], active=False)
    office("noaddress", homes["aozora"], email="")
    office("both", homes["aozora"], homes["hikari"])

    sent = reminders.run(at(10))

    assert sent == {"first": 3, "second": 0, "summary": 0}
    assert sent_to() == ["aozora@example.jp", "both@example.jp", "midori@example.jp"]
    both = message_for("both@example.jp").body
    assert "・サンプルあおぞらホーム(共同生活援助(介護サービス包括型))" in both
    assert "サンプルひかりホーム" not in both  # its figure is already in


def test_only_the_missing_services_of_a_facility_are_asked_for(setting, homes):
    VacancyFigureFactory(facility=homes["midori"], service_type=NYUSHO, month=MONTH)
    office("midori", homes["midori"])
    reminders.run(at(10))
    body = message_for("midori@example.jp").body
    assert "・サンプルみどり園(短期入所)" in body


def test_a_figure_left_blank_counts_as_entered_like_the_dashboard(setting, homes):
    VacancyFigureFactory(facility=homes["aozora"], service_type=GH, month=MONTH, vacancies=None)
    office("aozora", homes["aozora"])
    assert reminders.run(at(10))["first"] == 0


def test_the_message_is_polite_japanese_with_the_month_link_and_contact(setting, homes):
    contact = SecretariatContact.for_site(Site.objects.get(is_default_site=True))
    contact.phone = "0495-00-0000"
    contact.fax = "0495-00-0001"
    contact.save()
    office("aozora", homes["aozora"])
    reminders.run(at(10))
    [message] = mail.outbox
    assert message.subject == "【児玉郡市自立支援協議会】令和8年12月の空き情報のご入力のお願い"
    assert "令和8年12月1日時点の空き情報のご入力をお願いいたします。" in message.body
    assert "http://127.0.0.1:8000/admin/vacancies/monthly/?month=2026-12" in message.body
    assert "児玉郡市自立支援協議会 事務局" in message.body
    assert "電話: 0495-00-0000" in message.body
    assert "FAX: 0495-00-0001" in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body


def test_reminders_are_sent_once_however_often_the_run_comes(setting, homes):
    office("aozora", homes["aozora"])
    assert reminders.run(at(10))["first"] == 1
    assert reminders.run(at(10, hour=18))["first"] == 0
    assert reminders.run(at(12))["first"] == 0
    assert len(mail.outbox) == 1
    assert VacancyReminder.objects.filter(kind=ReminderKind.FIRST).count() == 1


def test_nothing_is_sent_before_the_day_or_when_turned_off(setting, homes):
    office("aozora", homes["aozora"])
    assert reminders.run(at(9, hour=23)) == {"first": 0, "second": 0, "summary": 0}
    setting.enabled = False
    setting.save()
    assert reminders.run(at(20)) == {"first": 0, "second": 0, "summary": 0}
    assert mail.outbox == []
    assert not VacancyReminder.objects.exists()


def test_the_day_is_the_day_in_japan(setting, homes):
    office("aozora", homes["aozora"])
    # 2026-12-09 15:30 UTC is already 12月10日 0:30 in Japan.
    assert reminders.run(dt.datetime(2026, 12, 9, 15, 30, tzinfo=dt.UTC))["first"] == 1


def test_a_missed_day_is_caught_up_later_in_the_month(setting, homes):
    office("aozora", homes["aozora"])
    assert reminders.run(at(13))["first"] == 1


def test_second_reminder_goes_only_to_those_still_missing_then_the_summary(setting, homes):
    office("aozora", homes["aozora"])
    office("midori", homes["midori"])
    office("hikari", homes["hikari"])
    secretariat("jimu1")
    secretariat("jimu2")
    secretariat("jimu-noaddress", email="")
    secretariat("jimu-left", active=False)
    assert reminders.run(at(10))["first"] == 3
    VacancyFigureFactory(facility=homes["hikari"], service_type=GH, month=MONTH)
    mail.outbox.clear()

    assert reminders.run(at(14)) == {"first": 0, "second": 0, "summary": 0}
    sent = reminders.run(at(15))

    assert sent == {"first": 0, "second": 2, "summary": 1}
    reminded = [m for m in mail.outbox if "【再度のお願い】" in m.subject]
    assert sorted(a for m in reminded for a in m.to) == ["aozora@example.jp", "midori@example.jp"]
    assert (
        "先日ご案内した令和8年12月の空き情報が、まだ入力されていないようです。" in reminded[0].body
    )
    [summary] = [m for m in mail.outbox if m not in reminded]
    assert summary.to == ["jimu1@example.jp", "jimu2@example.jp"]
    assert summary.subject.endswith("令和8年12月の空き情報の未入力の事業所(2件)")
    assert "・サンプルあおぞらホーム(共同生活援助(介護サービス包括型))" in summary.body
    assert "・サンプルみどり園(短期入所、施設入所支援)" in summary.body
    assert "サンプルひかりホーム" not in summary.body

    mail.outbox.clear()
    assert reminders.run(at(16)) == {"first": 0, "second": 0, "summary": 0}
    assert mail.outbox == []


def test_summary_names_facilities_no_reminder_could_reach(setting, homes):
    secretariat("jimu")
    office("aozora", homes["aozora"])
    office("midori-stopped", homes["midori"], suspended=True)
    reminders.run(at(10))
    mail.outbox.clear()
    reminders.run(at(15))
    summary = message_for("jimu@example.jp").body
    reached, unreachable = summary.split("■ メールが届いていない事業所")
    assert "サンプルあおぞらホーム" in reached
    assert "サンプルみどり園" in unreachable and "サンプルひかりホーム" in unreachable


def test_summary_when_every_figure_is_in(setting, homes):
    secretariat("jimu")
    for slug, services in [("aozora", [GH]), ("midori", [NYUSHO, "短期入所"]), ("hikari", [GH])]:
        for service in services:
            VacancyFigureFactory(facility=homes[slug], service_type=service, month=MONTH)
    assert reminders.run(at(15)) == {"first": 0, "second": 0, "summary": 1}
    assert "すべての事業所から入力がありました。" in mail.outbox[0].body
    assert "件の事業所の入力がまだありません" not in mail.outbox[0].body


def test_no_office_gets_two_reminders_on_one_day(setting, homes):
    """A run that catches up on both days sends the first only; the second follows a day later."""
    office("aozora", homes["aozora"])
    assert reminders.run(at(16))["first"] == 1
    assert reminders.run(at(16, hour=20))["second"] == 0
    assert reminders.run(at(17))["second"] == 1


def test_an_office_added_after_the_first_gets_its_first_reminder(setting, homes):
    office("aozora", homes["aozora"])
    reminders.run(at(10))
    office("midori", homes["midori"])
    mail.outbox.clear()
    sent = reminders.run(at(15))
    assert sent["first"] == 1 and sent["second"] == 1
    assert "【再度のお願い】" not in message_for("midori@example.jp").subject


def test_each_month_has_its_own_reminders(setting, homes):
    office("aozora", homes["aozora"])
    reminders.run(at(10))
    january = dt.date(2027, 1, 1)
    assert reminders.run(at(10, month=january))["first"] == 1
    assert "令和9年1月" in mail.outbox[-1].subject
    assert "?month=2027-01" in mail.outbox[-1].body


def test_a_reminder_already_written_by_another_run_is_not_sent_again(setting, homes):
    """Two runs at once: the row the other one wrote makes this one skip the office."""
    account = office("aozora", homes["aozora"])
    missing = reminders.missing_facilities(MONTH)
    [(chosen, facilities)] = reminders.offices_to_remind(
        ReminderKind.FIRST, MONTH, missing, at(10).date()
    )
    VacancyReminder.objects.create(office_account=account, month=MONTH, kind=ReminderKind.FIRST)
    context = {"month_name": "令和8年12月", "month_label": "", "entry_url": "", "contact": None}
    assert not reminders.remind_office(
        chosen, facilities, ReminderKind.FIRST, MONTH, at(10), context
    )
    assert mail.outbox == []


def test_the_database_refuses_a_second_row_for_the_same_reminder(home_page):
    account = office("aozora")
    VacancyReminder.objects.create(office_account=account, month=MONTH, kind=ReminderKind.FIRST)
    VacancyReminder.objects.create(kind=ReminderKind.SUMMARY, month=MONTH)
    with pytest.raises(IntegrityError), transaction.atomic():
        VacancyReminder.objects.create(office_account=account, month=MONTH, kind=ReminderKind.FIRST)
    with pytest.raises(IntegrityError), transaction.atomic():
        VacancyReminder.objects.create(kind=ReminderKind.SUMMARY, month=MONTH)
    with pytest.raises(IntegrityError), transaction.atomic():
        VacancyReminder.objects.create(kind=ReminderKind.FIRST, month=MONTH)  # no office


def test_a_refused_message_is_not_recorded_and_is_sent_by_the_next_run(setting, homes, monkeypatch):
    office("aozora", homes["aozora"])

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("接続が切れました")

    with monkeypatch.context() as patch:
        patch.setattr(mail.EmailMessage, "send", refuse)
        assert reminders.run(at(10))["first"] == 0
    assert not VacancyReminder.objects.exists()
    assert reminders.run(at(11))["first"] == 1


def test_queries_do_not_grow_per_office_beyond_its_own_row(
    setting, home_page, django_assert_max_num_queries
):
    index = FacilityIndexPageFactory(parent=home_page)
    for n in range(20):
        facility = FacilityPageFactory(
            parent=index, title=f"ホーム{n}", slug=f"home-{n}", services=[(GH, 4, ["知的"])]
        )
        office(f"office{n}", facility)
    # Per office: its row and the savepoint around it (3); the rest is fixed.
    with django_assert_max_num_queries(20 * 3 + 20):
        assert reminders.run(at(10))["first"] == 20


# --- The setting --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, after, field, message",
    [
        (31, 3, "reminder_day", "1回目の催促の日は1日から28日の間にしてください"),
        (29, 1, "reminder_day", "29日・30日・31日はない月があるため選べません"),
        (0, 3, "reminder_day", "1回目の催促の日は1日から28日の間にしてください。"),
        (10, 0, "second_after_days", "2回目の催促までの日数は1日以上にしてください。"),
        (20, 10, "second_after_days", "2回目の催促が30日になり、翌月に入る月があります。"),
    ],
)
def test_days_that_some_months_lack_are_refused_in_japanese(home_page, day, after, field, message):
    value = VacancyReminderSettings(
        site=Site.objects.get(is_default_site=True), reminder_day=day, second_after_days=after
    )
    with pytest.raises(ValidationError) as error:
        value.full_clean()
    assert any(message in text for text in error.value.message_dict[field])


def test_a_day_saved_past_the_months_end_falls_on_its_last_day():
    value = VacancyReminderSettings(reminder_day=31, second_after_days=5)
    assert value.first_reminder_date(dt.date(2027, 2, 1)) == dt.date(2027, 2, 28)
    assert value.second_reminder_date(dt.date(2027, 2, 1)) == dt.date(2027, 2, 28)
    assert value.first_reminder_date(dt.date(2028, 2, 1)) == dt.date(2028, 2, 29)


@pytest.mark.parametrize(
    "day, after, message",
    [
        ("31", "3", "1回目の催促の日は1日から28日の間にしてください"),
        ("abc", "3", "整数を入力してください。"),
        ("-1", "3", "1回目の催促の日は1日から28日の間にしてください"),
        ("99999999999999999999", "3", "1回目の催促の日は1日から28日の間にしてください"),
        ("25", "10", "翌月に入る月があります"),
        ("10", "", "この項目は必須です"),
    ],
)
def test_bad_input_on_the_settings_screen_changes_nothing(client, setting, day, after, message):
    user = secretariat("jimu")
    client.force_login(user)
    url = reverse(
        "wagtailsettings:edit",
        args=["offices", "vacancyremindersettings", Site.objects.get(is_default_site=True).pk],
    )
    response = client.post(url, {"enabled": "on", "reminder_day": day, "second_after_days": after})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    if message != "翌月に入る月があります":
        assert "翌月に入る月があります" not in html  # a bad day is not added up
    setting.refresh_from_db()
    assert (setting.reminder_day, setting.second_after_days) == (10, 5)


def test_the_secretariat_changes_the_setting(client, setting):
    user = secretariat("jimu")
    client.force_login(user)
    url = reverse(
        "wagtailsettings:edit",
        args=["offices", "vacancyremindersettings", Site.objects.get(is_default_site=True).pk],
    )
    page = client.get(url).content.decode()
    assert "1回目の催促の日" in page and "2回目の催促までの日数" in page
    response = client.post(url, {"reminder_day": "20", "second_after_days": "7"})
    assert response.status_code == 302
    setting.refresh_from_db()
    assert (setting.enabled, setting.reminder_day, setting.second_after_days) == (False, 20, 7)


# --- The daily command ------------------------------------------------------------------------


def test_the_command_runs_the_task_for_today_in_japan(setting, homes, monkeypatch, capsys):
    office("aozora", homes["aozora"])
    secretariat("jimu")
    monkeypatch.setattr(reminders, "current_time", lambda: at(10, hour=0))
    call_command("send_vacancy_reminders")
    call_command("send_vacancy_reminders")
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "空き情報の催促を確かめました: 1回目の催促 1件、2回目の催促 0件、事務局への一覧 0件",
        "空き情報の催促を確かめました: 1回目の催促 0件、2回目の催促 0件、事務局への一覧 0件",
    ]
    monkeypatch.setattr(reminders, "current_time", lambda: at(15))
    call_command("send_vacancy_reminders")
    assert "2回目の催促 1件、事務局への一覧 1件" in capsys.readouterr().out
    assert sent_to() == ["aozora@example.jp", "aozora@example.jp", "jimu@example.jp"]


def test_the_command_without_a_site_or_setting_sends_nothing(db, capsys):
    Site.objects.all().delete()
    call_command("send_vacancy_reminders")
    assert "1回目の催促 0件" in capsys.readouterr().out
    assert mail.outbox == []
