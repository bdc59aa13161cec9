"""What a person's "your involvement" page shows, read in a fixed number of queries.

Query budget (pinned by tests/test_page.py, the same at 2 and 200 past sessions): the person's
bookings with their sessions (1), each waiting-list place's position (1 per place on a waiting
list, which only upcoming sessions have), the published decisions of the sessions they came to (1)
and those decisions' actions (1). The consent ledger is its own page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

from roundtable.bookings.models import AccessNeeds, Booking
from roundtable.cocreation.models import Session
from roundtable.newsletter.models import Subscriber, SubscriptionConsent
from roundtable.people.models import ConsentRecord, ConsentWording, Person, wording_version
from roundtable.people.services import CREDIT_WORDING, KEEP_ON_FILE_WORDING, UPDATES_WORDING
from roundtable.records.models import Action, Decision
from roundtable.records.selectors import outputs_credited_to


@dataclass(frozen=True)
class PastSession:
    session: Session
    decisions: list[Decision] = field(default_factory=list)


@dataclass(frozen=True)
class Involvement:
    person: Person
    upcoming: list[Booking]
    waiting: list[tuple[Booking, int | None]]
    past: list[PastSession]


def involvement_for(*, person: Person) -> Involvement:
    now = timezone.now()
    bookings = list(
        Booking.objects.filter(person=person)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("session__venue")
        .order_by("session__starts_at", "id")
    )
    upcoming = [b for b in bookings if b.session.ends_at >= now and b.status == Booking.Status.CONFIRMED]
    waiting = [
        (b, b.waiting_list_position())
        for b in bookings
        if b.session.ends_at >= now and b.status == Booking.Status.WAITLISTED
    ]
    attended = [b.session for b in reversed(bookings) if b.status == Booking.Status.ATTENDED]
    decisions: dict[int, list[Decision]] = {}
    if attended:
        actions = Prefetch("actions", queryset=Action.objects.order_by("due_on", "id"))
        for decision in (
            Decision.objects.public()
            .filter(session__in=[s.pk for s in attended])
            .prefetch_related(actions)
            .order_by("position", "id")
        ):
            decisions.setdefault(decision.session_id, []).append(decision)
    past = [PastSession(session=s, decisions=decisions.get(s.pk, [])) for s in attended]
    return Involvement(person=person, upcoming=upcoming, waiting=waiting, past=past)


# --- Needs on the details page ---------------------------------------------------------------------


def upcoming_bookings(*, person: Person) -> list[Booking]:
    """The places (confirmed or waiting) the person holds for sessions not yet over, soonest first:
    the bookings that dietary needs and access needs changed on the details page go to."""
    return list(
        Booking.objects.filter(
            person=person,
            status__in=[Booking.Status.CONFIRMED, Booking.Status.WAITLISTED],
            session__ends_at__gte=timezone.now(),
        )
        .select_related("session")
        .order_by("session__starts_at", "id")
    )


def kept_access_needs(*, person: Person) -> AccessNeeds | None:
    """The access needs the person asked us to keep on file (the latest, if several bookings hold
    some), or None if they have not asked. Health data: the caller audits showing it."""
    return AccessNeeds.objects.filter(booking__person=person, keep_on_file=True).order_by("-updated_at", "-id").first()


# --- The consent ledger -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentHeld:
    key: str
    title: str
    wording: str
    given_at: datetime | None
    version: str = ""
    # When that wording was first used: the ledger says "version of <date>".
    version_date: datetime | None = None


def _latest_given(records: list[ConsentRecord], kind: str) -> ConsentRecord | None:
    latest = next((r for r in records if r.kind == kind), None)
    return latest if latest is not None and latest.given else None


def consents_held(*, person: Person) -> list[ConsentHeld]:
    """Every consent the person has given and not withdrawn, with the words they agreed to and the
    version of those words. Six queries whatever the history: their consent records, the access
    needs kept on file, the newsletter subscription and its wording, outputs credited to them,
    and the dates of the versions."""
    records = list(person.consents.order_by("-created_at", "-id"))
    found: list[tuple[str, str, str, datetime | None, str]] = []  # key, title, wording, when, version

    def add(kind: str, title: str, wording: str, when: datetime | None, version: str = "") -> None:
        found.append((kind, title, wording, when, version or wording_version(kind, wording)))

    health = _latest_given(records, ConsentRecord.Kind.HEALTH_DATA)
    if health is not None:
        add("health_data", health.get_kind_display(), health.wording, health.created_at, health.wording_version)
    kept = AccessNeeds.objects.filter(booking__person=person, keep_on_file=True).order_by("-consent_given_at").first()
    if kept is not None:
        said = _latest_given(records, ConsentRecord.Kind.KEEP_ON_FILE)
        if said is not None:
            add("keep_on_file", said.get_kind_display(), said.wording, said.created_at, said.wording_version)
        else:  # kept before the "yes" itself was recorded: the words the form has always used
            add("keep_on_file", ConsentRecord.Kind.KEEP_ON_FILE.label, KEEP_ON_FILE_WORDING, kept.consent_given_at)
    if person.wants_updates:
        said = _latest_given(records, ConsentRecord.Kind.UPDATES)
        if said is not None:
            add("updates", said.get_kind_display(), said.wording, said.created_at, said.wording_version)
        else:  # opted in before the "yes" itself was recorded
            add("updates", ConsentRecord.Kind.UPDATES.label, UPDATES_WORDING, None)
    subscriber = Subscriber.objects.filter(email=person.email, status=Subscriber.Status.ACTIVE).first()
    if subscriber is not None:
        agreed = subscriber.consents.filter(event=SubscriptionConsent.Event.SIGNED_UP).order_by("-created_at").first()
        add(
            "newsletter",
            ConsentRecord.Kind.NEWSLETTER.label,
            agreed.wording if agreed else "",
            subscriber.confirmed_at or (agreed.created_at if agreed else None),
        )
    credited = outputs_credited_to(person.name).order_by("-created_at").values_list("created_at", flat=True)
    latest_credit = credited.first()
    if latest_credit is not None and not _withdrawn_since(records, ConsentRecord.Kind.CREDIT, latest_credit):
        said = _latest_given(records, ConsentRecord.Kind.CREDIT)
        if said is not None:  # recorded when the team entered the credit (records/services.py)
            add("credit", said.get_kind_display(), said.wording, said.created_at, said.wording_version)
        else:  # credited before the "yes" itself was recorded
            add("credit", ConsentRecord.Kind.CREDIT.label, CREDIT_WORDING, latest_credit)
    dates = dict(
        ConsentWording.objects.filter(version__in=[f[4] for f in found]).values_list("version", "first_used_at")
    )
    return [
        ConsentHeld(key, title, wording, when, version, dates.get(version, when))
        for key, title, wording, when, version in found
    ]


def _withdrawn_since(records: list[ConsentRecord], kind: str, when: datetime) -> bool:
    latest = next((r for r in records if r.kind == kind), None)
    return latest is not None and not latest.given and latest.created_at >= when
