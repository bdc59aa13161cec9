from django import template

from roundtable.newsletter.services import consent_wording as _consent_wording

register = template.Library()


@register.simple_tag
def consent_wording() -> str:
    """The exact sign-up wording, so the footer shows what the service records as consent."""
    return _consent_wording()
