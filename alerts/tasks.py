"""Sending the alerts for a published page in the background worker (tests run it at once)."""

from django.db import IntegrityError, transaction
from django_tasks import task
from wagtail.models import Page

from council.models import ActivityReportPage, CommitteePage, MeetingPage, NewsPage

from .mail import send_alert, send_already_subscribed, send_confirmation
from .models import Delivery, Subscriber

ALERT_PAGE_TYPES = (MeetingPage, ActivityReportPage, NewsPage)


def subscribers_for(page):
    if isinstance(page, NewsPage):
        return Subscriber.objects.for_news()
    committee = CommitteePage.objects.filter(pk=page.get_parent().pk).first()
    if committee is None:
        return Subscriber.objects.none()
    return Subscriber.objects.for_committee(committee)


@task()
def send_page_alerts(page_id):
    """Mail every confirmed subscriber of the page's list once; returns how many were sent.

    Only a live page that anyone may view is announced; one published behind a
    privacy setting sends nothing (and is not marked, so it is announced if it
    later becomes public).
    """
    page = Page.objects.live().public().filter(pk=page_id).specific().first()
    if not isinstance(page, ALERT_PAGE_TYPES):
        return 0
    url = page.get_full_url()
    # Someone who subscribed after the page first went out is not told of it when it is
    # published again (a correction to an old record is not news to them).
    subscribers = subscribers_for(page).exclude(deliveries__page_id=page.pk)
    if page.first_published_at:
        subscribers = subscribers.filter(confirmed_at__lte=page.first_published_at)
    sent = 0
    for subscriber in subscribers:
        try:
            with transaction.atomic():
                Delivery.objects.create(page_id=page.pk, subscriber=subscriber)
                send_alert(subscriber, page, url)
        except IntegrityError:
            continue  # another worker announced it to this subscriber meanwhile
        sent += 1
    return sent


@task()
def send_signup_mail(subscriber_id, kind):
    """After a sign-up: the confirmation link, or (already confirmed) a note with the unsubscribe link."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return
    if kind == "already":
        send_already_subscribed(subscriber)
    else:
        send_confirmation(subscriber)
