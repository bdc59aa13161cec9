"""A person's own "your involvement" page, reached by a private link (issue 13)."""

from __future__ import annotations

import importlib
import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from roundtable.bookings.briefing import briefing_answers
from roundtable.bookings.forms import SignupForm
from roundtable.bookings.models import AccessNeeds, Booking
from roundtable.bookings.printables import badges_for
from roundtable.bookings.services import AccessNeedsAnswer
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.email import queue_email, render_email
from roundtable.core.logfilter import redact
from roundtable.core.models import AuditEntry, OutboundEmail
from roundtable.core.privatelinks import hash_token
from roundtable.involvement.models import PersonLink
from roundtable.involvement.services import person_needs_update
from roundtable.newsletter.models import Subscriber
from roundtable.newsletter.services import consent_wording, subscriber_signup
from roundtable.people.models import ConsentRecord, ConsentWording, Person, wording_version
from roundtable.people.services import HEALTH_DATA_WORDING
from roundtable.records.models import Action, ActionStatus, Consent, Decision, Method, Output

pytestmark = pytest.mark.django_db

HEALTH = AccessNeedsAnswer(needs=["step_free"], details="I use a wheelchair", consent=True, keep_on_file=True)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _person(email="ada@example.org", name="Ada Example", **fields) -> Person:
    return signup(make_session(), name=name, email=email, **fields).booking.person


def _home(person: Person) -> str:
    return reverse("involvement:home", args=[PersonLink.mint(person=person)])


def _attended(person: Person, n: int) -> list[Booking]:
    sessions = [make_session(days_ahead=-(i + 2), title=f"Past session {i}") for i in range(n)]
    return [Booking.objects.create(session=s, person=person, status=Booking.Status.ATTENDED) for s in sessions]


# --- Get my link ------------------------------------------------------------------------------------


def test_get_my_link_answers_the_same_for_known_and_unknown_addresses(client, settings):
    settings.INVOLVEMENT_LINK_RATE_LIMIT = None
    settings.INVOLVEMENT_EMAILS_PER_ADDRESS = None
    _person()
    url = reverse("involvement:get_link")
    client.post(url, {"email": "warm-up@example.org"})  # the first request pays for loading templates
    timings: dict[str, list[float]] = {"ada@example.org": [], "nobody@example.org": []}
    answers = {}
    for _ in range(5):
        for email in timings:
            started = time.perf_counter()
            response = client.post(url, {"email": email})
            timings[email].append(time.perf_counter() - started)
            answers[email] = (response.status_code, response["Location"], client.get(response["Location"]).content)
    assert answers["ada@example.org"] == answers["nobody@example.org"]
    assert answers["ada@example.org"][0] == 302
    # Roughly the same time: the medians within 20 ms (both paths do the same reads).
    known, unknown = (sorted(t)[2] for t in timings.values())
    assert abs(known - unknown) < 0.02, (known, unknown)
    queued = OutboundEmail.objects.filter(template="involvement_link")
    assert set(queued.values_list("to", flat=True)) == {"ada@example.org"}


def test_the_link_email_carries_a_fresh_link_that_opens_the_page(client):
    person = _person()
    client.post(reverse("involvement:get_link"), {"email": "ADA@example.org "})
    email = OutboundEmail.objects.get(template="involvement_link")
    assert email.context == {"person_id": person.pk}  # no live token in the outbox
    subject, text, html = render_email(email)
    assert "Your link" in subject
    url = text.split("http://testserver", 1)[1].split()[0] if "http://testserver" in text else None
    path = [line for line in text.splitlines() if "/you/" in line][0].strip()
    path = path[path.index("/you/") :]
    assert path in html
    assert url is None or url == path
    assert client.get(path).status_code == 200


def test_get_my_link_is_limited_per_client_and_per_address(client, settings):
    _person()
    settings.INVOLVEMENT_LINK_RATE_LIMIT = (2, 3600)
    settings.INVOLVEMENT_EMAILS_PER_ADDRESS = (1, 3600)
    url = reverse("involvement:get_link")
    assert client.post(url, {"email": "ada@example.org"}).status_code == 302
    assert client.post(url, {"email": "ada@example.org"}).status_code == 302
    assert client.post(url, {"email": "ada@example.org"}).status_code == 429
    assert OutboundEmail.objects.filter(template="involvement_link").count() == 1


def test_get_my_link_says_what_is_wrong_next_to_the_field(client):
    response = client.post(reverse("involvement:get_link"), {"email": "not an address"})
    assert response.status_code == 400
    assert b"govuk-error-message" in response.content
    assert b"Enter an email address in the correct format" in response.content


def test_booking_confirmation_links_to_your_involvement(client):
    booking = signup(make_session(), name="Ada Example", email="ada@example.org").booking
    email = OutboundEmail.objects.get(template="booking_confirmation", booking_id=booking.pk)
    _subject, text, html = render_email(email)
    assert "Your involvement" in text and "Your involvement" in html
    path = [line for line in text.splitlines() if "/you/" in line][0].strip()
    assert client.get(path[path.index("/you/") :]).status_code == 200


def test_reminders_link_to_your_involvement_too(client):
    booking = signup(make_session(), name="Ada Example", email="ada@example.org").booking
    email = queue_email(to="ada@example.org", template="booking_reminder", context={"booking_id": booking.pk})
    _subject, text, html = render_email(email)
    assert "Your involvement" in text and "Your involvement" in html
    assert PersonLink.objects.filter(person=booking.person).count() == 1


# --- The link -----------------------------------------------------------------------------------------


def test_links_are_stored_hashed_private_and_never_logged(client):
    person = _person()
    token = PersonLink.mint(person=person)
    assert PersonLink.objects.get().token_hash == hash_token(token)
    assert not PersonLink.objects.filter(token_hash=token).exists()
    response = client.get(reverse("involvement:home", args=[token]))
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert token not in redact(f"GET /you/{token}/details/ HTTP/1.1")


def test_a_link_stops_working_after_the_idle_period_and_using_it_restarts_it(client, settings):
    settings.INVOLVEMENT_LINK_IDLE_DAYS = 30
    person = _person()
    token = PersonLink.mint(person=person)
    url = reverse("involvement:home", args=[token])
    PersonLink.objects.update(created_at=timezone.now() - timedelta(days=29))
    assert client.get(url).status_code == 200
    assert PersonLink.objects.get().last_used_at is not None
    PersonLink.objects.update(last_used_at=timezone.now() - timedelta(days=31))
    response = client.get(url)
    assert response.status_code == 404
    assert b"Get a new link by email" in response.content


def test_a_revoked_link_opens_nothing(client):
    person = _person()
    token = PersonLink.mint(person=person)
    PersonLink.revoke_all(person=person)
    assert client.get(reverse("involvement:home", args=[token])).status_code == 404


# --- The page --------------------------------------------------------------------------------------


def test_the_page_shows_upcoming_waiting_and_what_came_of_past_sessions(client):
    person = _person()
    full = make_session(capacity=1, title="A full session")
    signup(full)
    signup(full, name="Ada Example", email="ada@example.org")
    [past] = _attended(person, 1)
    decision = Decision.objects.create(session=past.session, title="Meet in the evenings", method=Method.CONSENSUS)
    Action.objects.create(decision=decision, title="Move the spring sessions", status=ActionStatus.DONE)
    response = client.get(_home(person))
    body = response.content.decode()
    assert "Co-creation session" in body
    assert "You are number 1 on the waiting list" in body and "A full session" in body
    assert "Past session 0" in body and "We decided: Meet in the evenings" in body
    assert "Move the spring sessions" in body and "Done" in body


def test_manage_opens_the_bookings_own_page_and_only_for_your_own(client):
    person = _person()
    other = signup(make_session()).booking
    home = _home(person)
    token = home.split("/")[2]
    mine = person.bookings.get()
    response = client.post(reverse("involvement:manage_booking", args=[token, mine.pk]))
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert client.post(reverse("involvement:manage_booking", args=[token, other.pk])).status_code == 404


@pytest.mark.parametrize("past_sessions", [2, 200])
def test_the_page_costs_the_same_with_2_or_200_past_sessions(client, django_assert_num_queries, past_sessions):
    person = _person()
    for booking in _attended(person, past_sessions):
        decision = Decision.objects.create(session=booking.session, title="A decision", method=Method.CONSENSUS)
        Action.objects.create(decision=decision, title="An action")
    url = _home(person)
    # The link (1), its last use (1, at most once an hour), the bookings with their sessions (1), the
    # decisions (1) and their actions (1).
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.content.decode().count("We decided: A decision") == past_sessions


# --- Your details ---------------------------------------------------------------------------------


def test_changing_details_is_saved_audited_and_confirmed(client):
    person = _person()
    url = reverse("involvement:details", args=[_home(person).split("/")[2]])
    response = client.post(
        url, {"name": "Ada", "pronouns": "she/her", "interests": "Buses", "phone": "", "perspectives": ["carer"]}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.pronouns, person.interests) == ("Ada", "she/her", "Buses")
    assert person.perspectives == ["carer"]
    entry = AuditEntry.objects.get(verb="person.details_changed")
    assert entry.data["fields"] == ["name", "pronouns", "interests", "perspectives"]
    assert "Ada" not in str(entry.data)
    assert b"We have saved your details" in client.get(response["Location"]).content


def test_a_missing_name_is_explained_next_to_the_field(client):
    person = _person()
    url = reverse("involvement:details", args=[_home(person).split("/")[2]])
    response = client.post(url, {"name": "", "pronouns": "", "interests": "", "phone": ""})
    assert response.status_code == 400
    assert b'id="id_name-error"' in response.content
    assert b"Enter the name you want to be called" in response.content


def _details_url(person: Person) -> str:
    return reverse("involvement:details", args=[_home(person).split("/")[2]])


def _details_post(person: Person, **extra) -> dict:
    return {"name": person.name, "pronouns": "", "interests": "", "phone": "", **extra}


def test_dietary_and_kept_access_needs_change_for_briefings_and_badges_and_are_audited(client):
    session = make_session(title="Talking about buses")
    booking = signup(
        session,
        name="Ada Example",
        email="ada@example.org",
        access_needs=HEALTH,
        dietary_kinds=["vegetarian"],
    ).booking
    past = make_session(days_ahead=-40, title="Long ago")
    Booking.objects.create(session=past, person=booking.person, status=Booking.Status.ATTENDED)
    later = signup(make_session(title="Later on", days_ahead=20), email="ada@example.org", name="Ada").booking
    url = _details_url(booking.person)

    page = client.get(url)
    body = page.content.decode()
    assert re.search(r'value="step_free"[^>]*checked', body)
    assert "I use a wheelchair" in body
    viewed = AuditEntry.objects.get(verb="access_needs.viewed")
    assert viewed.actor_label == "participant (involvement page)"
    assert "wheelchair" not in str(viewed.data)

    response = client.post(
        url,
        _details_post(
            booking.person,
            name="Ada B",
            dietary_kinds=["vegan", "other"],
            dietary_needs="No mushrooms",
            access_needs=["hearing_loop"],
            access_details="A seat near the front",
        ),
    )
    assert response.status_code == 302

    # The briefings for both upcoming sessions say so from now on, and the badge has the new name.
    for s in (session, later.session):
        (answer,) = briefing_answers(s)
        assert answer.name == "Ada B"
        assert answer.dietary == "No mushrooms"
        assert answer.dietary_kinds == ["Vegan", "Other"]
        assert answer.needs == ["A hearing loop"]
        assert answer.details == "A seat near the front"
    assert [b.name for b in badges_for(session)] == ["Ada B"]
    kept = AccessNeeds.objects.get(booking=booking)
    assert kept.keep_on_file and kept.needs == ["hearing_loop"]
    # The later place had no answer: it gets a copy, deleted after its session like any other.
    assert AccessNeeds.objects.get(booking=later).keep_on_file is False
    changed = AuditEntry.objects.get(verb="access_needs.updated")
    assert (changed.actor_label, changed.data) == ("participant (involvement page)", {"changed": 1, "added": 1})
    assert AuditEntry.objects.get(verb="dietary_needs.updated").data == {"bookings": 2}
    assert "mushrooms" not in str(list(AuditEntry.objects.values_list("data", flat=True)))
    # The past session is not touched.
    assert not Booking.objects.get(session=past).dietary_needs


def test_saving_the_same_needs_again_writes_and_audits_nothing(client):
    person = signup(make_session(), email="ada@example.org", name="Ada", access_needs=HEALTH).booking.person
    url = _details_url(person)
    data = _details_post(person, access_needs=["step_free"], access_details="I use a wheelchair")
    client.post(url, data)
    assert not AuditEntry.objects.filter(verb__in=["access_needs.updated", "dietary_needs.updated"]).exists()


def test_a_mistake_in_the_needs_saves_nothing_and_is_shown_by_the_field(client):
    person = signup(make_session(), email="ada@example.org", name="Ada", access_needs=HEALTH).booking.person
    response = client.post(
        _details_url(person),
        _details_post(person, name="Ada B", dietary_kinds=["other"], access_needs=["not_a_need"]),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_dietary_needs-error"' in body and "Tell us what your other dietary need is" in body
    assert "Choose access needs from the list" in body
    # In the error summary too, each linking to its field (the first box of a group).
    assert '<a href="#id_dietary_needs">Tell us what your other dietary need is</a>' in body
    assert '<a href="#id_access_needs_0">Choose access needs from the list</a>' in body
    assert 'id="id_access_needs_0"' in body
    assert Person.objects.get(pk=person.pk).name == "Ada"
    assert AccessNeeds.objects.get().needs == ["step_free"]


def test_without_keeping_on_file_the_page_says_how_and_refuses_access_needs(client):
    answer = AccessNeedsAnswer(needs=["step_free"], consent=True, keep_on_file=False)
    person = signup(make_session(), email="ada@example.org", name="Ada", access_needs=answer).booking.person
    url = _details_url(person)
    body = client.get(url).content.decode()
    assert "We do not keep any access needs on file for you" in body
    assert "Keep my access needs on file for next time" in body
    assert 'name="access_needs"' not in body
    assert not AuditEntry.objects.filter(verb="access_needs.viewed").exists()
    # A hand-made post cannot change them either.
    client.post(url, _details_post(person, access_needs=["hearing_loop"]))
    assert AccessNeeds.objects.get().needs == ["step_free"]
    with pytest.raises(PermissionError):
        person_needs_update(person=person, access=AccessNeedsAnswer(needs=["hearing_loop"], consent=True))


def test_with_no_upcoming_session_dietary_needs_are_explained_not_asked(client):
    person = _person()
    Booking.objects.filter(person=person).update(status=Booking.Status.CANCELLED)
    body = client.get(_details_url(person)).content.decode()
    assert "You have no upcoming sessions" in body
    assert 'name="dietary_kinds"' not in body


# --- Consents -----------------------------------------------------------------------------------------


def test_the_ledger_lists_consents_with_their_wording(client):
    person = _person(access_needs=HEALTH, wants_updates=True)
    subscriber = subscriber_signup(email="ada@example.org", source="page", wording=consent_wording())
    Subscriber.objects.filter(pk=subscriber.pk).update(status=Subscriber.Status.ACTIVE)
    body = client.get(reverse("involvement:consents", args=[_home(person).split("/")[2]])).content.decode()
    assert "I agree to Roundtable storing what I have told you about my access needs" in body
    assert "Keep my access needs on file" in body
    assert "what happens as a result" in body
    assert "The newsletter" in body


def _credited_output(person: Person) -> Output:
    return Output.objects.create(
        session=make_session(days_ahead=-3),
        kind=Output.Kind.TEXT,
        caption="What buses mean to us",
        body="The 42 is my lifeline",
        credit=person.name,
        consent=Consent.EVERYONE_AGREED,
    )


def test_every_kind_of_consent_given_is_recorded_and_listed_with_its_version(client):
    person = _person(access_needs=HEALTH, wants_updates=True)
    subscriber = subscriber_signup(email="ada@example.org", source="page", wording=consent_wording())
    Subscriber.objects.filter(pk=subscriber.pk).update(status=Subscriber.Status.ACTIVE)
    _credited_output(person)
    # Given at sign-up, each is a record with the exact words and their version.
    recorded = {r.kind: r for r in ConsentRecord.objects.filter(person=person, given=True)}
    assert set(recorded) == {"health_data", "keep_on_file", "updates"}
    assert recorded["keep_on_file"].wording == str(SignupForm.base_fields["keep_on_file"].label)
    assert recorded["updates"].wording == str(SignupForm.base_fields["wants_updates"].label)
    for record in recorded.values():
        assert record.wording_version == wording_version(record.kind, record.wording)
    body = client.get(reverse("involvement:consents", args=[_home(person).split("/")[2]])).content.decode()
    for kind in ("health_data", "keep_on_file", "updates", "newsletter", "credit"):
        assert f'id="consent-{kind}"' in body
        assert f"/consents/{kind}/withdraw/" in body
    today = timezone.localdate()
    assert body.count(f"The version of {today.day} {today:%B %Y}") == 5
    assert f"(reference {recorded['health_data'].wording_version})" in body
    assert f"(reference {wording_version('newsletter', consent_wording())})" in body


def test_new_wording_is_a_new_version_and_old_records_keep_theirs(client, monkeypatch):
    person = _person(access_needs=HEALTH)
    old = ConsentRecord.objects.get(person=person, kind="health_data")
    ConsentWording.objects.filter(version=old.wording_version).update(
        first_used_at=timezone.now() - timedelta(days=400)
    )
    first_used = timezone.localtime(ConsentWording.objects.get(version=old.wording_version).first_used_at)
    token = _home(person).split("/")[2]
    body = client.get(reverse("involvement:consents", args=[token])).content.decode()
    assert f"The version of {first_used.day} {first_used:%B %Y} (reference {old.wording_version})" in body

    new_words = HEALTH_DATA_WORDING.replace("Only the coordinating team", "Only the team organising it")
    monkeypatch.setattr("roundtable.bookings.services.HEALTH_DATA_WORDING", new_words)
    signup(make_session(title="Another"), email="ada@example.org", name="Ada Example", access_needs=HEALTH)
    new = ConsentRecord.objects.filter(person=person, kind="health_data").latest("id")
    assert new.wording == new_words and new.wording_version != old.wording_version
    old.refresh_from_db()
    assert (old.wording, old.wording_version) == (HEALTH_DATA_WORDING, wording_version("health_data", old.wording))
    assert ConsentWording.objects.filter(kind="health_data").count() == 2
    # The same words again are the same version, noted once.
    signup(make_session(title="A third"), email="ada@example.org", name="Ada Example", access_needs=HEALTH)
    assert ConsentRecord.objects.filter(person=person, kind="health_data").latest("id").wording_version == (
        new.wording_version
    )
    assert ConsentWording.objects.filter(kind="health_data").count() == 2
    body = client.get(reverse("involvement:consents", args=[token])).content.decode()
    today = timezone.localdate()
    assert f"The version of {today.day} {today:%B %Y} (reference {new.wording_version})" in body
    assert "Only the team organising it" in body


def test_the_migration_gives_old_records_their_version_and_date():
    from django.apps import apps

    migration = importlib.import_module("roundtable.people.migrations.0003_consent_wording_version")
    person = _person(access_needs=HEALTH)
    record = ConsentRecord.objects.get(person=person, kind="health_data")
    ConsentRecord.objects.all().update(wording_version="")
    ConsentWording.objects.all().delete()
    migration.versions_for_existing_records(apps, None)
    record.refresh_from_db()
    assert record.wording_version == wording_version("health_data", HEALTH_DATA_WORDING)
    assert ConsentWording.objects.get(version=record.wording_version).first_used_at == record.created_at


def test_withdrawing_credit_makes_the_outputs_anonymous(client):
    person = _person()
    output = _credited_output(person)
    token = _home(person).split("/")[2]
    response = client.post(reverse("involvement:withdraw", args=[token, "credit"]))
    output.refresh_from_db()
    assert output.credit == "" and output.credit_line == "Anonymous"
    assert ConsentRecord.objects.filter(person=person, kind="credit", given=False).exists()
    assert AuditEntry.objects.get(verb="output.credit_removed").data == {"outputs": 1}
    body = client.get(response["Location"]).content.decode()
    assert "credited as anonymous" in body
    assert 'id="consent-credit"' not in body


def test_withdrawing_updates_is_recorded(client):
    person = _person(wants_updates=True)
    client.post(reverse("involvement:withdraw", args=[_home(person).split("/")[2], "updates"]))
    assert ConsentRecord.objects.filter(person=person, kind="updates").latest("id").given is False


def test_withdrawing_health_data_consent_deletes_access_needs_at_once(client):
    person = _person(access_needs=HEALTH)
    assert AccessNeeds.objects.filter(booking__person=person).exists()
    token = _home(person).split("/")[2]
    response = client.post(reverse("involvement:withdraw", args=[token, "health_data"]))
    assert not AccessNeeds.objects.filter(booking__person=person).exists()
    body = client.get(response["Location"]).content.decode()
    assert "We delete every answer about access needs" in body
    assert "Storing access needs" not in body.split("What you agreed to</h1>")[1]
    assert AuditEntry.objects.filter(verb="consent.withdrawn").exists()


def test_withdrawing_the_newsletter_unsubscribes(client):
    person = _person()
    subscriber = subscriber_signup(email="ada@example.org", source="page", wording=consent_wording())
    Subscriber.objects.filter(pk=subscriber.pk).update(status=Subscriber.Status.ACTIVE)
    client.post(reverse("involvement:withdraw", args=[_home(person).split("/")[2], "newsletter"]))
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


# --- Forget me ------------------------------------------------------------------------------------


def test_forget_me_says_what_goes_and_what_stays_before_doing_anything(client):
    person = _person()
    response = client.get(reverse("involvement:forget_me", args=[_home(person).split("/")[2]]))
    assert b"What goes" in response.content and b"What stays" in response.content
    assert Person.objects.get(pk=person.pk).name == "Ada Example"


def test_forget_me_forgets_stops_the_links_and_says_goodbye(client, django_capture_on_commit_callbacks):
    person = _person(access_needs=HEALTH)
    token = _home(person).split("/")[2]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("involvement:forget_me", args=[token]))
    assert response["Location"] == reverse("involvement:forgotten")
    assert client.get(reverse("involvement:home", args=[token])).status_code == 404
    assert not PersonLink.objects.exists()
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    assert "removed" in mail.outbox[0].subject
    assert not Person.objects.filter(email="ada@example.org").exists()
    assert not OutboundEmail.objects.filter(to="ada@example.org").exists()


@pytest.mark.parametrize(
    ("template", "extra"),
    [
        ("session_changed", {"changes": ["The start time is now 11:00"]}),
        ("session_cancelled", {"reason": "The venue flooded"}),
        ("session_message", {"subject": "Parking", "body": "Use the back gate."}),
        ("booking_moved_to_waiting_list", {}),
    ],
)
def test_every_email_about_a_persons_sessions_links_to_your_involvement(client, template, extra):
    booking = signup(make_session(), name="Ada Example", email="ada@example.org").booking
    email = queue_email(to="ada@example.org", template=template, context={"booking_id": booking.pk, **extra})
    _subject, text, html = render_email(email)
    assert "Your involvement" in text and "Your involvement" in html, template
    path = [line for line in text.splitlines() if "/you/" in line][0].strip()
    assert client.get(path[path.index("/you/") :]).status_code == 200


def test_each_participant_email_template_carries_the_link_in_both_parts():
    """The feedback and record emails are built from their own rows; their templates must still
    include the line (the context extender fills it for every one of these)."""
    from pathlib import Path

    from django.conf import settings

    from roundtable.involvement.emails import PARTICIPANT_EMAILS

    folder = Path(settings.BASE_DIR) / "templates" / "emails"
    for template in PARTICIPANT_EMAILS:
        assert '{% include "emails/_involvement.txt" %}' in (folder / f"{template}.txt").read_text(), template
        assert '{% include "emails/_involvement.html" %}' in (folder / f"{template}.html").read_text(), template
