"""What core forgets itself (the outbox and the audit log), and the helpers every app's forgetter uses."""

from __future__ import annotations

import pytest
from django.utils import timezone

from roundtable.core import audit
from roundtable.core.email import queue_email, send_queued
from roundtable.core.forgetting import FORGOTTEN_EMAIL, forget_in_outbox_and_audit_log, scrub, scrub_rows
from roundtable.core.models import AuditEntry, OutboundEmail

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Ann Example", "ann@example.org"


def test_a_mention_is_the_whole_name_or_the_address_in_any_case_and_never_part_of_a_word():
    text = "ANN EXAMPLE wrote to Ann@Example.org; Ann   Example again; Annie Examples and Joann Example stay"
    assert scrub(text, email=EMAIL, name=NAME) == (
        "[removed] wrote to [removed]; [removed] again; Annie Examples and Joann Example stay"
    )
    assert scrub({"who": [NAME], "n": 3}, email=EMAIL, name=NAME) == {"who": ["[removed]"], "n": 3}


def test_a_name_too_short_to_search_for_safely_is_left_alone_but_the_address_still_goes():
    assert scrub("Al met al@example.org at the Hall", email="al@example.org", name="Al") == (
        "Al met [removed] at the Hall"
    )


def test_queued_emails_to_a_forgotten_person_are_never_sent_and_no_email_keeps_their_address(mailoutbox):
    sent = queue_email(to=EMAIL, template="booking_confirmation", context={"booking_id": 1})
    OutboundEmail.objects.filter(pk=sent.pk).update(state=OutboundEmail.State.SENT, subject=f"See you soon, {NAME}")
    queued = queue_email(to="ANN@example.org", template="booking_cancelled", context={"name": NAME})
    retrying = queue_email(to=EMAIL, template="booking_confirmation")
    OutboundEmail.objects.filter(pk=retrying.pk).update(state=OutboundEmail.State.RETRYING)
    # Claimed by a mailer that died: once its lease is over, the next mailer would send it.
    held = queue_email(to=EMAIL, template="booking_confirmation", context={"booking_id": 2})
    OutboundEmail.objects.filter(pk=held.pk).update(
        state=OutboundEmail.State.SENDING, claimed_at=timezone.now(), lease_until=timezone.now()
    )
    other = queue_email(to="team@example.org", template="blog_new_comment", context={"from": f"{NAME} <{EMAIL}>"})

    assert forget_in_outbox_and_audit_log(1, EMAIL, NAME, None) >= 5

    states = dict(OutboundEmail.objects.values_list("pk", "state"))
    assert states[sent.pk] == OutboundEmail.State.SENT  # what happened stays counted
    assert states[queued.pk] == states[retrying.pk] == states[held.pk] == OutboundEmail.State.FAILED
    assert states[other.pk] == OutboundEmail.State.QUEUED  # someone else's email still goes
    theirs = OutboundEmail.objects.exclude(pk=other.pk)
    assert set(theirs.values_list("to", flat=True)) == {FORGOTTEN_EMAIL}
    assert [e.context for e in theirs] == [{}] * 4  # not even the ids their emails were built from
    assert OutboundEmail.objects.get(pk=sent.pk).subject == "See you soon, [removed]"
    assert OutboundEmail.objects.get(pk=other.pk).context == {"from": "[removed] <[removed]>"}
    OutboundEmail.objects.filter(pk=other.pk).update(state=OutboundEmail.State.SENT)
    assert send_queued() == {}  # nothing of theirs is due to any mailer
    assert mailoutbox == []


def test_the_audit_log_keeps_what_happened_but_not_who_it_happened_to():
    entry = audit.log("coordinator", "person.phoned", None, note=f"Rang {NAME}", count=2)
    AuditEntry.objects.filter(pk=entry.pk).update(target_label=f"{NAME} on Tuesday")
    unrelated = audit.log("coordinator", "session.published", None, note="Annual meeting")

    forget_in_outbox_and_audit_log(1, EMAIL, NAME, None)

    entry.refresh_from_db()
    assert (entry.verb, entry.target_label, entry.data) == ("person.phoned", "", {"note": "Rang [removed]", "count": 2})
    assert AuditEntry.objects.get(pk=unrelated.pk).data == {"note": "Annual meeting"}


def test_scrub_rows_counts_only_the_rows_it_changed():
    audit.log("a", "x", None, note=NAME)
    audit.log("b", "y", None, note="nobody")
    assert scrub_rows(AuditEntry.objects.all(), ["data"], email=EMAIL, name=NAME) == 1
    assert scrub_rows(AuditEntry.objects.all(), ["data"], email=EMAIL, name=NAME) == 0
