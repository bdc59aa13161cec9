"""The one-click way to stop "what happened" emails: a signed link in each email, no account."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from roundtable.people.models import Person

SALT = "roundtable.people.stop-updates"


def stop_updates_url(person: Person) -> str:
    return settings.SITE_URL + reverse("people:stop_updates", args=[signing.dumps(person.pk, salt=SALT)])


def person_for_stop_token(token: str) -> Person | None:
    try:
        person_id = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return Person.objects.filter(pk=person_id).first()
