"""事務局's screen: how many confirmed subscribers each list has, and removing an address."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from council.models import CommitteePage

from .models import Subscriber

VIEW_PERMISSION = "alerts.view_subscriber"
DELETE_PERMISSION = "alerts.delete_subscriber"


def _forbidden(request):
    return TemplateResponse(request, "alerts/admin/forbidden.html", status=403)


def list_counts():
    confirmed = Subscriber.objects.confirmed()
    rows = [("すべての新しい記録とお知らせ", confirmed.filter(everything=True).count())]
    committees = CommitteePage.objects.order_by("path").annotate(
        alert_count=Count(
            "alerts_subscribers",
            filter=Q(alerts_subscribers__confirmed_at__isnull=False),
        )
    )
    rows += [(committee.title, committee.alert_count) for committee in committees]
    rows.append(("お知らせ", confirmed.filter(news=True).count()))
    return rows


def admin_view(request):
    if not request.user.has_perm(VIEW_PERMISSION):
        return _forbidden(request)
    query = request.GET.get("q", "").strip()
    subscribers = Subscriber.objects.prefetch_related("committees")
    if query:
        subscribers = subscribers.filter(email__icontains=query)
    return TemplateResponse(
        request,
        "alerts/admin/index.html",
        {
            "counts": list_counts(),
            "confirmed_total": Subscriber.objects.confirmed().count(),
            "pending_total": Subscriber.objects.filter(confirmed_at__isnull=True).count(),
            "subscribers": subscribers[:200],
            "query": query,
            "may_delete": request.user.has_perm(DELETE_PERMISSION),
        },
    )


@require_POST
def remove_view(request, pk):
    if not request.user.has_perm(DELETE_PERMISSION):
        return _forbidden(request)
    subscriber = Subscriber.objects.filter(pk=pk).first()
    if subscriber is None:
        messages.error(request, "そのメールアドレスはすでに削除されています。")
    else:
        subscriber.delete()
        messages.success(request, f"{subscriber.email} を削除しました。")
    return redirect("alerts_admin")
