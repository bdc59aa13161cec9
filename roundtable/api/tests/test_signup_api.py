from datetime import timedelta

import pytest
from django.utils import timezone

from roundtable.api.tests.helpers import booking_body, post_json
from roundtable.bookings.models import AccessNeeds, Booking, ManageLink
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.models import OutboundEmail
from roundtable.people.models import ConsentRecord, Person

pytestmark = pytest.mark.django_db


def url(session) -> str:
    return f"/api/sessions/{session.pk}/bookings"


def test_sign_up_with_a_free_place_is_confirmed(client):
    session = make_session(capacity=2)

    response = post_json(
        client,
        url(session),
        booking_body(
            1,
            pronouns="they/them",
            interests="Art",
            perspectives=["carer", "student"],
            phone="07700 900123",
            dietary_needs="Vegan",
            heard_about="A friend",
        ),
    )

    assert response.status_code == 201
    booking = Booking.objects.get()
    assert response.json() == {
        "status": "confirmed",
        "waiting_list_position": None,
        "session": session.pk,
    }
    assert booking.source == "api" and booking.dietary_needs == "Vegan" and booking.heard_about == "A friend"
    person = booking.person
    assert (person.name, person.pronouns, person.interests, person.phone) == (
        "Person 1",
        "they/them",
        "Art",
        "07700 900123",
    )
    assert person.perspectives == ["carer", "student"]
    assert OutboundEmail.objects.filter(booking_id=booking.pk, template="booking_confirmation").count() == 1


def test_full_session_puts_newcomer_on_waiting_list_with_their_number(client):
    session = make_session(capacity=1)
    signup(session, 1)
    signup(session, 2)

    response = post_json(client, url(session), booking_body(3))

    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted" and response.json()["waiting_list_position"] == 2


def test_the_manage_link_goes_only_by_email(client):
    session = make_session()
    response = post_json(client, url(session), booking_body(1))
    assert response.status_code == 201
    assert set(response.json()) == {"status", "waiting_list_position", "session"}
    assert "manage" not in response.content.decode()
    assert not ManageLink.objects.exists()  # minted by the worker when the email is sent, never here


def test_same_email_again_answers_as_a_fresh_sign_up_and_emails_the_truth(client):
    session = make_session(capacity=5)
    first = post_json(client, url(session), booking_body(1, email="Sam@Example.org"))
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=20))  # past the quiet time

    again = post_json(client, url(session), booking_body(1, email=" sam@example.org"))
    fresh = post_json(client, url(session), booking_body(2))

    # A stranger who sends someone else's address learns nothing: same status, same body.
    assert again.status_code == fresh.status_code == first.status_code == 201
    assert again.json() == fresh.json() == {"status": "confirmed", "waiting_list_position": None, "session": session.pk}
    booking = Booking.objects.get(person__email="sam@example.org")
    assert Booking.objects.count() == 2
    emails = OutboundEmail.objects.filter(booking_id=booking.pk, template="booking_confirmation").order_by("id")
    assert [e.context.get("again", False) for e in emails] == [False, True]


def test_same_email_again_on_a_full_session_is_told_what_a_newcomer_would_be(client):
    session = make_session(capacity=1)
    holder = post_json(client, url(session), booking_body(1))
    waiting = post_json(client, url(session), booking_body(2))

    again = post_json(client, url(session), booking_body(1))  # holds the place
    again_waiting = post_json(client, url(session), booking_body(2))  # number 1 on the list
    fresh = post_json(client, url(session), booking_body(3))  # a newcomer: number 2

    assert holder.json()["status"] == "confirmed" and waiting.json()["waiting_list_position"] == 1
    assert again.status_code == again_waiting.status_code == fresh.status_code == 201
    assert again.json() == again_waiting.json() == fresh.json()
    assert fresh.json() == {"status": "waitlisted", "waiting_list_position": 2, "session": session.pk}
    assert Booking.objects.get(person__email="person1@example.org").status == "confirmed"


def test_openapi_documents_the_repeat_answer_and_no_booking_id(client):
    spec = client.get("/api/openapi.json").json()
    operation = spec["paths"]["/api/sessions/{session_id}/bookings"]["post"]
    assert "already booked" in operation["summary"]
    assert "exactly as a new sign-up would" in operation["description"]
    assert set(spec["components"]["schemas"]["SignupOut"]["properties"]) == {
        "status",
        "waiting_list_position",
        "session",
    }


def test_access_needs_as_a_list_are_stored_with_consent(client):
    session = make_session()
    response = post_json(
        client, url(session), booking_body(1, access_needs=["bsl", "hearing_loop"], access_needs_consent=True)
    )
    assert response.status_code == 201
    needs = AccessNeeds.objects.get(booking__person__email="person1@example.org")
    assert needs.needs == ["bsl", "hearing_loop"] and needs.keep_on_file is False
    assert ConsentRecord.objects.filter(kind="health_data", given=True, source="api").count() == 1


def test_access_needs_as_an_object_keep_details_and_keep_on_file(client):
    session = make_session()
    body = booking_body(
        1,
        access_needs={"needs": ["quiet_space"], "details": "<b>A chair</b> with arms", "keep_on_file": True},
        access_needs_consent=True,
    )
    response = post_json(client, url(session), body)
    assert response.status_code == 201
    needs = AccessNeeds.objects.get(booking__person__email="person1@example.org")
    assert needs.needs == ["quiet_space"] and needs.details == "<b>A chair</b> with arms" and needs.keep_on_file


def test_access_needs_without_consent_are_refused_and_nothing_is_written(client):
    session = make_session()
    response = post_json(client, url(session), booking_body(1, access_needs=["bsl"]))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["access_needs_consent"]
    assert not Booking.objects.exists() and not Person.objects.exists() and not AccessNeeds.objects.exists()


def test_every_bad_field_is_named_in_one_422(client):
    session = make_session()
    body = {
        "name": "x" * 2000,
        "email": "not an email",
        "perspectives": ["carer", "astronaut"],
        "access_needs": {"needs": ["teleporter"]},
        "access_needs_consent": True,
        "pronouns": 7,
    }

    response = post_json(client, url(session), body)

    assert response.status_code == 422
    detail = {e["field"]: e["message"] for e in response.json()["detail"]}
    assert detail["name"] == "Name must be 100 characters or fewer"
    assert detail["email"] == "Enter an email address like name@example.com"
    assert detail["pronouns"] == "Pronouns must be text"
    assert detail["perspectives"].startswith("Perspectives must be one of 'lived_experience'")
    assert detail["access_needs.needs"].startswith("Access needs must be one of 'step_free'")
    assert not Booking.objects.exists()


def test_missing_name_and_email_say_what_to_enter(client):
    response = post_json(client, url(make_session()), {"name": "   "})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "name", "message": "Enter the name you want to be called"},
        {"field": "email", "message": "Enter an email address like name@example.com"},
    ]


@pytest.mark.parametrize("value", ["Sam\x00", "Sam\ud800", "Sam\x1b[31m"])
def test_characters_a_database_cannot_store_are_a_422(client, value):
    response = post_json(client, url(make_session()), booking_body(1, name=value))
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "name"


def test_body_that_is_not_json_is_a_400_with_a_json_body(client):
    response = client.post(url(make_session()), data=b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": [{"field": "body", "message": "Send the details as a JSON object"}]}


@pytest.mark.parametrize("body", ["[]", "null", '"hello"', "42"])
def test_json_that_is_not_an_object_is_a_422(client, body):
    response = client.post(url(make_session()), data=body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "body"


def test_html_in_a_name_is_stored_as_typed_and_returned_as_json(client):
    session = make_session()
    response = post_json(client, url(session), booking_body(1, name="<script>alert(1)</script>"))
    assert response.status_code == 201 and response["Content-Type"].startswith("application/json")
    assert Person.objects.get().name == "<script>alert(1)</script>"


@pytest.mark.parametrize("status", ["draft"])
def test_draft_session_is_404(client, status):
    response = post_json(client, url(make_session(status=status)), booking_body(1))
    assert response.status_code == 404


def test_unknown_session_is_404(client):
    response = post_json(client, "/api/sessions/987654/bookings", booking_body(1))
    assert response.status_code == 404
    assert response.json() == {"detail": "We could not find that session."}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"status": "cancelled"}, "This session has been cancelled, so it is not taking sign-ups."),
        ({"signup_opens_at": timezone.now() + timedelta(days=1)}, "Sign-up for this session has not opened yet."),
        ({"signup_closes_at": timezone.now() - timedelta(hours=1)}, "Sign-up for this session has closed."),
        ({"days_ahead": -3}, "This session has already happened."),
    ],
)
def test_session_not_taking_sign_ups_is_409_with_a_clear_message(client, extra, message):
    session = make_session(**extra)
    response = post_json(client, url(session), booking_body(1))
    assert response.status_code == 409
    assert response.json() == {"detail": message}
    assert not Booking.objects.exists()


def test_too_many_attempts_from_one_connection_are_429(client, settings):
    settings.SIGNUP_RATE_LIMIT = (2, 3600)
    session = make_session()
    codes = [post_json(client, url(session), booking_body(n)).status_code for n in range(2)]
    # A malformed attempt counts too: the limit is checked before the body is read.
    refused = post_json(client, url(session), {"junk": True})
    assert codes == [201, 201]
    assert refused.status_code == 429
    assert "too many sign-up attempts" in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 0
    assert Booking.objects.count() == 2


def test_rate_limit_switched_off_lets_a_burst_through(client, settings):
    settings.SIGNUP_RATE_LIMIT = None
    session = make_session()
    assert {post_json(client, url(session), booking_body(n)).status_code for n in range(25)} == {201}
