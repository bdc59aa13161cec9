"""One private link per email to a person's "your involvement" page.

The link opens everything we hold about one person, so it is stored hashed (core/privatelinks.py),
can be revoked, and stops working after INVOLVEMENT_LINK_IDLE_DAYS without being used: someone
who comes back after a long gap asks for a new one on the "get my link" page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from roundtable.core.privatelinks import MAX_TOKEN_LENGTH, PrivateLink, hash_token
from roundtable.people.models import Person


class PersonLink(PrivateLink):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvement_links")
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Involvement link for person {self.person_id}"

    @classmethod
    def find(cls, raw: str) -> Self | None:
        """The working link for a raw token: not revoked, and used (or made) within the idle period."""
        if not raw or len(raw) > MAX_TOKEN_LENGTH:
            return None
        idle_since = timezone.now() - timedelta(days=settings.INVOLVEMENT_LINK_IDLE_DAYS)
        recently = Q(last_used_at__gte=idle_since) | Q(last_used_at__isnull=True, created_at__gte=idle_since)
        links = cls.lookup_queryset().select_related("person")
        return links.filter(recently, token_hash=hash_token(raw), revoked_at__isnull=True).first()

    @classmethod
    def person_for(cls, raw: str) -> Person | None:
        """The person a working link belongs to; using it restarts its idle period."""
        link = cls.find(raw)
        if link is None:
            return None
        now = timezone.now()
        # At most one write an hour per link: the page is read far more often than that.
        if link.last_used_at is None or now - link.last_used_at > timedelta(hours=1):
            cls.objects.filter(pk=link.pk).update(last_used_at=now)
        return link.person
