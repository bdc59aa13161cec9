"""A need the venue cannot meet is said out loud to the person who has it, and every email after
the sign-up says back what they told us instead of asking as if they had said nothing."""

from datetime import timedelta

import pytest
from django.core import mail

from roundtable.bookings.reminders import send_due_reminders
from roundtable.bookings.services import AccessNeedsAnswer, booking_cancel
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session, make_venue
from roundtable.core.models import OutboundEmail
from roundtable.core.testing import run_tasks

pytestmark = pytest.mark.django_db(transaction=True)

NO_STEPS = "The venue has no step-free route (Two flights of stairs and no lift)."
NEXT = "The team will be in touch within 2 working days to talk about what would work for you."


@pytest.fixture
def upstairs():
    venue = make_venue(
        name="Upstairs Room", step_free="no", step_free_note="Two flights of stairs and no lift", hearing_loop="yes"
    )
    return make_session(title="Planning the Centre", venue=venue, days_ahead=10)


def _post(client, session, **fields):
    data = {"name": "Ruth", "email": "ruth@example.org", **fields}
    response = client.post(f"/sessions/{session.pk}/sign-up/", data)
    assert response.status_code == 302
    return client.get(response.url).content.decode()


def _parts(message) -> tuple[str, str]:
    ((html, _),) = message.alternatives
    return message.body, html


def _only_email():
    run_tasks()
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    return mail.outbox[0]


def _needs(*needs, details=""):
    return AccessNeedsAnswer(needs=list(needs), details=details, consent=True)


def test_confirmation_page_says_the_venue_has_no_step_free_route_and_what_happens_next(client, upstairs):
    page = _post(client, upstairs, access_needs=["step_free", "hearing_loop"], access_consent="on")
    assert "You have a place" in page
    assert 'id="venue-fit"' in page and NO_STEPS in page and NEXT in page
    assert "hearing loop" not in page.split('id="venue-fit"')[1].split("</div>\n    </div>")[0]  # it has one
    told = page.split('id="what-you-told-us"')[1]
    assert "Step-free access or a wheelchair space" in told and "A hearing loop" in told


def test_confirmation_page_says_nothing_about_the_venue_when_it_meets_the_need(client, upstairs):
    page = _post(client, upstairs, access_needs=["hearing_loop"], access_consent="on")
    assert "You have a place" in page and 'id="venue-fit"' not in page and NEXT not in page


def test_confirmation_page_tells_someone_waiting_the_team_calls_once_they_have_a_place(client, upstairs):
    upstairs.capacity = 0
    upstairs.save()
    page = _post(client, upstairs, access_needs=["step_free"], access_consent="on")
    assert "waiting list" in page and NO_STEPS in page and NEXT not in page
    assert "If a place comes up for you, the team will be in touch" in page


def test_without_consent_nothing_is_kept_so_nothing_is_said_back(client, upstairs):
    page = _post(client, upstairs, access_needs=["step_free"], access_prefer_not_to_say="on", access_consent="on")
    assert 'id="venue-fit"' not in page


def test_confirmation_email_says_back_the_needs_and_the_venue_gap(upstairs):
    signup(upstairs, 1, email="ruth@example.org", access_needs=_needs("step_free", "hearing_loop", details="x"))
    text, html = _parts(_only_email())
    for part in (text, html):
        assert (
            "You told us: step-free access or a wheelchair space, a hearing loop, and something more in your own words"
            in part
        )
        assert NO_STEPS in part and NEXT in part
        assert "Is there anything we can do to accommodate your needs?" not in part
        assert "x." not in part  # their own words stay out of the inbox


def test_confirmation_email_without_needs_still_asks(upstairs):
    signup(upstairs, 1, email="ruth@example.org")
    text, html = _parts(_only_email())
    for part in (text, html):
        assert "Is there anything we can do to accommodate your needs?" in part
        assert "You told us" not in part and NEXT not in part


def test_a_place_coming_up_repeats_what_they_told_us(upstairs):
    upstairs.capacity = 1
    upstairs.save()
    holder = signup(upstairs, 1).booking
    signup(upstairs, 2, email="ruth@example.org", access_needs=_needs("hearing_loop", "large_print"))
    run_tasks()
    mail.outbox.clear()
    booking_cancel(booking_id=holder.pk)
    run_tasks()
    [message] = [m for m in mail.outbox if m.to == ["ruth@example.org"]]
    for part in _parts(message):
        assert "You told us: a hearing loop, large print materials." in part
        assert "The venue has" not in part  # it has a hearing loop; large print is not about the building


def test_reminder_repeats_what_they_told_us_and_the_venue_gap(upstairs):
    signup(upstairs, 1, email="ruth@example.org", access_needs=_needs("step_free"))
    run_tasks()
    mail.outbox.clear()
    OutboundEmail.objects.all().delete()
    assert send_due_reminders(now=upstairs.starts_at - timedelta(days=6)) == 1
    text, html = _parts(_only_email())
    for part in (text, html):
        assert "You told us: step-free access or a wheelchair space." in part
        assert NO_STEPS in part
        assert "accommodate your needs" not in part


def test_the_private_link_page_says_what_the_venue_lacks_after_they_tell_us(client, upstairs):
    signup(upstairs, 1, email="ruth@example.org")
    run_tasks()
    path = "/booking/" + mail.outbox[0].body.split("/booking/")[1].split("/")[0] + "/"
    assert 'id="venue-fit"' not in client.get(path).content.decode()
    data = {"access_needs": ["step_free"], "access_consent": "on"}
    page = client.post(path, data, follow=True).content.decode()
    assert "We have saved your answers" in page and NO_STEPS in page and NEXT in page
