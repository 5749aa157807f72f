from django import template

from council.blocks import AgendaItemBlock

register = template.Library()

AGENDA_KINDS = dict(AgendaItemBlock.KIND_CHOICES)


@register.filter
def agenda_kind(code):
    return AGENDA_KINDS.get(code, "")
