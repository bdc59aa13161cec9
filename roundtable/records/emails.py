"""The "what happened after the session" email, built when the worker sends it."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from roundtable.core.email import EmailNoLongerNeeded, context_builder
from roundtable.people.models import Person
from roundtable.people.updates import stop_updates_url
from roundtable.records.digest import TEMPLATE
from roundtable.records.models import CLOSED_STATUSES, UpdateBatch


@context_builder(TEMPLATE)
def records_update(context: dict) -> dict:
    batch = UpdateBatch.objects.select_related("session__programme").filter(pk=context.get("batch_id", 0)).first()
    person = Person.objects.filter(pk=context.get("person_id", 0)).first()
    if batch is None or person is None:
        raise EmailNoLongerNeeded("the update or the person no longer exists")
    if not person.wants_updates:
        raise EmailNoLongerNeeded("the person no longer wants to hear about what happened")
    changes = list(
        batch.changes.select_related("action__decision")
        .filter(action__status__in=CLOSED_STATUSES)
        .order_by("action__decision__position", "action__decision_id", "action_id")
    )
    if not changes:
        raise EmailNoLongerNeeded("every action in this update was moved back before it was sent")
    session = batch.session
    done = [c.action for c in changes if c.action.status == "done"]
    not_doing = [c.action for c in changes if c.action.status == "not_doing"]
    programme = session.programme
    more_url = (
        reverse("records:you_said_we_did", args=[programme.slug])
        if programme
        else reverse("records:session_record", args=[session.pk])
    )
    return {
        "person": person,
        "session": session,
        "done": done,
        "not_doing": not_doing,
        "record_url": settings.SITE_URL + reverse("records:session_record", args=[session.pk]),
        "more_url": settings.SITE_URL + more_url,
        "stop_url": stop_updates_url(person),
    }
