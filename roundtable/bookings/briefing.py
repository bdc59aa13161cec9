"""The access briefing: what people coming to a session need, and what the team is doing about it.

Two readings of the same answers. `briefing_counts` is safe for the venue and the facilitator:
numbers per need and the arrangement for each, never a name or a word anyone typed.
`briefing_answers` is for coordinators only: the free text and dietary answers with names.
Views that show either must write an audit entry (access_needs.viewed / access_needs.exported).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import transaction

from roundtable.bookings import venue_fit
from roundtable.bookings.models import (
    AccessArrangement,
    AccessNeed,
    AccessNeeds,
    Booking,
    DietaryKind,
    counted_dietary_kinds,
)
from roundtable.cocreation.models import Session
from roundtable.core import audit

# Only people who are (or were) in the room count: not the waiting list, cancellations or no-shows.
COUNTED = (Booking.Status.CONFIRMED, Booking.Status.ATTENDED)
NEED_LABELS: dict[str, str] = dict(AccessNeed.choices) | {
    AccessArrangement.DIETARY: "Dietary needs",
    AccessArrangement.OTHER: "Other needs people described",
}
NEED_ORDER = [*(value for value, _ in AccessNeed.choices), AccessArrangement.DIETARY, AccessArrangement.OTHER]
NOTE_MAX_LENGTH = 1000


@dataclass
class NeedRow:
    need: str
    label: str
    count: int
    arrangement: AccessArrangement | None

    @property
    def status(self) -> str:
        return self.arrangement.status if self.arrangement else AccessArrangement.Status.TODO

    @property
    def status_label(self) -> str:
        return AccessArrangement.Status(self.status).label

    @property
    def note(self) -> str:
        return self.arrangement.note if self.arrangement else ""


@dataclass
class DietaryCount:
    kind: str
    label: str
    count: int


@dataclass
class Briefing:
    session: Session
    people_counted: int
    rows: list[NeedRow]
    prefer_not_to_say: int
    # People per dietary kind, in the order of the list people tick; kinds nobody has are left out.
    dietary: list[DietaryCount] = field(default_factory=list)

    @property
    def dietary_other(self) -> int:
        return next((row.count for row in self.dietary if row.kind == DietaryKind.OTHER), 0)

    @property
    def needs_to_meet(self) -> int:
        return sum(1 for row in self.rows if row.count)

    @property
    def still_to_do(self) -> int:
        return sum(1 for row in self.rows if row.count and row.status == AccessArrangement.Status.TODO)


@dataclass
class Answer:
    """One person's answers, for coordinators only."""

    name: str
    pronouns: str
    status: str
    needs: list[str] = field(default_factory=list)
    details: str = ""
    dietary: str = ""
    dietary_kinds: list[str] = field(default_factory=list)
    prefer_not_to_say: bool = False


def _counted_bookings(session: Session):
    return Booking.objects.filter(session=session, status__in=COUNTED)


def briefing_counts(session: Session) -> Briefing:
    """Counts per need for the people coming, with each need's arrangement, and counts per dietary
    kind. Two queries for any number of bookings, plus one for the head count and dietary kinds."""
    tally = dict.fromkeys(NEED_ORDER, 0)
    prefer_not = 0
    answers = AccessNeeds.objects.filter(booking__in=_counted_bookings(session)).values_list(
        "needs", "details", "prefer_not_to_say"
    )
    for needs, details, prefer_not_to_say in answers:
        for need in set(needs):
            if need in tally and need not in (AccessArrangement.DIETARY, AccessArrangement.OTHER):
                tally[need] += 1
        if details.strip():
            tally[AccessArrangement.OTHER] += 1
        prefer_not += bool(prefer_not_to_say)
    people = 0
    kinds: dict[str, int] = dict.fromkeys(DietaryKind.values, 0)
    for dietary, dietary_kinds in _counted_bookings(session).values_list("dietary_needs", "dietary_kinds"):
        people += 1
        counted = counted_dietary_kinds(dietary_kinds or [], dietary)
        if counted:
            tally[AccessArrangement.DIETARY] += 1
        for kind in counted:
            kinds[kind] += 1
    arrangements = {a.need: a for a in AccessArrangement.objects.filter(session=session)}
    # A need nobody has now still shows if the team already wrote something about it.
    rows = [
        NeedRow(need=need, label=NEED_LABELS[need], count=count, arrangement=arrangements.get(need))
        for need, count in tally.items()
        if count or need in arrangements
    ]
    rows.sort(key=lambda row: (-row.count, NEED_ORDER.index(row.need)))
    labels = dict(DietaryKind.choices)
    dietary = [DietaryCount(kind=kind, label=labels[kind], count=count) for kind, count in kinds.items() if count]
    return Briefing(session=session, people_counted=people, rows=rows, prefer_not_to_say=prefer_not, dietary=dietary)


def briefing_answers(session: Session) -> list[Answer]:
    """Everyone coming who told us something, with their name: coordinators only. One query."""
    bookings = (
        _counted_bookings(session)
        .select_related("person", "access_needs")
        .only(
            "status",
            "dietary_needs",
            "dietary_kinds",
            "person__name",
            "person__pronouns",
            "access_needs__needs",
            "access_needs__details",
            "access_needs__prefer_not_to_say",
        )
        .order_by("person__name", "pk")
    )
    answers = []
    for booking in bookings:
        needs = getattr(booking, "access_needs", None)
        if needs is None and not booking.dietary_needs.strip() and not booking.dietary_kinds:
            continue
        answer = Answer(
            name=booking.person.name,
            pronouns=booking.person.pronouns,
            status=booking.get_status_display(),
            dietary=booking.dietary_needs.strip(),
            dietary_kinds=booking.dietary_kind_labels,
        )
        if needs is not None:
            answer.needs = needs.need_labels
            answer.details = needs.details.strip()
            answer.prefer_not_to_say = needs.prefer_not_to_say
        if answer.needs or answer.details or answer.dietary or answer.dietary_kinds or answer.prefer_not_to_say:
            answers.append(answer)
    return answers


class ArrangementForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=AccessArrangement.Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose to do, arranged or can't arrange",
            "invalid_choice": "Choose to do, arranged or can't arrange",
        },
    )
    note = forms.CharField(
        label="Note (optional)",
        help_text="The venue and facilitator see this note, so write what is arranged, not who needs it.",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"The note must be {NOTE_MAX_LENGTH} characters or fewer"},
    )

    def __init__(self, data: Mapping[str, Any] | None = None, *, need: str, **kwargs: Any) -> None:
        # Each row's form gets its own ids, so several on one page never share a label target.
        super().__init__(data, prefix=f"need-{need}", **kwargs)
        self.need = need
        self.fields["status"].label = f"Status: {NEED_LABELS.get(need, need)}"
        # A browser's maxlength silently cuts text off; the server says what is wrong instead.
        self.fields["note"].widget.attrs.pop("maxlength", None)


def is_known_need(need: str) -> bool:
    return need in NEED_LABELS


@transaction.atomic
def arrangement_update(*, session: Session, need: str, status: str, note: str, actor) -> AccessArrangement:
    """Record what the team is doing about one need for one session."""
    if not is_known_need(need):
        raise ValueError(f"Unknown access need: {need!r}")
    if status not in AccessArrangement.Status.values:
        raise ValueError(f"Unknown arrangement status: {status!r}")
    arrangement, _ = AccessArrangement.objects.select_for_update().get_or_create(session=session, need=need)
    arrangement.status = status
    arrangement.note = note.strip()
    arrangement.updated_by = actor
    arrangement.save()
    audit.log(actor, "access_arrangement.updated", arrangement, session_id=session.pk, need=need, status=status)
    return arrangement


# --- What the venue may not meet ----------------------------------------------------------------
# Counts only, so safe for every page that shows briefing counts; the pages still audit the look.


def _settled(arrangement: AccessArrangement | None) -> bool:
    # "To do" is not an answer yet; arranged and can't arrange both mean someone has dealt with it.
    return arrangement is not None and arrangement.status != AccessArrangement.Status.TODO


def briefing_venue_conflicts(counts: Briefing) -> list[venue_fit.SessionConflict]:
    """The gaps between the venue's facts and the needs in a briefing, until each is settled. No
    query beyond the briefing's own (the session's venue must be loaded with it)."""
    return venue_fit.session_conflicts(
        counts.session.venue,
        {row.need: row.count for row in counts.rows},
        settled={row.need for row in counts.rows if _settled(row.arrangement)},
    )


def venue_conflicts_by_session(sessions: list[Session]) -> dict[int, list[venue_fit.SessionConflict]]:
    """For a list of sessions (venues loaded), each session's unsettled gaps, counts only. At most
    two queries for any number of sessions and bookings (none when every venue has everything);
    sessions without a gap are left out."""
    # Only sessions whose venue lacks (or has not checked) one of the facts can have a gap.
    ids = [session.pk for session in sessions if venue_fit.conflicts(venue_fit.FACTS, session.venue)]
    if not ids:
        return {}
    tally: dict[int, Counter[str]] = defaultdict(Counter)
    answers = AccessNeeds.objects.filter(booking__session_id__in=ids, booking__status__in=COUNTED).values_list(
        "booking__session_id", "needs"
    )
    for session_id, needs in answers:
        if mapped := [need for need in set(needs) if need in venue_fit.FACTS]:
            tally[session_id].update(mapped)
    if not tally:
        return {}
    settled: dict[int, set[str]] = defaultdict(set)
    done = (
        AccessArrangement.objects.filter(session_id__in=ids, need__in=list(venue_fit.FACTS))
        .exclude(status=AccessArrangement.Status.TODO)
        .values_list("session_id", "need")
    )
    for session_id, need in done:
        settled[session_id].add(need)
    found = {}
    for session in sessions:
        if tally[session.pk] and (
            gaps := venue_fit.session_conflicts(session.venue, tally[session.pk], settled[session.pk])
        ):
            found[session.pk] = gaps
    return found
