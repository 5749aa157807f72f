from wagtail.snippets.models import register_snippet

from .snippets import BusinessItemViewSet

register_snippet(BusinessItemViewSet)
