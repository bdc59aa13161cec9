"""Does the venue fit what people told us they need? A pure rule: no database, no request.

Four needs have a matching venue fact (Venue.step_free, accessible_toilet, hearing_loop,
quiet_space). A need meets a gap when its fact is:

- "no": the venue does not have it. The person must hear this before the day, not find out at the
  bottom of a flight of stairs.
- "partly": the venue has it only in part (its note says how), which may not be enough for this
  person, so the team checks with them.
- "unknown" ("Not checked yet"): nobody has checked. Saying nothing would be the same silence as
  for "no", so the person is told it is not checked yet and the team is asked to check.

Only "yes" passes quietly. Other needs (BSL, large print, regular breaks…) are not facts about the
building, so they are planned in the access briefing as before and never appear here.

Callers: the confirmation page and emails (what the person reads), the access briefing, the
venue's version without names and the coordinator's pages (counts only, never names).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

NO, PARTLY, UNKNOWN = "no", "partly", "unknown"
GAPS = (NO, PARTLY, UNKNOWN)


@dataclass(frozen=True)
class _Fact:
    field: str  # the Venue field, and the venue's note field when it has one
    note_field: str
    thing: str  # "a step-free route": what the person needs, as a phrase
    none: str  # "no step-free route": what the venue has when the answer is no


# need (bookings.models.AccessNeed value) -> the venue fact that decides it
FACTS: dict[str, _Fact] = {
    "step_free": _Fact("step_free", "step_free_note", "a step-free route", "no step-free route"),
    "accessible_toilet": _Fact(
        "accessible_toilet", "accessible_toilet_note", "an accessible toilet", "no accessible toilet"
    ),
    "hearing_loop": _Fact("hearing_loop", "", "a hearing loop", "no hearing loop"),
    "quiet_space": _Fact("quiet_space", "quiet_space_note", "a quiet space", "no quiet space"),
}

NEXT_STEP = "The team will be in touch within 2 working days to talk about what would work for you."
# The team plans for the people who have a place, so someone waiting hears from them once they get one.
NEXT_STEP_WAITING = "If a place comes up for you, the team will be in touch to talk about what would work for you."


@dataclass(frozen=True)
class Conflict:
    """One need the venue may not meet."""

    need: str
    gap: str  # NO, PARTLY or UNKNOWN
    note: str = ""

    @property
    def thing(self) -> str:
        return FACTS[self.need].thing

    @property
    def for_person(self) -> str:
        """What the person who needs it reads, on the confirmation page and in their emails."""
        fact = FACTS[self.need]
        if self.gap == NO:
            sentence = f"The venue has {fact.none}"
        elif self.gap == PARTLY:
            sentence = f"The venue only partly has {fact.thing}"
        else:
            return f"We have not checked yet whether the venue has {fact.thing}."
        return f"{sentence} ({self.note.rstrip('.')})." if self.note else f"{sentence}."

    @property
    def what_the_venue_has(self) -> str:
        """The second half of the team's sentence: "…; the venue has none"."""
        return {
            NO: "the venue has none",
            PARTLY: "the venue only partly has one",
            UNKNOWN: "nobody has checked whether the venue has one",
        }[self.gap]


@dataclass(frozen=True)
class SessionConflict:
    """A gap for a session: how many people coming need it (a number, never who)."""

    conflict: Conflict
    people: int

    @property
    def need(self) -> str:
        return self.conflict.need

    @property
    def for_team(self) -> str:
        """ "1 person needs a step-free route; the venue has none" """
        who = "1 person needs" if self.people == 1 else f"{self.people} people need"
        return f"{who} {self.conflict.thing}; {self.conflict.what_the_venue_has}"


def conflicts(needs: Iterable[str], venue: Any) -> list[Conflict]:
    """The needs in `needs` that `venue` (anything with the Venue fields) does not plainly meet,
    in the order of FACTS. Needs without a venue fact, and unknown values, are ignored."""
    wanted = set(needs)
    out = []
    for need, fact in FACTS.items():
        if need not in wanted:
            continue
        gap = getattr(venue, fact.field, UNKNOWN) or UNKNOWN
        if gap in GAPS:
            note = (getattr(venue, fact.note_field, "") if fact.note_field else "") or ""
            out.append(Conflict(need=need, gap=gap, note=note.strip()))
    return out


def session_conflicts(venue: Any, counts: Mapping[str, int], settled: Iterable[str] = ()) -> list[SessionConflict]:
    """For a session: each gap at least one person coming has, with how many, except the needs
    the team has already settled (an arrangement recorded as arranged or can't arrange)."""
    done = set(settled)
    wanted = [need for need, count in counts.items() if count and need not in done]
    return [SessionConflict(conflict=c, people=counts[c.need]) for c in conflicts(wanted, venue)]
