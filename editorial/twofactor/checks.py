"""``manage.py check --deploy``: two-factor login must be on in production.

CI runs ``check --deploy --fail-level WARNING`` with the production settings, so
shipping ``TWO_FACTOR_REQUIRED=false`` (or settings without the middleware) fails.
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register

MIDDLEWARE = (
    "django_otp.middleware.OTPMiddleware",
    "editorial.twofactor.middleware.TwoFactorMiddleware",
)


@register(Tags.security, deploy=True)
def two_factor_required_check(app_configs, **kwargs):
    problems = []
    if not settings.TWO_FACTOR_REQUIRED:
        problems.append(
            Warning(
                "二要素認証の必須が止められています(TWO_FACTOR_REQUIRED=false)。"
                "事務局・承認者・管理者が、パスワードだけで管理画面に入れます。",
                hint="手元の開発のためだけの設定です。本番では環境変数 TWO_FACTOR_REQUIRED を"
                "消すか true にしてください。",
                id="editorial.W001",
            )
        )
    middleware = list(settings.MIDDLEWARE)
    if not all(name in middleware for name in MIDDLEWARE) or middleware.index(
        MIDDLEWARE[0]
    ) > middleware.index(MIDDLEWARE[1]):
        problems.append(
            Warning(
                "二要素認証のミドルウェアがありません。確認コードを求めずに管理画面が開きます。",
                hint=f"MIDDLEWARE に {MIDDLEWARE[0]} と、その後に {MIDDLEWARE[1]} を入れてください。",
                id="editorial.W002",
            )
        )
    return problems
