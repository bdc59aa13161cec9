from django import template

from roundtable.records import selectors

register = template.Library()

TAG_CLASSES = {
    "planned": "govuk-tag--grey",
    "in_progress": "govuk-tag--blue",
    "done": "govuk-tag--green",
    "not_doing": "govuk-tag--orange",
}


@register.simple_tag
def overdue_actions(limit: int = 10) -> list:
    """For records/_overdue_actions.html, so any page can include it without its view's help."""
    return list(selectors.overdue_actions()[:limit])


@register.filter
def status_tag(status: str) -> str:
    return TAG_CLASSES.get(status, "govuk-tag--grey")
