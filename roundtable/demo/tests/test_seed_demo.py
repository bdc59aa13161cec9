from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from roundtable.accounts.models import User
from roundtable.bookings.models import AccessNeeds, Booking
from roundtable.cocreation.models import AgendaItem, Session, Venue
from roundtable.core.models import OutboundEmail
from roundtable.people.models import Person


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Session, Venue, AgendaItem, Person, Booking, AccessNeeds, User)
    }


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


# transaction=True: the confirmation emails' tasks are queued on commit, as in a real run.
@pytest.mark.django_db(transaction=True)
def test_seeding_twice_duplicates_nothing_and_keeps_the_password(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    first = _seed()
    counts = _counts()
    # No demo account is a superuser, not even one an older demo made so: being a coordinator is
    # a role on the account, and nothing in the product needs more.
    assert not User.objects.filter(is_superuser=True).exists()
    User.objects.filter(email="coordinator@example.org").update(is_superuser=True)
    second = _seed()
    assert not User.objects.filter(is_superuser=True).exists()

    assert _counts() == counts
    sign_in = [line for line in first.splitlines() if line.startswith("Coordinator sign-in:")]
    assert len(sign_in) == 1
    assert sign_in == [line for line in second.splitlines() if line.startswith("Coordinator sign-in:")]
    password = sign_in[0].rsplit("password: ", 1)[1]
    assert authenticate(email="coordinator@example.org", password=password) is not None
    assert authenticate(email="facilitator@example.org", password=password) is not None


@pytest.mark.django_db(transaction=True)
def test_demo_has_a_session_for_every_state_a_participant_can_meet(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    _seed()

    upcoming = list(Session.objects.published().upcoming().with_place_counts())
    assert len(upcoming) >= 5
    states = {s.title: s.signup_state() for s in upcoming}
    assert "not_yet_open" in states.values()
    full = [s for s in upcoming if s.places_left == 0]
    assert full and full[0].waiting_count > 0
    for session in Session.objects.with_place_counts():
        assert session.places_taken <= session.capacity, session.title
        assert session.agenda.filter(is_break=True).exists()
        assert session.goal_list
    assert Session.objects.past().filter(bookings__status="attended").exists()
    assert Session.objects.past().filter(bookings__status="no_show").exists()
    assert Booking.objects.filter(status="cancelled").exists()

    step_free = set(Venue.objects.values_list("step_free", flat=True))
    assert len(step_free) == Venue.objects.count() >= 3

    people = Person.objects.all()
    assert 70 <= people.count() <= 90
    assert not people.filter(bookings__isnull=True).exists()
    assert people.exclude(pronouns="").exists() and people.exclude(interests="").exists()
    assert AccessNeeds.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_demo_does_not_email_its_made_up_people(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    _seed()

    # The outbox shows a little history (sent and failed reminders); nothing waits to be sent but
    # the feedback requests of yesterday's session (to example.org addresses, and without a mail
    # server the demo writes them to files).
    waiting = OutboundEmail.objects.exclude(state__in=["sent", "failed"])
    assert set(waiting.values_list("template", flat=True)) == {"feedback_request"}
    assert all(to.endswith("@example.org") for to in waiting.values_list("to", flat=True))
    assert not DBTaskResult.objects.filter(status="READY").exists()


@pytest.mark.django_db(transaction=True)
def test_demo_shows_the_team_tools_and_every_part(settings, tmp_path):
    from roundtable.blog.models import Post
    from roundtable.bookings.models import AccessArrangement
    from roundtable.cocreation.models import ReservedPlaces
    from roundtable.evaluation.models import Aim
    from roundtable.newsletter.models import Subscriber
    from roundtable.records.models import Action

    settings.VAR_DIR = tmp_path
    _seed()
    _seed()
    assert ReservedPlaces.objects.count() == 2
    assert set(AccessArrangement.objects.values_list("status", flat=True)) == {"todo", "arranged", "cant"}
    assert set(Action.objects.values_list("status", flat=True)) == {"planned", "in_progress", "done", "not_doing"}
    assert Aim.objects.exists() and Post.objects.exists() and Subscriber.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_session_across_the_clock_change_keeps_its_local_start_time(settings, tmp_path):
    from zoneinfo import ZoneInfo

    settings.VAR_DIR = tmp_path
    _seed()

    london = ZoneInfo("Europe/London")
    session = Session.objects.get(title="Planning the next season together")
    assert session.starts_at.astimezone(london).strftime("%H:%M") == "13:30"


@pytest.mark.django_db(transaction=True)
def test_the_feedback_form_can_be_reached_from_the_demos_emails(settings, tmp_path):
    """A newcomer could not see the participant's feedback form: no demo session ended
    yesterday, so no request was ever sent. Now yesterday's session asks, and the emails wait in
    the outbox (the demo's mailer writes them to var/sent-mail/); seeding again asks nobody twice."""
    settings.VAR_DIR = tmp_path
    out = _seed()
    yesterday = timezone.localdate() - timedelta(days=1)
    session = Session.objects.get(title="Planning the Centre's evaluation")
    assert timezone.localdate(session.ends_at) == yesterday
    requests = OutboundEmail.objects.filter(template="feedback_request", session_id=session.pk)
    attended = session.bookings.filter(status="attended").exclude(person__email__endswith=".invalid").count()
    assert attended > 0 and requests.count() == attended
    assert requests.filter(state="queued").count() == attended
    assert "Feedback requests for yesterday's session" in out
    _seed()
    assert OutboundEmail.objects.filter(template="feedback_request", session_id=session.pk).count() == attended


@pytest.mark.django_db(transaction=True)
def test_demo_bookings_tick_dietary_kinds_so_the_briefing_has_counts(settings, tmp_path):
    from roundtable.bookings.briefing import briefing_counts
    from roundtable.bookings.models import DietaryKind

    settings.VAR_DIR = tmp_path
    _seed()
    ticked = {kind for kinds in Booking.objects.values_list("dietary_kinds", flat=True) for kind in kinds}
    assert {"vegetarian", "halal", "nut_allergy"} <= ticked <= set(DietaryKind.values)
    upcoming = Session.objects.filter(starts_at__gt=timezone.now(), bookings__status="confirmed").distinct()
    assert any(briefing_counts(session).dietary for session in upcoming)
