"""What the day's paperwork is made of: badges, the sign-in sheet and the agenda handout.

Badges carry a person's chosen name, pronouns and up to three interests. Nothing else about a
person exists to print (there is no job title or organisation anywhere), and nothing here reads
access needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from roundtable.bookings.models import Booking
from roundtable.cocreation.models import AgendaItem, Session

# Who gets a badge and a line on the sign-in sheet: everyone with a place (walk-ins are attended).
ON_THE_LIST = (Booking.Status.CONFIRMED, Booking.Status.ATTENDED)
MAX_INTERESTS = 3
INTEREST_LENGTH = 40
# Two lines at the foot of a standard badge.
SESSION_LINE_LENGTH = 90


@dataclass(frozen=True)
class BadgeLayout:
    """A4 label sheets. Sizes are those of common label stationery, so badges print onto it. The side
    margin is a hair under the stationery's 4.65mm so two labels and the gap never round to more
    than the page is wide (which would put one badge on each row)."""

    key: str
    label: str
    per_page: int
    columns: int
    width_mm: float
    height_mm: float
    margin_top_mm: float
    margin_side_mm: float
    gap_mm: float


BADGE_LAYOUTS = {
    "standard": BadgeLayout("standard", "Standard: 8 badges on each A4 sheet", 8, 2, 99.1, 67.7, 13.1, 4.6, 2.5),
    "large": BadgeLayout("large", "Large print: 4 badges on each A4 sheet", 4, 2, 99.1, 139.0, 9.5, 4.6, 2.5),
}


@dataclass
class Badge:
    name: str
    pronouns: str
    interests: list[str]

    @property
    def name_size(self) -> str:
        """Shorter names print larger; a long name still fits on one badge."""
        length = len(self.name)
        return "xl" if length <= 12 else "l" if length <= 20 else "m" if length <= 32 else "s"


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut after a whole word with an ellipsis: a cut word reads as a
    different word ("wheelchair user"). Only one word longer than the limit is cut inside itself."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if text[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,.;:-") + "…"


def split_interests(text: str) -> list[str]:
    """People type interests as a list ("music, gardening; research"): keep the first three."""
    parts = [" ".join(part.split()) for part in re.split(r"[,;\n/·•]+", text or "")]
    return [shorten(part, INTEREST_LENGTH) for part in parts if part][:MAX_INTERESTS]


def badge_session_line(session: Session) -> str:
    return shorten(session.title, SESSION_LINE_LENGTH)


def people_on_the_list(session: Session):
    return (
        Booking.objects.filter(session=session, status__in=ON_THE_LIST)
        .select_related("person")
        .only("status", "person__name", "person__pronouns", "person__interests")
        .order_by("person__name", "pk")
    )


def badges_for(session: Session) -> list[Badge]:
    bookings = sorted(people_on_the_list(session), key=lambda b: (b.person.name.casefold(), b.pk))
    return [
        Badge(name=b.person.name, pronouns=b.person.pronouns, interests=split_interests(b.person.interests))
        for b in bookings
    ]


def sheets(items: list, per_page: int) -> list[list]:
    return [items[i : i + per_page] for i in range(0, len(items), per_page)] or [[]]


@dataclass
class AgendaRow:
    starts: datetime
    ends: datetime
    title: str
    description: str
    is_break: bool

    @property
    def needs_break_label(self) -> bool:
        """Say "Break" unless the title already does ("Break: a brew and a snack")."""
        return self.is_break and not self.title.lower().startswith("break")

    @property
    def minutes(self) -> int:
        return max(int((self.ends - self.starts).total_seconds() // 60), 0)


def agenda_rows(session: Session) -> list[AgendaRow]:
    """The agenda with an end time for each item: the next item's start, or the session's end."""
    tz = timezone.get_current_timezone()
    start = timezone.localtime(session.starts_at, tz)
    end = timezone.localtime(session.ends_at, tz)
    items = list(AgendaItem.objects.filter(session=session).order_by("starts_at", "id"))
    starts: list[datetime] = []
    for item in items:
        moment = datetime.combine(start.date(), item.starts_at, tzinfo=tz)
        if starts and moment < starts[-1]:  # an agenda that runs past midnight
            moment += timedelta(days=1)
        starts.append(moment)
    rows = []
    for index, item in enumerate(items):
        ends = starts[index + 1] if index + 1 < len(items) else max(end, starts[index])
        rows.append(AgendaRow(starts[index], ends, item.title, item.description, item.is_break))
    return rows
