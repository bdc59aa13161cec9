from __future__ import annotations

from datetime import timedelta

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from roundtable.involvement.models import DataRequest

register = template.Library()


@register.simple_tag
def requests_due(days: int = 7) -> dict[str, int]:
    """How many open requests are overdue, and how many more are due within `days`: one query."""
    today = timezone.localdate()
    return DataRequest.objects.due_by(today + timedelta(days=days)).aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)), soon=Count("pk", filter=Q(due_on__gte=today))
    )
