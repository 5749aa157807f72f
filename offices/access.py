"""Which facilities an office account keeps, answered once per request.

``facility_ids(user)`` is None for every user who is not an office account:
decided from ``offices.keep_facilities`` among the permissions Django has
already loaded for the request, so the other editors pay no query. For an office
account it is the set of its facilities' page ids (empty when the account is
suspended), read with one query and kept on the user object for the request.
"""

from .models import OfficeAccount

KEEP_FACILITIES = "offices.keep_facilities"
SESSION_KEY = "offices.account"
_CACHE = "_office_facility_ids"


def is_office_user(user):
    return bool(
        user.is_authenticated
        and user.is_active
        and not user.is_superuser
        and user.has_perm(KEEP_FACILITIES)
    )


def facility_ids(user):
    """The ids of the facility pages ``user`` keeps, or None when it is not an office account."""
    if not is_office_user(user):
        return None
    if not hasattr(user, _CACHE):
        ids = OfficeAccount.facilities.through.objects.filter(
            officeaccount__user=user,
            officeaccount__suspended_at__isnull=True,
        ).values_list("facilitypage_id", flat=True)
        setattr(user, _CACHE, frozenset(ids))
    return getattr(user, _CACHE)


def facility_page_permissions(user, page):
    """Hook ``facility_page_permissions``: "change" on the facilities the account keeps."""
    ids = facility_ids(user)
    return {"change"} if ids and page.pk in ids else set()
