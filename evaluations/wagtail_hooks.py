"""Evaluations in the admin, and on ふくしマップ's facility pages (through its hook)."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from facilities.extensions import FACILITY_PAGE_SECTIONS_HOOK
from home.privacy import PAGES_SHOWING_DATA_OF_HOOK

from . import extensions
from .snippets import EvaluationViewSetGroup

register_snippet(EvaluationViewSetGroup)
hooks.register(FACILITY_PAGE_SECTIONS_HOOK, extensions.facility_evaluations)
hooks.register(PAGES_SHOWING_DATA_OF_HOOK, extensions.pages_showing_evaluations)
