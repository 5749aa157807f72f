"""The public sign-up, confirmation and unsubscribe pages (/alerts/)."""

from django.core import signing
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import throttle
from .forms import SubscribeForm
from .mail import CONFIRM_SALT
from .models import CONFIRM_DAYS, Subscriber
from .tasks import send_signup_mail

THROTTLED = "短い時間に申し込みが続いたため、受け付けを止めています。1時間ほどたってからもう一度お試しください。"
BAD_LINK = (
    "このリンクは使えません。期限(送信から{days}日)が切れたか、すでに使われたか、"
    "正しくないリンクです。もう一度お申し込みください。"
)


def _sent(request):
    return redirect("alerts:sent")


@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "GET":
        return render(request, "alerts/subscribe.html", {"form": SubscribeForm()})
    form = SubscribeForm(request.POST)
    if form.is_robot():
        return _sent(request)
    if not throttle.client_allowed(request):
        return render(
            request, "alerts/subscribe.html", {"form": form, "throttled": THROTTLED}, status=429
        )
    if not form.is_valid():
        return render(request, "alerts/subscribe.html", {"form": form}, status=400)
    email = form.cleaned_data["email"].strip().lower()
    # Past the per-address limit nothing is sent, and the answer is the same as ever, so
    # that neither the limit nor the answer tells whether the address is registered.
    if throttle.email_allowed(email):
        _register(email, form.cleaned_data)
    return _sent(request)


def _register(email, data):
    Subscriber.objects.stale_unconfirmed().delete()
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.select_for_update().get_or_create(email=email)
        if subscriber.confirmed_at:
            kind = "already"
        else:
            kind = "confirm"
            subscriber.everything = data["everything"]
            subscriber.news = data["news"]
            subscriber.created_at = timezone.now()
            subscriber.save()
            subscriber.committees.set(data["committees"])
    send_signup_mail.enqueue(subscriber_id=subscriber.pk, kind=kind)


def sent(request):
    return render(request, "alerts/sent.html")


def _subscriber_from_confirm_token(value):
    try:
        token = signing.loads(value, salt=CONFIRM_SALT, max_age=CONFIRM_DAYS * 24 * 60 * 60)
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(token=token).first()


@require_http_methods(["GET", "POST"])
def confirm(request, value):
    subscriber = _subscriber_from_confirm_token(value)
    if subscriber is None:
        return _message(
            request, "登録を確認できませんでした", BAD_LINK.format(days=CONFIRM_DAYS), 404
        )
    if subscriber.confirmed_at:
        return _message(
            request,
            "登録はすでに済んでいます",
            "このメールアドレスの登録はすでに確認が済んでいます。",
            200,
        )
    if request.method == "GET":
        # Mail scanners open links; confirming takes the button press.
        return render(request, "alerts/confirm.html", {"subscriber": subscriber})
    subscriber.confirmed_at = timezone.now()
    subscriber.save(update_fields=["confirmed_at"])
    return _message(
        request,
        "登録が済みました",
        "これから、選んだ会議・部会の記録やお知らせが公開されたときにメールでお知らせします。"
        "配信の停止は、届くメールの最後にあるリンクからいつでもできます。",
        200,
    )


@csrf_exempt  # mail programs send the one-click unsubscribe (RFC 8058) without a form token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:
        return _message(
            request,
            "配信の停止",
            "このリンクの登録は見つかりません。すでに配信を停止したか、正しくないリンクです。",
            404,
        )
    if request.method == "GET":
        return render(request, "alerts/unsubscribe.html", {"subscriber": subscriber})
    subscriber.delete()
    return _message(
        request,
        "配信を停止しました",
        "メールアドレスと選んだ内容を削除しました。これからお知らせメールは届きません。",
        200,
    )


def _message(request, title, message, status):
    return render(
        request, "alerts/message.html", {"title": title, "message": message}, status=status
    )
