"""The public form 「掲載内容の修正を依頼する」 (/corrections/<facility id>/) and its thank-you page."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from facilities.models import FacilityPage

from . import throttle
from .forms import CorrectionRequestForm
from .models import CorrectionRequest
from .tasks import notify_new_request

# Page ids are integer columns; a longer number is no page (and must not reach the database).
MAX_PAGE_ID = 2**31 - 1

THROTTLED = (
    "短い時間に依頼が続いたため、受け付けを止めています。"
    "1時間ほどたってからもう一度お送りいただくか、事務局へお電話ください。"
)
NOT_FOUND = (
    "この事業所のページは見つかりません。掲載を終えたか、正しくないアドレスです。"
    "ふくしマップから事業所を探して、そのページの「掲載内容の修正を依頼する」からお送りください。"
)


def public_facility(facility_id):
    """The live facility page anyone may view, or None."""
    if facility_id > MAX_PAGE_ID:
        return None
    return (
        FacilityPage.objects.live()
        .public()
        .filter(pk=facility_id)
        .only("pk", "title", "url_path", "path", "depth")
        .first()
    )


def _not_found(request):
    return render(
        request,
        "corrections/message.html",
        {"title": "事業所が見つかりません", "message": NOT_FOUND},
        status=404,
    )


@require_http_methods(["GET", "POST"])
def request_form(request, facility_id):
    facility = public_facility(facility_id)
    if facility is None:
        return _not_found(request)
    context = {"facility": facility}
    if request.method == "GET":
        return render(
            request, "corrections/form.html", {**context, "form": CorrectionRequestForm()}
        )
    form = CorrectionRequestForm(request.POST)
    context["form"] = form
    if form.is_robot():
        # The same answer as for a person, so the robot learns nothing; nothing is stored.
        return redirect("corrections:sent", facility_id=facility.pk)
    if not throttle.client_allowed(request):
        return render(
            request, "corrections/form.html", {**context, "throttled": THROTTLED}, status=429
        )
    if not form.is_valid():
        return render(request, "corrections/form.html", context, status=400)
    if not throttle.facility_allowed(facility.pk):
        return render(
            request, "corrections/form.html", {**context, "throttled": THROTTLED}, status=429
        )
    item = CorrectionRequest.objects.create(
        facility=facility,
        message=form.cleaned_data["message"],
        contact=form.cleaned_data["contact"],
    )
    notify_new_request.enqueue(request_id=item.pk)
    return redirect("corrections:sent", facility_id=facility.pk)


def sent(request, facility_id):
    facility = public_facility(facility_id)
    if facility is None:
        return _not_found(request)
    return render(request, "corrections/sent.html", {"facility": facility})
