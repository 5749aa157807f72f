"""The messages the alerts send; every message to a subscriber carries its unsubscribe link."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

CONFIRM_SALT = "alerts.confirm"


def absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def confirm_url(subscriber):
    return absolute(
        reverse("alerts:confirm", args=[signing.dumps(subscriber.token, salt=CONFIRM_SALT)])
    )


def unsubscribe_url(subscriber):
    return absolute(reverse("alerts:unsubscribe", args=[subscriber.token]))


def _send(subscriber, subject, template, context, unsubscribe=True):
    context = {"subscriber": subscriber, **context}
    headers = {}
    if unsubscribe:
        context["unsubscribe_url"] = unsubscribe_url(subscriber)
        headers = {
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    EmailMessage(
        subject=f"[児玉郡市自立支援協議会] {subject}",
        body=render_to_string(template, context),
        to=[subscriber.email],
        headers=headers,
    ).send()


def send_confirmation(subscriber):
    _send(
        subscriber,
        "お知らせメールの登録の確認",
        "alerts/mail/confirm.txt",
        {"confirm_url": confirm_url(subscriber)},
        unsubscribe=False,
    )


def send_already_subscribed(subscriber):
    _send(subscriber, "お知らせメールはすでに登録されています", "alerts/mail/already.txt", {})


def send_alert(subscriber, page, url):
    _send(subscriber, page.title, "alerts/mail/alert.txt", {"page": page, "page_url": url})
