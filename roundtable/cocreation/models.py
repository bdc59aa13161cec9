from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone


class Programme(models.Model):
    """An ongoing strand of co-creation with its own aims; sessions belong to one."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Availability(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not checked yet"


class Venue(models.Model):
    """A place, with its accessibility as structured facts rather than a footnote."""

    name = models.CharField(max_length=200)
    address = models.TextField()
    postcode = models.CharField(max_length=12, blank=True)
    step_free = models.CharField(
        "step-free route", max_length=10, choices=Availability.choices, default=Availability.UNKNOWN
    )
    step_free_note = models.CharField(max_length=300, blank=True)
    accessible_toilet = models.CharField(max_length=10, choices=Availability.choices, default=Availability.UNKNOWN)
    accessible_toilet_note = models.CharField(max_length=300, blank=True)
    hearing_loop = models.CharField(max_length=10, choices=Availability.choices, default=Availability.UNKNOWN)
    quiet_space = models.CharField(max_length=10, choices=Availability.choices, default=Availability.UNKNOWN)
    quiet_space_note = models.CharField(max_length=300, blank=True)
    seating = models.CharField(max_length=300, blank=True)
    lighting = models.CharField(max_length=300, blank=True)
    nearest_station = models.CharField(max_length=300, blank=True)
    nearest_bus = models.CharField(max_length=300, blank=True)
    parking = models.CharField(max_length=300, blank=True)
    food_and_drink = models.CharField(max_length=300, blank=True)
    other_notes = models.TextField(blank=True)
    last_checked = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def facts(self) -> list[dict[str, str]]:
        """The accessibility facts in reading order, for pages, emails and the API."""
        rows = [
            ("step_free", "Step-free route", self.get_step_free_display(), self.step_free_note),
            (
                "accessible_toilet",
                "Accessible toilet",
                self.get_accessible_toilet_display(),
                self.accessible_toilet_note,
            ),
            ("hearing_loop", "Hearing loop", self.get_hearing_loop_display(), ""),
            ("quiet_space", "Quiet space", self.get_quiet_space_display(), self.quiet_space_note),
            ("seating", "Seating", self.seating, ""),
            ("lighting", "Lighting", self.lighting, ""),
            ("nearest_station", "Nearest station", self.nearest_station, ""),
            ("nearest_bus", "Nearest bus", self.nearest_bus, ""),
            ("parking", "Parking", self.parking, ""),
            ("food_and_drink", "Food and drink", self.food_and_drink, ""),
        ]
        return [
            {"key": key, "label": label, "value": value or "Not known yet", "note": note}
            for key, label, value, note in rows
        ]


TAKING_A_PLACE = ("confirmed", "attended", "no_show")


class SessionQuerySet(models.QuerySet["Session"]):
    def locked(self, session_id: int) -> Session:
        """The session, locked for the rest of the transaction: the one way every app locks a
        session before deciding anything about its places (PostgreSQL `SELECT … FOR UPDATE`;
        SQLite has no FOR UPDATE, and its IMMEDIATE transaction already holds the only write
        lock). Raw SQL: `select_for_update().get()` compiles the same statement again on every
        call, which cost more than running it (bench/README.md). Raises Session.DoesNotExist."""
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        table, pk = Session._meta.db_table, Session._meta.pk.column
        found = list(self.raw(f"SELECT * FROM {table} WHERE {pk} = %s{lock}", [session_id]))  # noqa: S608
        if not found:
            raise Session.DoesNotExist(f"No session {session_id}")
        return found[0]

    def visible_to(self, user: Any) -> SessionQuerySet:
        """The one rule for which sessions a member of the team may open in the workspace:
        coordinators every session, whatever its status; a facilitator the sessions assigned to
        them, and published sessions still to come (or under way) with nobody assigned (small
        teams share the work), never a draft, cancelled or past one that nobody gave them;
        anyone else none. `Session.is_run_by` says the same for one session already in memory."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if getattr(user, "is_coordinator", False):
            return self
        if getattr(user, "role", None) != "facilitator":
            return self.none()
        through = Session.facilitators.through.objects.filter(session_id=OuterRef("pk"))
        shared = Q(status=Session.Status.PUBLISHED, ends_at__gte=timezone.now()) & ~Exists(through)
        return self.filter(shared | Exists(through.filter(user_id=user.pk)))

    def published(self) -> SessionQuerySet:
        return self.filter(status=Session.Status.PUBLISHED)

    def public(self) -> SessionQuerySet:
        """What the public may see: published sessions and cancelled ones (so links still explain)."""
        return self.filter(status__in=[Session.Status.PUBLISHED, Session.Status.CANCELLED])

    def upcoming(self) -> SessionQuerySet:
        return self.filter(ends_at__gte=timezone.now()).order_by("starts_at", "id")

    def past(self) -> SessionQuerySet:
        return self.filter(ends_at__lt=timezone.now()).order_by("-starts_at", "-id")

    def with_place_counts(self) -> SessionQuerySet:
        return self.annotate(
            places_taken=Count("bookings", filter=Q(bookings__status__in=TAKING_A_PLACE)),
            waiting_count=Count("bookings", filter=Q(bookings__status="waitlisted")),
        )


class Session(models.Model):
    """One co-creation gathering: time, venue, goals, agenda, capacity."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="sessions", null=True, blank=True)
    title = models.CharField(max_length=200)
    summary = models.TextField("what it is about", blank=True)
    goals = models.TextField("goals", blank=True, help_text="One goal per line")
    who_comes = models.TextField(
        "who comes",
        blank=True,
        default="Everyone is welcome and no experience is needed. People come as patients, carers, "
        "researchers, students and community members. Some are new, some have been coming for a while.",
    )
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="sessions")
    capacity = models.PositiveIntegerField(default=30)
    signup_opens_at = models.DateTimeField(null=True, blank=True, help_text="Empty: open now")
    signup_closes_at = models.DateTimeField(null=True, blank=True, help_text="Empty: when it starts")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    cancel_reason = models.TextField(blank=True)
    reminder_days = models.JSONField(
        default=list,
        blank=True,
        help_text="Days before the session to send reminders; empty means the default (7 and 1)",
    )
    sequence = models.PositiveIntegerField(default=0, help_text="Bumped when time or place changes (calendar files)")
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_sessions",
        help_text="Facilitators who run this session: only they see its day pages",
    )
    share_access_details = models.BooleanField(
        "share access needs details with facilitators",
        default=False,
        help_text="Let this session's facilitators read what people wrote about their access needs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # The public page lives with sign-up, in the bookings app (it shows places and the form).
        return reverse("bookings:session_detail", args=[self.pk])

    @property
    def places_left(self) -> int:
        taken = getattr(self, "places_taken", None)
        if taken is None:
            taken = self.bookings.filter(status__in=TAKING_A_PLACE).count()
        return max(self.capacity - taken, 0)

    @property
    def waiting_list_length(self) -> int:
        waiting = getattr(self, "waiting_count", None)
        if waiting is None:
            waiting = self.bookings.filter(status="waitlisted").count()
        return waiting

    @property
    def goal_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.goals.splitlines() if line.strip(" -•\t")]

    DEFAULT_REMINDER_DAYS = (7, 1)

    def is_run_by(self, user) -> bool:
        """A facilitator runs a session they are assigned to; a published session still to come
        with nobody assigned is open to every facilitator (small teams share the work)."""
        assigned = {u.pk for u in self.facilitators.all()}
        if assigned:
            return user.pk in assigned
        return self.status == self.Status.PUBLISHED and self.ends_at >= timezone.now()

    @property
    def reminder_schedule(self) -> list[int]:
        return sorted({int(d) for d in (self.reminder_days or self.DEFAULT_REMINDER_DAYS) if int(d) >= 0}, reverse=True)

    def signup_state(self, now=None) -> str:
        """One of: open, not_yet_open, closed, cancelled, draft, past."""
        now = now or timezone.now()
        if self.status == self.Status.CANCELLED:
            return "cancelled"
        if self.status != self.Status.PUBLISHED:
            return "draft"
        if self.ends_at <= now:
            return "past"
        if self.signup_opens_at and now < self.signup_opens_at:
            return "not_yet_open"
        closes = self.signup_closes_at or self.starts_at
        if now >= closes:
            return "closed"
        return "open"


class AgendaItem(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="agenda")
    starts_at = models.TimeField(help_text="Local time (Europe/London)")
    title = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    is_break = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M} {self.title}"


class ReservedPlaces(models.Model):
    """Balanced places: part of how a session is set up. Some of its places are held back for first-time participants and/or
    chosen perspectives until a release time, after which any left open up to everyone."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reserved_places")
    places = models.PositiveIntegerField()
    for_newcomers = models.BooleanField(default=False, help_text="People who have not come to a session before")
    perspectives = models.JSONField(default=list, blank=True, help_text="Perspective codes this is kept for")
    release_at = models.DateTimeField(help_text="When places still free open up to everyone")

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "reserved places"
        # Held places began in the bookings app; the table kept its name when the model moved here.
        db_table = "bookings_reservedplaces"

    def __str__(self) -> str:
        return f"{self.places} places {self.describe_who()}"

    PEOPLE = {
        "lived_experience": "people with lived experience",
        "carer": "carers",
        "researcher": "researchers",
        "student": "students",
        "community_member": "community members",
        "other": "people with other perspectives",
    }

    def describe_who(self) -> str:
        parts = (["people coming for the first time"] if self.for_newcomers else []) + [
            self.PEOPLE[p] for p in self.perspectives if p in self.PEOPLE
        ]
        return "for " + " or ".join(parts) if parts else "for everyone"

    def is_active(self, now=None) -> bool:
        return (now or timezone.now()) < self.release_at

    def admits(self, *, perspectives: list[str], is_newcomer: bool) -> bool:
        return (self.for_newcomers and is_newcomer) or bool(set(self.perspectives) & set(perspectives))
