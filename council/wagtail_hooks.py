from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from home.models import HOME_PAGE_SECTIONS_HOOK
from home.privacy import is_public

from .models import NewsIndexPage, NewsPage
from .snippets import BusinessItemViewSet

LATEST_NEWS_COUNT = 5

register_snippet(BusinessItemViewSet)


@hooks.register(HOME_PAGE_SECTIONS_HOOK)
def latest_news(request, home_page):
    """新着のお知らせ on the home page."""
    news = NewsPage.objects.live().filter(is_public()).defer_streamfields().order_by("-date", "-pk")
    return {
        "template": "council/includes/latest_news.html",
        "news": news[:LATEST_NEWS_COUNT],
        "index": NewsIndexPage.objects.live().filter(is_public()).first(),
    }


@hooks.register("insert_editor_js")
def agenda_add_button_js():
    """The agenda's add buttons labelled 「議題を追加」 in the page editor."""
    return format_html('<script src="{}"></script>', static("js/agenda-add-button.js"))


@hooks.register("insert_global_admin_css")
def agenda_add_button_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/agenda-add-button.css"))
