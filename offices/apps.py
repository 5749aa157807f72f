from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = "事業所担当"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(mark_office_session, dispatch_uid="offices.mark_office_session")


def mark_office_session(sender, request, user, **kwargs):
    """Note an office account's session, for ``SuspendedOfficeAccountMiddleware``."""
    from .access import SESSION_KEY
    from .models import OfficeAccount

    account = OfficeAccount.objects.filter(user=user).values_list("pk", flat=True).first()
    if account is not None and request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = account
