"""The booklet's screens: regenerating it in the admin, downloading the newest one."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from home.dates import wareki
from home.formatting import file_size

from .builder import BookletError, map_index_page
from .models import BUILD_PERMISSION, Booklet
from .tasks import build_booklet_task

LISTED = 10


@require_http_methods(["GET", "POST"])
def admin_view(request):
    if not request.user.has_perm(BUILD_PERMISSION):
        # A 403 with the reason, rather than Wagtail's redirect to the dashboard.
        return TemplateResponse(request, "booklet/admin/forbidden.html", status=403)
    if request.method == "POST":
        try:
            map_index_page()
        except BookletError as error:
            messages.error(request, str(error))
        else:
            build_booklet_task.enqueue(built_by_id=request.user.pk)
            messages.success(
                request,
                "冊子の作成を受け付けました。できあがると下の一覧に載り、ふくしマップのページから"
                "ダウンロードできるようになります(数分かかることがあります)。",
            )
        return redirect("booklet_admin")
    booklets = list(Booklet.objects.select_related("built_by")[:LISTED])
    try:
        map_url = map_index_page().get_full_url(request)
    except BookletError:
        map_url = None
    rows = [
        {
            "booklet": booklet,
            "built_at": timezone.localtime(booklet.built_at),
            "built_label": f"{wareki(booklet.built_at)} {timezone.localtime(booklet.built_at):%H:%M}",
            "size": file_size(booklet.file_size),
            "by": (booklet.built_by.get_full_name() or booklet.built_by.get_username())
            if booklet.built_by
            else "",
        }
        for booklet in booklets
    ]
    return TemplateResponse(
        request,
        "booklet/admin/booklet.html",
        {
            "rows": rows,
            "map_url": map_url,
            "download_url": reverse("booklet_download"),
            "today_label": wareki(timezone.localdate(), weekday=False),
        },
    )


def download_view(request):
    """The newest booklet, for everyone (it holds only what the public pages show)."""
    booklet = Booklet.objects.first()
    if booklet is None:
        raise Http404("ふくしマップの冊子はまだありません。")
    try:
        handle = booklet.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("ふくしマップの冊子のファイルが見つかりません。") from error
    built = timezone.localtime(booklet.built_at)
    response = FileResponse(
        handle,
        content_type="application/pdf",
        filename=f"fukushi-map-{built:%Y%m%d}.pdf",
    )
    response["Cache-Control"] = "public, max-age=600"
    return response
