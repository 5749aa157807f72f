"""What the booklet adds to ふくしマップ, through ``facilities.extensions``."""

from django.urls import reverse
from django.utils import timezone

from home.dates import wareki
from home.formatting import file_size

from .models import Booklet


def download_section(index_page, request):
    """The download link of the newest booklet, or nothing before the first one is built."""
    booklet = Booklet.objects.only("built_at", "file_size", "facility_count").first()
    if booklet is None:
        return None
    built_on = timezone.localdate(booklet.built_at)
    return {
        "template": "booklet/index_section.html",
        "url": reverse("booklet_download"),
        "size": file_size(booklet.file_size),
        "built_on": built_on,
        "built_label": wareki(built_on, weekday=False),
        "facility_count": booklet.facility_count,
    }
