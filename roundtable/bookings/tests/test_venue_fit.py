"""The rule that says when a venue may not meet a need someone told us about. No database."""

from types import SimpleNamespace

from roundtable.bookings.venue_fit import Conflict, conflicts, session_conflicts


def _venue(**facts):
    values = {"step_free": "yes", "accessible_toilet": "yes", "hearing_loop": "yes", "quiet_space": "yes"}
    values |= {"step_free_note": "", "accessible_toilet_note": "", "quiet_space_note": ""}
    return SimpleNamespace(**(values | facts))


def test_step_free_at_a_venue_with_stairs_and_no_lift_is_a_conflict_in_the_venues_own_words():
    venue = _venue(step_free="no", step_free_note="Two flights of stairs, no lift.")
    [conflict] = conflicts(["step_free"], venue)
    assert conflict == Conflict(need="step_free", gap="no", note="Two flights of stairs, no lift.")
    assert conflict.for_person == "The venue has no step-free route (Two flights of stairs, no lift)."


def test_a_venue_that_has_everything_passes_quietly():
    assert conflicts(["step_free", "accessible_toilet", "hearing_loop", "quiet_space"], _venue()) == []


def test_needs_that_are_not_about_the_building_never_conflict():
    venue = _venue(step_free="no", hearing_loop="no")
    assert conflicts(["bsl", "large_print", "regular_breaks", "easy_read"], venue) == []


def test_not_checked_yet_is_said_as_not_checked_rather_than_passing_silently():
    [conflict] = conflicts(["hearing_loop"], _venue(hearing_loop="unknown"))
    assert conflict.gap == "unknown"
    assert conflict.for_person == "We have not checked yet whether the venue has a hearing loop."


def test_partly_is_a_conflict_with_the_note_so_the_team_checks():
    [conflict] = conflicts(["quiet_space"], _venue(quiet_space="partly", quiet_space_note="A corner of the foyer"))
    assert conflict.for_person == "The venue only partly has a quiet space (A corner of the foyer)."


def test_each_mapped_need_reads_its_own_fact_in_a_fixed_order():
    venue = _venue(step_free="no", accessible_toilet="no", hearing_loop="no", quiet_space="no")
    found = conflicts(["quiet_space", "hearing_loop", "accessible_toilet", "step_free", "step_free"], venue)
    assert [c.need for c in found] == ["step_free", "accessible_toilet", "hearing_loop", "quiet_space"]
    assert [c.for_person for c in found] == [
        "The venue has no step-free route.",
        "The venue has no accessible toilet.",
        "The venue has no hearing loop.",
        "The venue has no quiet space.",
    ]


def test_session_conflicts_count_people_and_leave_out_needs_the_team_has_settled():
    venue = _venue(step_free="no", hearing_loop="unknown")
    found = session_conflicts(venue, {"step_free": 1, "hearing_loop": 3, "bsl": 2, "quiet_space": 0})
    assert [c.for_team for c in found] == [
        "1 person needs a step-free route; the venue has none",
        "3 people need a hearing loop; nobody has checked whether the venue has one",
    ]
    assert [c.need for c in session_conflicts(venue, {"step_free": 1, "hearing_loop": 3}, settled={"step_free"})] == [
        "hearing_loop"
    ]
