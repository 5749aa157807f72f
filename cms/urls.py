from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from editorial import page_passwords
from home import routing, sitemaps
from home import views as home_views
from opendata.api import api

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", home_views.search_view, name="search"),
    path("aids/", home_views.reading_aids_view, name="reading_aids"),
    path("feeds/", include("council.urls")),
    # Dataset files; the page /opendata/ itself is a Wagtail page (opendata.OpenDataPage).
    path("opendata/", include("opendata.urls")),
    path("api/v1/", api.urls),
    path("booklet/", include("booklet.urls")),
    path("alerts/", include("alerts.urls")),
    path("corrections/", include("corrections.urls")),
    path("offices/", include("offices.urls")),
    # The sitemap index and its pages (home/sitemaps.py).
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("favicon.ico", home_views.favicon),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # Wagtail's page-password form, with wrong passwords throttled (before Wagtail's own URL).
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        page_passwords.authenticate_with_password,
    ),
    *(p for p in wagtail_urls.urlpatterns if p.name != "wagtail_serve"),
    # Wagtail's page view, finding the page in a fixed number of queries (home/routing.py).
    re_path(wagtail_urls.serve_pattern, routing.serve, name="wagtail_serve"),
]

handler500 = "home.views.server_error"
