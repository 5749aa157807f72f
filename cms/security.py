"""Content-Security-Policy for the public site and a separate one for the Wagtail admin.

The public pages have no inline script or style, so their policy
(``CONTENT_SECURITY_POLICY``) allows scripts and styles from the site only.
The admin's own templates use inline scripts and styles, which a strict policy
would block; it gets ``ADMIN_CONTENT_SECURITY_POLICY`` instead, which keeps the
directives that do not break editing (plugins, base URL, form targets, framing).
"""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings


def origin_of(url_template):
    """The origin of an XYZ tile URL template, with ``{s}`` subdomains as a wildcard.

    ``https://{s}.tile.example.org/{z}/{x}/{y}.png`` → ``https://*.tile.example.org``.
    Returns "" for a relative or empty URL (served by the site itself).
    """
    parts = urlsplit(url_template.replace("{s}", "__sub__"))
    if not parts.scheme or not parts.netloc:
        return ""
    netloc = parts.netloc.replace("__sub__", "*")
    if "{" in netloc:  # any other placeholder in the host: allow its subdomains
        netloc = "*." + netloc.split(".", 1)[1]
    return f"{parts.scheme}://{netloc}"


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        prefixes = tuple(getattr(settings, "ADMIN_URL_PREFIXES", ("/admin/",)))
        if not report_only and parts.config is None and request.path_info.startswith(prefixes):
            admin_policy = getattr(settings, "ADMIN_CONTENT_SECURITY_POLICY", None)
            if admin_policy:
                return PolicyParts(
                    config=default_config(admin_policy["DIRECTIVES"]),
                    update=parts.update,
                    replace=parts.replace,
                    nonce=parts.nonce,
                )
        return parts


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` (Django has no setting for it) from ``PERMISSIONS_POLICY``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", {})
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = ", ".join(
                f"{feature}=({' '.join(allow)})" for feature, allow in policy.items()
            )
        return response
