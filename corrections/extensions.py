"""What correction requests add to ふくしマップ, through ``facilities.extensions``."""

from django.urls import reverse


def facility_correction_link(facility, request):
    """「掲載内容の修正を依頼する」 at the end of a facility page anyone may view.

    A page with a view restriction (on itself or above) gets no link: its form
    answers 404 like a page that does not exist.
    """
    if not facility.live or facility.get_view_restrictions().exists():
        return None
    return {
        "template": "corrections/includes/facility_link.html",
        "place": "end",
        "url": reverse("corrections:form", args=[facility.pk]),
    }
