"""The team's records: the audit log (who looked at or changed what) and the outbox (every email,
whether it went, and a way to send it again). Coordinators only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from roundtable.accounts.permissions import coordinator_required
from roundtable.cocreation.models import Session
from roundtable.core.email import resend
from roundtable.core.models import AuditEntry, OutboundEmail
from roundtable.workspace.views.common import safe_next

PER_PAGE = 50

VERB_LABELS = {
    # People's access needs and health information
    "access_needs.viewed": "Looked at access needs",
    "benefit_safe.viewed": "Looked at benefit-safe mode",
    "payment_profile.updated": "Changed their benefit-safe and work answers",
    "payment.not_payable": "Fee became not payable (their work answers)",
    "payment_letter.downloaded": "Downloaded a letter about involvement for a benefits adviser",
    "payment_statement.downloaded": "Downloaded a yearly payments statement",
    "access_needs.exported": "Downloaded access needs",
    "access_needs.updated": "Changed their access needs",
    "access_needs.deleted": "Deleted access needs after the session",
    "access_arrangement.updated": "Changed an access arrangement",
    "dietary_needs.viewed": "Looked at dietary needs",
    "dietary_needs.updated": "Changed their dietary needs",
    "dietary_needs.deleted": "Deleted dietary needs after the session",
    # Paying people for their time
    "payment_rate.created": "Added a rate to the rate card",
    "payment_offer.set": "Set what a session pays",
    "payment.chosen": "Chose what to do with a payment",
    "payment.due": "A payment became due (they came)",
    "payment.not_due": "A payment is no longer due",
    "payment.approved": "Approved a payment",
    "payment.paid": "Marked a payment as paid",
    "payment.rejected": "Rejected a payment",
    "payment.expense_added": "Added an expense",
    "payment.expense_withdrawn": "Withdrew an expense claim",
    "payment.receipt_viewed": "Looked at a receipt for an expense",
    "travel_request.made": "Asked the centre to book their travel",
    "travel_request.withdrawn": "Withdrew a request to book their travel",
    "payment.fee_changed": "Changed the hours a fee pays for",
    "payment.due_anyway": "Made a fee due for someone who did not come",
    "payments.exported": "Downloaded the finance export",
    # Live boards
    "board.create": "Opened a board",
    "board.stage": "Changed the stage of a board",
    "board.idea.hide": "Hid an idea on a board",
    "board.idea.merge": "Merged ideas on a board",
    "board.record": "Recorded a board's result as a decision",
    "access_feedback.viewed": "Looked at feedback about access",
    # Bookings
    "booking.created": "Booked a place",
    "booking.cancelled": "Cancelled a booking",
    "booking.promoted": "Moved up from the waiting list",
    "booking.moved_to_waiting_list": "Moved to the waiting list",
    "booking.attended": "Signed in",
    "booking.no_show": "Marked as did not come",
    "booking.confirmed": "Sign-in undone",
    "booking.walk_in": "Added on the day",
    "bookings.exported": "Downloaded the list of bookings",
    # Sessions, programmes and venues
    "session.created": "Created a session",
    "session.updated": "Changed a session",
    "session.changed": "Changed a session and told the people booked",
    "session.duplicated": "Copied a session",
    "session.messaged": "Sent a message to the people booked",
    "session.published": "Published a session",
    "session.unpublished": "Took a session back to draft",
    "session.cancelled": "Cancelled a session",
    "programme.created": "Created a programme",
    "programme.updated": "Changed a programme",
    "venue.created": "Added a venue",
    "venue.updated": "Changed a venue",
    # Session records
    "output.create": "Added an output to a session record",
    "output.update": "Changed an output",
    "output.delete": "Deleted an output",
    "output.credit_removed": "Took their name off outputs (now anonymous)",
    "decision.create": "Recorded a decision",
    "decision.update": "Changed a decision",
    "decision.delete": "Deleted a decision",
    "action.create": "Added an action",
    "action.update": "Changed an action",
    "story.choose": "Chose what goes in the story so far",
    # Evaluation
    "aim.created": "Added an aim",
    "aim.updated": "Changed an aim",
    "aim.deleted": "Deleted an aim",
    "indicator.created": "Added an indicator",
    "indicator.updated": "Changed an indicator",
    "indicator.deleted": "Deleted an indicator",
    "indicator.value_recorded": "Recorded a figure for an indicator",
    "indicator.value_deleted": "Deleted a figure for an indicator",
    "evidence.created": "Added evidence",
    "evidence.updated": "Changed evidence",
    "evidence.deleted": "Deleted evidence",
    "change_story.created": "Added a Most Significant Change story",
    "change_story.updated": "Changed a Most Significant Change story",
    "change_story.deleted": "Deleted a Most Significant Change story",
    "feedback.exported": "Downloaded feedback",
    "feedback.paper_entered": "Typed in a paper feedback form",
    "feedback.paper_deleted": "Deleted a paper feedback form",
    "gripp2.create": "Wrote a GRIPP2 report",
    "gripp2.update": "Changed a GRIPP2 report",
    "gripp2.delete": "Deleted a GRIPP2 report",
    "assessment.create": "Saved a UK Standards self-assessment",
    "assessment.update": "Changed a UK Standards self-assessment",
    "assessment.delete": "Deleted a UK Standards self-assessment",
    # Blog and newsletter
    "blog.post_created": "Wrote a blog post",
    "blog.post_updated": "Changed a blog post",
    "blog.image_added": "Added a picture to the blog",
    "blog.image_deleted": "Deleted a picture from the blog",
    "blog.comment_submitted": "Sent a reply to a blog post",
    "blog.comment_approved": "Published a reply",
    "blog.comment_rejected": "Turned down a reply",
    "blog.comment_deleted": "Deleted a reply",
    "newsletter.issue_created": "Started a newsletter issue",
    "newsletter.issue_edited": "Changed a newsletter issue",
    "newsletter.test_sent": "Sent a test copy of a newsletter",
    "newsletter.send_started": "Sent a newsletter",
    "newsletter.subscribers_exported": "Downloaded the newsletter subscribers",
    # The team's accounts
    "account.signed_out_elsewhere": "Signed out of their other browsers",
    "two_factor.turned_on": "Turned on two-factor sign-in",
    "two_factor.turned_off": "Turned off their two-factor sign-in",
    "two_factor.reset": "Two-factor sign-in turned off for a lost phone",
    "two_factor.recovery_code_used": "Signed in with a recovery code",
    "two_factor.recovery_codes_renewed": "Made new recovery codes",
    # People
    "person.forgotten": "Removed a person's details (forgotten)",
    "person.stopped_updates": "Stopped getting updates",
    "person.details_changed": "Changed their own details",
    "consent.withdrawn": "Withdrew their agreement",
    "person.data_downloaded": "Downloaded everything held about them",
    "person.data_file_made": "Had a readable copy of everything held about them made",
    # Requests about a person's data (subject access, correction, erasure)
    "data_request.recorded": "Recorded a request about someone's data",
    "data_request.data_sent": "Sent someone the link to their data",
    "data_request.done": "Marked a request about someone's data as done",
    "data_request.viewed": "Read what someone wrote in their request to correct their data",
    "person.merged": "Merged two records of the same person",
    "person.recognition_letter": "Downloaded a letter of involvement",
    "person_notes.viewed": "Looked at the team's notes about a person",
    "person_note.added": "Wrote a note about a person",
    "person_note.deleted": "Deleted a note about a person",
}

# What an entry's extra data may show. Anything else (a typed reason, a message) stays out of the
# page, so nothing a person wrote about their health can surface here by accident.
SAFE_DATA = {
    "status": "Status",
    "version": "Version",
    "format": "Format",
    "by_hand": "By hand",
    "need": "Need",
    "people": "People",
    "count": "Count",
}


def verb_label(verb: str) -> str:
    """What happened, in plain English. Every verb the code writes has a label (a test reads the
    code for them); anything else, such as an entry written by an older version, says so plainly."""
    return VERB_LABELS.get(verb, f"Something else ({verb})")


def _session_choices() -> list[tuple[str, str]]:
    sessions = Session.objects.order_by("-starts_at", "-id").values_list("pk", "title", "starts_at")
    return [("", "All sessions")] + [(str(pk), f"{title} ({starts:%d %b %Y})") for pk, title, starts in sessions]


def _session_titles(ids: Iterable[int | None]) -> dict[int, str]:
    known = {i for i in ids if i is not None}
    return dict(Session.objects.filter(pk__in=known).values_list("pk", "title")) if known else {}


def _page(request: HttpRequest, queryset: QuerySet[Any]) -> Page[Any]:
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


# --- Audit log ----------------------------------------------------------------------------------


class AuditFilterForm(forms.Form):
    session = forms.ChoiceField(
        label="Session", required=False, error_messages={"invalid_choice": "Choose a session from the list"}
    )
    verb = forms.ChoiceField(
        label="What happened", required=False, error_messages={"invalid_choice": "Choose what happened from the list"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["session"]).choices = _session_choices()
        verbs = AuditEntry.objects.order_by("verb").values_list("verb", flat=True).distinct()
        cast(forms.ChoiceField, self.fields["verb"]).choices = [("", "Anything")] + [(v, verb_label(v)) for v in verbs]


@require_GET
@coordinator_required
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    entries = AuditEntry.objects.select_related("actor").order_by("-created_at", "-id")
    status = 200
    if form.is_valid():
        if form.cleaned_data["session"]:
            entries = entries.filter(session_id=int(form.cleaned_data["session"]))
        if form.cleaned_data["verb"]:
            entries = entries.filter(verb=form.cleaned_data["verb"])
    else:
        status = 400
        entries = entries.none()
    page = _page(request, entries)
    titles = _session_titles(entry.session_id for entry in page)
    rows = [
        {
            "entry": entry,
            "who": (entry.actor.name or entry.actor.email) if entry.actor else (entry.actor_label or "Someone"),
            "what": verb_label(entry.verb),
            "session_title": titles.get(entry.session_id, ""),
            "details": [(SAFE_DATA[k], v) for k, v in entry.data.items() if k in SAFE_DATA],
        }
        for entry in page
    ]
    return render(request, "team/audit_log.html", {"form": form, "page": page, "rows": rows}, status=status)


# --- Outbox -------------------------------------------------------------------------------------


class OutboxFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=[("", "Any state")] + list(OutboundEmail.State.choices),
        error_messages={"invalid_choice": "Choose a state from the list"},
    )
    session = forms.ChoiceField(
        label="Session", required=False, error_messages={"invalid_choice": "Choose a session from the list"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["session"]).choices = _session_choices()


RESENDABLE = (OutboundEmail.State.SENT, OutboundEmail.State.FAILED)


def can_send_again(email: OutboundEmail) -> bool:
    """Queued, sending and retrying emails are still on their way: a copy could arrive twice.
    Walk-ins without an address have nowhere to send to."""
    return email.state in RESENDABLE and not email.to.lower().endswith(".invalid")


@require_GET
@coordinator_required
def outbox(request: HttpRequest) -> HttpResponse:
    form = OutboxFilterForm(request.GET)
    emails = OutboundEmail.objects.defer("context").order_by("-created_at", "-id")
    status = 200
    if form.is_valid():
        if form.cleaned_data["state"]:
            emails = emails.filter(state=form.cleaned_data["state"])
        if form.cleaned_data["session"]:
            emails = emails.filter(session_id=int(form.cleaned_data["session"]))
    else:
        status = 400
        emails = emails.none()
    totals = dict(OutboundEmail.objects.order_by().values_list("state").annotate(n=Count("pk")))
    page = _page(request, emails)
    titles = _session_titles(email.session_id for email in page)
    rows = [
        {
            "email": email,
            "what": email.subject or email.template.replace("_", " ").capitalize(),
            "session_title": titles.get(email.session_id, ""),
            "can_send_again": can_send_again(email),
        }
        for email in page
    ]
    states = [(state, label, totals.get(state, 0)) for state, label in OutboundEmail.State.choices]
    return render(
        request,
        "team/outbox.html",
        {"form": form, "page": page, "rows": rows, "states": states, "here": request.get_full_path()},
        status=status,
    )


@require_POST
@coordinator_required(hide=True)
def outbox_send_again(request: HttpRequest, email_id: int) -> HttpResponse:
    email = get_object_or_404(OutboundEmail.objects.defer("context"), pk=email_id)
    back = safe_next(request, request.POST.get("next"))
    if not can_send_again(email):
        messages.error(request, f"The email to {email.to} is still on its way, so it cannot be sent again yet.")
    else:
        copy = resend(email)
        messages.success(
            request,
            f"A new copy of “{email.subject or email.template}” to {copy.to} is queued and will be sent in a moment.",
        )
    return redirect(back or "team:outbox")
