"""URLconf for the 500 test: the site's URLs plus one view that fails."""

from django.urls import path

from cms.urls import handler500  # noqa: F401
from cms.urls import urlpatterns as site_urlpatterns


def failing_view(request):
    raise RuntimeError("テスト用のエラー")


urlpatterns = [path("fail/", failing_view), *site_urlpatterns]
