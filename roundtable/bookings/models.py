from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from roundtable.cocreation.models import ReservedPlaces, Session
from roundtable.core.privatelinks import PrivateLink
from roundtable.people.models import Person


class AccessNeed(models.TextChoices):
    """The common needs offered as a checklist; anything else goes in the free text."""

    STEP_FREE = "step_free", "Step-free access or a wheelchair space"
    ACCESSIBLE_TOILET = "accessible_toilet", "An accessible toilet nearby"
    HEARING_LOOP = "hearing_loop", "A hearing loop"
    BSL = "bsl", "A British Sign Language (BSL) interpreter"
    CAPTIONS = "captions", "Live captions or a note-taker"
    LARGE_PRINT = "large_print", "Large print materials"
    EASY_READ = "easy_read", "Easy read materials"
    QUIET_SPACE = "quiet_space", "A quiet space to take a break"
    REGULAR_BREAKS = "regular_breaks", "Regular breaks"
    SEATING = "seating", "A particular kind of seat"
    CARER = "carer", "To bring a carer or companion"
    ASSISTANCE_DOG = "assistance_dog", "To bring an assistance dog"
    TRAVEL = "travel", "Help with travel"


class DietaryKind(models.TextChoices):
    """The common dietary needs offered as checkboxes, so the venue gets a count of each; the free
    text says the rest (which nuts, how severe, anything not listed)."""

    VEGETARIAN = "vegetarian", "Vegetarian"
    VEGAN = "vegan", "Vegan"
    HALAL = "halal", "Halal"
    KOSHER = "kosher", "Kosher"
    GLUTEN_FREE = "gluten_free", "Gluten-free"
    NUT_ALLERGY = "nut_allergy", "Nut allergy"
    DAIRY_FREE = "dairy_free", "Dairy-free"
    OTHER = "other", "Other"


def dietary_kinds_in_order(kinds: list[str]) -> list[str]:
    """The known kinds among `kinds`, once each, in the order of the list people see."""
    chosen = set(kinds)
    return [kind for kind in DietaryKind.values if kind in chosen]


def counted_dietary_kinds(kinds: list[str], details: str) -> list[str]:
    """The kinds to count for the venue: details written without a box ticked count as other."""
    ticked = dietary_kinds_in_order(kinds)
    if not ticked and details.strip():
        return [DietaryKind.OTHER.value]
    return ticked


class BookingQuerySet(models.QuerySet["Booking"]):
    def holding_place(self) -> BookingQuerySet:
        return self.filter(status__in=Booking.HOLDING_PLACE)

    def waiting(self) -> BookingQuerySet:
        return self.filter(status=Booking.Status.WAITLISTED).order_by("waitlisted_at", "id")

    def active(self) -> BookingQuerySet:
        return self.exclude(status=Booking.Status.CANCELLED)


class Booking(models.Model):
    """A person's place on a session. One per person per session, whatever happens to it."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "Did not come"

    class Source(models.TextChoices):
        WEB = "web", "Sign-up form"
        API = "api", "API"
        COORDINATOR = "coordinator", "Taken by a coordinator"

    HOLDING_PLACE = (Status.CONFIRMED, Status.ATTENDED, Status.NO_SHOW)

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="bookings")
    status = models.CharField(max_length=12, choices=Status.choices, db_index=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Dietary needs can reveal health or religion, so they go when access needs go (retention.py,
    # forgetting.py). The kinds are counted for the venue; the free text is for the team only.
    dietary_kinds = models.JSONField(default=list, blank=True)
    dietary_needs = models.CharField(max_length=500, blank=True)
    heard_about = models.CharField("how they heard about it", max_length=300, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.WEB)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reserved_place = models.ForeignKey(
        ReservedPlaces,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
        help_text="The balanced-places pool this booking's place came from, if any",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookingQuerySet.as_manager()

    # Not a column: lists that number the waiting list in one pass set it on the bookings they
    # show (the bookings page, the export).
    position: int | None

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_booking_per_person_per_session"),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="waitlisted_booking_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status", "waitlisted_at"]),
            # Covering indexes for the impact dashboard's attendance query (evaluation/indicators.py):
            # a session's check-ins, and one person's check-ins, read from the index alone, without
            # visiting the booking rows (bench/bench_evaluation.py, 500,000 bookings).
            models.Index(fields=["session", "status", "person"], name="booking_session_status_person"),
            models.Index(fields=["person", "status", "session"], name="booking_person_status_session"),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.session} ({self.get_status_display()})"

    @property
    def dietary_kind_labels(self) -> list[str]:
        labels = dict(DietaryKind.choices)
        return [labels[kind] for kind in dietary_kinds_in_order(self.dietary_kinds)]

    def waiting_list_position(self) -> int | None:
        if self.status != self.Status.WAITLISTED:
            return None
        ahead = Booking.objects.filter(session_id=self.session_id, status=self.Status.WAITLISTED).filter(
            Q(waitlisted_at__lt=self.waitlisted_at) | Q(waitlisted_at=self.waitlisted_at, id__lt=self.id)
        )
        return ahead.count() + 1


class AccessNeeds(models.Model):
    """Special category (health) data. Stored only with explicit consent; coordinators only;
    every view is audited; deleted after the session unless the person asked to keep it on file."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="access_needs")
    needs = models.JSONField(default=list, blank=True)
    details = models.TextField(blank=True)
    prefer_not_to_say = models.BooleanField(default=False)
    keep_on_file = models.BooleanField(default=False)
    consent_given_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "access needs"

    def __str__(self) -> str:
        return f"Access needs for booking {self.booking_id}"

    @property
    def need_labels(self) -> list[str]:
        labels = dict(AccessNeed.choices)
        return [labels[n] for n in self.needs if n in labels]

    @property
    def is_empty(self) -> bool:
        return not self.needs and not self.details.strip() and not self.prefer_not_to_say


class ManageLink(PrivateLink):
    """A private link to manage a booking without an account. Random, stored hashed, revocable.
    Each email mints its own, so older emails keep working until the booking is cancelled."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="manage_links")

    def __str__(self) -> str:
        return f"Manage link for booking {self.booking_id}"

    @classmethod
    def lookup_queryset(cls) -> models.QuerySet[ManageLink]:
        return cls.objects.select_related("booking__session__venue", "booking__person").exclude(
            booking__status=Booking.Status.CANCELLED
        )

    @classmethod
    def booking_for(cls, raw: str) -> Booking | None:
        """The booking a link belongs to, or None once it is cancelled or the link revoked."""
        link = cls.find(raw)
        return link.booking if link else None


class ReminderSent(models.Model):
    """One reminder per booking per 'days before', so a restarted worker never reminds twice."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["booking", "days_before"], name="one_reminder_per_day_count")]

    def __str__(self) -> str:
        return f"Reminder {self.days_before} days before for booking {self.booking_id}"


class AccessArrangement(models.Model):
    """What the team is doing about one kind of need for one session, so nothing is forgotten."""

    class Status(models.TextChoices):
        TODO = "todo", "To do"
        ARRANGED = "arranged", "Arranged"
        CANT = "cant", "Can't arrange"

    OTHER = "other"  # the free-text answers, taken as one item
    DIETARY = "dietary"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="access_arrangements")
    need = models.CharField(max_length=30)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TODO)
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["need"]
        constraints = [models.UniqueConstraint(fields=["session", "need"], name="one_arrangement_per_need")]

    def __str__(self) -> str:
        return f"{self.need}: {self.get_status_display()}"

    @property
    def need_label(self) -> str:
        labels = dict(AccessNeed.choices) | {self.OTHER: "Other needs people described", self.DIETARY: "Dietary needs"}
        return labels.get(self.need, self.need)
