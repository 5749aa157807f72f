"""Monthly reminders for the vacancy figures (空き情報の催促), run once a day by the worker.

What is due on a day (Asia/Tokyo) of month M, when the setting is on:

* from the reminder day on: a first reminder to each active office account (with an
  e-mail address) that keeps a facility with a tracked service and no figure for M;
* from the second day (reminder day + N) on: a second reminder to each such account
  whose first reminder for M went out on an earlier day, then one summary to 事務局
  of the facilities that still have no figure.

A run catches up on what an earlier day missed (a stopped server), but sends an office
at most one reminder a day. Each message is sent in the transaction that writes its
``VacancyReminder`` row, whose unique constraints keep any run from sending the same
month's reminder twice.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.models import Site

from editorial.roles import SECRETARIAT
from home.dates import wareki_month
from home.models import SecretariatContact
from vacancies.models import VacancyFigure, month_label, month_start
from vacancies.views import monthly_url

from .models import OfficeAccount, ReminderKind, VacancyReminder, VacancyReminderSettings

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "【児玉郡市自立支援協議会】"


def current_time():
    return timezone.now()


def tokyo_date(moment):
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


@dataclass
class MissingFacility:
    facility: object
    services: list = field(default_factory=list)

    @property
    def services_label(self):
        return "、".join(service.name for service in self.services)


def missing_facilities(month):
    """{facility id: MissingFacility} for the facilities with a tracked service and no figure
    for ``month``, in the order of the monthly screen."""
    missing = {}
    for facility, service in VacancyFigure.objects.missing_rows(month):
        missing.setdefault(facility.pk, MissingFacility(facility)).services.append(service)
    return missing


def _already(kind, month):
    return VacancyReminder.objects.filter(office_account=OuterRef("pk"), month=month, kind=kind)


def offices_to_remind(kind, month, missing, today):
    """[(account, [MissingFacility, …])] for the accounts due ``kind`` of reminder today."""
    accounts = (
        OfficeAccount.objects.active()
        .exclude(user__email="")
        .filter(facilities__in=list(missing))
        .exclude(Exists(_already(kind, month)))
        .distinct()
        .select_related("user")
        .order_by("pk")
    )
    if kind == ReminderKind.SECOND:
        start_of_today = dt.datetime.combine(
            today, dt.time.min, tzinfo=timezone.get_default_timezone()
        )
        earlier_first = _already(ReminderKind.FIRST, month).filter(sent_at__lt=start_of_today)
        accounts = accounts.filter(Exists(earlier_first))
    accounts = list(accounts)
    kept = OfficeAccount.facilities.through.objects.filter(
        officeaccount_id__in=[a.pk for a in accounts], facilitypage_id__in=list(missing)
    ).values_list("officeaccount_id", "facilitypage_id")
    by_account = {}
    for account_id, facility_id in kept:
        by_account.setdefault(account_id, set()).add(facility_id)
    return [
        (account, [item for pk, item in missing.items() if pk in by_account.get(account.pk, ())])
        for account in accounts
    ]


def _contact():
    site = Site.objects.filter(is_default_site=True).first()
    return SecretariatContact.for_site(site) if site else None


def _absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _record_and_send(message, **row):
    """Write the reminder's row and send it in one transaction; False when another run
    already sent it or the mail server refused it (nothing is recorded then)."""
    try:
        with transaction.atomic():
            VacancyReminder.objects.create(**row)
            message.send()
    except IntegrityError:
        return False
    except OSError:  # smtplib's errors and refused connections; the next run tries again
        logger.warning("空き情報の催促のメールを送れませんでした(%s)", row, exc_info=True)
        return False
    return True


def remind_office(account, facilities, kind, month, now, context, connection=None):
    """Send ``account`` the ``kind`` reminder for ``month``; True when it was sent."""
    body = render_to_string(
        "offices/mail/vacancy_reminder.txt",
        {
            **context,
            "facilities": facilities,
            "second": kind == ReminderKind.SECOND,
        },
    )
    subject = f"{SUBJECT_PREFIX}{context['month_name']}の空き情報のご入力のお願い"
    if kind == ReminderKind.SECOND:
        subject = f"{SUBJECT_PREFIX}【再度のお願い】{context['month_name']}の空き情報のご入力"
    message = mail.EmailMessage(
        subject=subject, body=body, to=[account.user.email], connection=connection
    )
    return _record_and_send(
        message,
        office_account=account,
        month=month,
        kind=kind,
        sent_at=now,
        sent_to=account.user.email,
    )


def secretariat_addresses():
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=SECRETARIAT)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )
    return list(dict.fromkeys(users))


def send_summary(month, missing, now, context, connection=None):
    """One message to 事務局 listing the facilities still without a figure; True when sent."""
    addresses = secretariat_addresses()
    if not addresses:
        return False
    reached = set(
        OfficeAccount.facilities.through.objects.filter(
            facilitypage_id__in=list(missing),
            officeaccount__in=OfficeAccount.objects.active().exclude(user__email=""),
        ).values_list("facilitypage_id", flat=True)
    )
    body = render_to_string(
        "offices/mail/vacancy_reminder_summary.txt",
        {
            **context,
            "reminded": [item for pk, item in missing.items() if pk in reached],
            "unreachable": [item for pk, item in missing.items() if pk not in reached],
            "missing_count": len(missing),
        },
    )
    message = mail.EmailMessage(
        subject=f"{SUBJECT_PREFIX}{context['month_name']}の空き情報の未入力の事業所"
        f"({len(missing)}件)",
        body=body,
        to=addresses,
        connection=connection,
    )
    return _record_and_send(
        message,
        office_account=None,
        month=month,
        kind=ReminderKind.SUMMARY,
        sent_at=now,
        sent_to=", ".join(addresses),
    )


def run(now=None):
    """Send what is due at ``now``; returns the numbers sent, by kind."""
    now = now or current_time()
    today = tokyo_date(now)
    month = month_start(today)
    sent = {kind.value: 0 for kind in ReminderKind}
    reminder_settings = VacancyReminderSettings.for_default_site()
    if reminder_settings is None or not reminder_settings.enabled:
        return sent
    if today < reminder_settings.first_reminder_date(month):
        return sent
    second_due = today >= reminder_settings.second_reminder_date(month)
    summary_due = (
        second_due
        and not VacancyReminder.objects.filter(month=month, kind=ReminderKind.SUMMARY).exists()
    )
    missing = missing_facilities(month)
    if not missing and not summary_due:
        return sent
    contact = _contact()
    context = {
        "month": month,
        "month_name": wareki_month(month),
        "month_label": month_label(month),
        "entry_url": _absolute(monthly_url(month)),
        "contact": contact,
    }
    kinds = [ReminderKind.FIRST] + ([ReminderKind.SECOND] if second_due else [])
    with mail.get_connection() as connection:
        for kind in kinds:
            for account, facilities in offices_to_remind(kind, month, missing, today):
                if remind_office(account, facilities, kind, month, now, context, connection):
                    sent[kind.value] += 1
        if summary_due and send_summary(month, missing, now, context, connection):
            sent[ReminderKind.SUMMARY.value] += 1
    return sent
