"""Requests about a person's data (subject access, correction, erasure) recorded by the team:
the one-month deadline, the list due soonest first, and answering with the same export and the
same forgetting as the person's own pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from roundtable.bookings.services import AccessNeedsAnswer
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.email import render_email
from roundtable.core.models import AuditEntry, OutboundEmail
from roundtable.core.personaldata import export_everywhere
from roundtable.involvement.models import DataRequest, one_month_after
from roundtable.people.models import Person

pytestmark = pytest.mark.django_db

HEALTH = "Needs a hoist (health detail 5521)"


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2027, 9, 3), date(2027, 10, 3)),
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year
        (date(2027, 3, 31), date(2027, 4, 30)),
        (date(2027, 12, 31), date(2028, 1, 31)),
        (date(2027, 12, 15), date(2028, 1, 15)),
    ],
)
def test_the_deadline_is_one_calendar_month_or_that_months_last_day(received, due):
    assert one_month_after(received) == due


def _person(email="ruth@example.org", name="Ruth Quill") -> Person:
    signup(
        make_session(title="Planning the spring"),
        1,
        email=email,
        name=name,
        access_needs=AccessNeedsAnswer(needs=["step_free"], details=HEALTH, consent=True, keep_on_file=True),
    )
    return Person.objects.get(email=email)


def _date(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _record(client, *, email="ruth@example.org", kind="access", received=None, notes=""):
    received = received or timezone.localdate()
    data = {"email": email, "kind": kind, "notes": notes, **_date("received_on", received)}
    return client.post(reverse("involvement:request_add"), data)


def test_recording_a_request_finds_the_person_works_out_the_deadline_and_is_audited(coordinator_client):
    person = _person()
    response = _record(coordinator_client, email=" Ruth@Example.org ", received=date(2026, 1, 31), notes="By phone")
    data_request = DataRequest.objects.get()
    assert response["Location"] == reverse("involvement:request_detail", args=[data_request.pk])
    assert (data_request.person, data_request.email) == (person, "ruth@example.org")
    assert data_request.due_on == date(2026, 2, 28)
    entry = AuditEntry.objects.get(verb="data_request.recorded")
    assert entry.data["kind"] == "access" and "ruth" not in entry.target_label.lower()
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "28 February 2026" in page and "Ruth Quill" in page and "Overdue" in page


def test_a_request_can_start_from_a_persons_record(coordinator_client):
    person = _person()
    form = coordinator_client.get(reverse("involvement:request_add") + f"?person={person.pk}")
    assert "Ruth Quill" in form.content.decode() and 'id="id_email"' not in form.content.decode()
    data = {"kind": "erasure", **_date("received_on", timezone.localdate())}
    coordinator_client.post(reverse("involvement:request_add") + f"?person={person.pk}", data)
    assert DataRequest.objects.get().person == person


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "", "kind": "access"}, "email", "Enter their email address"),
        ({"email": "not an address", "kind": "access"}, "email", "Enter an email address in the correct format"),
        ({"email": "a@example.org", "kind": "delete everything"}, "kind", "Select a valid choice"),
        ({"email": "a@example.org"}, "kind", "Choose what they asked for"),
    ],
)
def test_mistakes_are_explained_next_to_the_field_and_nothing_is_kept(coordinator_client, data, field, message):
    response = coordinator_client.post(
        reverse("involvement:request_add"), {**data, **_date("received_on", timezone.localdate())}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html and message in html and "There is a problem" in html
    assert not DataRequest.objects.exists()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ({"received_on_day": "31", "received_on_month": "2", "received_on_year": "2027"}, "must be a real date"),
        (
            {"received_on_day": "", "received_on_month": "", "received_on_year": ""},
            "Enter the date the request arrived",
        ),
        (_date("received_on", date.today() + timedelta(days=3)), "must be today or in the past"),
    ],
)
def test_a_wrong_date_is_explained(coordinator_client, day, message):
    response = coordinator_client.post(
        reverse("involvement:request_add"), {"email": "a@example.org", "kind": "access", **day}
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not DataRequest.objects.exists()


def test_the_list_puts_what_is_due_soonest_first_and_marks_what_is_overdue(coordinator_client):
    today = timezone.localdate()
    later = DataRequest.objects.create(email="later@example.org", kind="access", received_on=today)
    overdue = DataRequest.objects.create(
        email="late@example.org", kind="erasure", received_on=today - timedelta(days=40)
    )
    soon = DataRequest.objects.create(
        email="soon@example.org", kind="correction", received_on=today - timedelta(days=27)
    )
    done = DataRequest.objects.create(
        email="done@example.org", kind="access", received_on=today - timedelta(days=10), completed_on=today
    )
    html = coordinator_client.get(reverse("involvement:request_list")).content.decode()
    waiting, finished = html.split('<h2 class="govuk-heading-m">Done</h2>')
    assert waiting.index(overdue.email) < waiting.index(soon.email) < waiting.index(later.email)
    assert done.email not in waiting and done.email in finished
    rows = waiting.split('<tr class="govuk-table__row">')
    assert "Overdue" in next(r for r in rows if overdue.email in r)
    assert "Due within 7 days" in next(r for r in rows if soon.email in r)
    assert "Overdue" not in next(r for r in rows if later.email in r)
    assert "Due within" not in next(r for r in rows if later.email in r)


def test_the_home_page_says_how_many_are_overdue_or_due_within_7_days(coordinator_client):
    today = timezone.localdate()
    html = coordinator_client.get("/coordinator/").content.decode()
    assert "None are due within 7 days" in html
    DataRequest.objects.create(email="a@example.org", kind="access", received_on=today - timedelta(days=40))
    DataRequest.objects.create(email="b@example.org", kind="access", received_on=today - timedelta(days=26))
    DataRequest.objects.create(email="c@example.org", kind="access", received_on=today - timedelta(days=27))
    DataRequest.objects.create(email="d@example.org", kind="access", received_on=today)
    DataRequest.objects.create(
        email="e@example.org", kind="access", received_on=today - timedelta(days=60), completed_on=today
    )
    html = coordinator_client.get("/coordinator/").content.decode()
    assert "1 is overdue, and 2 are due within 7 days." in html


def test_marking_done_keeps_the_date_and_refuses_impossible_ones(coordinator_client):
    today = timezone.localdate()
    data_request = DataRequest.objects.create(
        email="a@example.org", kind="correction", received_on=today - timedelta(days=5)
    )
    url = reverse("involvement:request_done", args=[data_request.pk])
    too_early = coordinator_client.post(url, _date("completed_on", today - timedelta(days=6)))
    assert too_early.status_code == 400 and "on or after the day the request arrived" in too_early.content.decode()
    assert coordinator_client.post(url, {"completed_on_day": "x"}).status_code == 400
    data_request.refresh_from_db()
    assert data_request.completed_on is None
    response = coordinator_client.post(url, _date("completed_on", today - timedelta(days=1)))
    assert response["Location"] == reverse("involvement:request_list")
    data_request.refresh_from_db()
    assert data_request.completed_on == today - timedelta(days=1)
    assert AuditEntry.objects.filter(verb="data_request.done").count() == 1


def test_send_their_data_emails_their_link_never_the_data(coordinator_client, client):
    person = _person()
    _record(coordinator_client)
    data_request = DataRequest.objects.get()
    coordinator_client.post(reverse("involvement:request_send_data", args=[data_request.pk]))
    email = OutboundEmail.objects.get(template="data_request_ready")
    assert email.to == person.email and email.context == {"person_id": person.pk}
    subject, text, html = render_email(email)
    assert "The data" in subject
    for part in (text, html):
        assert "Download my data" in part and HEALTH not in part
    path = [line for line in text.splitlines() if "/you/" in line][0].strip()
    path = path[path.index("/you/") :]
    assert path in html
    assert client.get(path).status_code == 200
    assert AuditEntry.objects.filter(verb="data_request.data_sent").count() == 1


def test_sending_to_an_address_nobody_has_says_so(coordinator_client):
    _record(coordinator_client, email="stranger@example.org")
    data_request = DataRequest.objects.get()
    response = coordinator_client.post(reverse("involvement:request_send_data", args=[data_request.pk]), follow=True)
    assert "nothing to send" in response.content.decode()
    assert not OutboundEmail.objects.filter(to="stranger@example.org").exists()


def test_the_teams_copy_is_the_same_export_as_the_self_service_one_and_audited(coordinator_client, coordinator):
    person = _person()
    _record(coordinator_client)
    data_request = DataRequest.objects.get()
    response = coordinator_client.get(reverse("involvement:request_download", args=[data_request.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="data-request-{data_request.pk}.json"'
    data = response.json()
    expected = export_everywhere(person_id=person.pk, email=person.email, name=person.name)
    # The audit log grew by the download itself; everything else is the same file.
    assert {k: v for k, v in data.items() if k != "core"} == {k: v for k, v in expected.items() if k != "core"}
    assert HEALTH in str(data["bookings"])
    entry = AuditEntry.objects.get(verb="person.data_downloaded")
    assert entry.actor == coordinator


def test_forget_them_asks_first_then_forgets_everywhere_and_marks_the_request_done(
    coordinator_client, django_capture_on_commit_callbacks
):
    person = _person()
    _record(coordinator_client, kind="erasure", notes="Ruth Quill phoned on Monday")
    data_request = DataRequest.objects.get()
    url = reverse("involvement:request_forget", args=[data_request.pk])
    confirm = coordinator_client.get(url).content.decode()
    assert "What goes" in confirm and "What stays, without their name" in confirm
    assert Person.objects.get(pk=person.pk).name == "Ruth Quill"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url)
    assert response["Location"] == reverse("involvement:request_detail", args=[data_request.pk])
    assert not Person.objects.filter(email="ruth@example.org").exists()
    data_request.refresh_from_db()
    assert data_request.completed_on == timezone.localdate()
    assert (data_request.person, data_request.email) == (None, "")
    assert "Ruth Quill" not in data_request.notes
    assert [m.to for m in mail.outbox if "removed your details" in m.subject] == [["ruth@example.org"]]
    assert AuditEntry.objects.filter(verb="person.forgotten").count() == 1
    # Done means done: asking again changes nothing.
    assert coordinator_client.post(url)["Location"] == reverse("involvement:request_detail", args=[data_request.pk])


def test_the_readable_copy_puts_their_details_first_and_dates_in_words():
    from roundtable.involvement.datafile import readable

    sections = readable(
        {
            "core": [{"subject": "You are booked", "sent_at": "2026-12-19T13:30:00+00:00"}],
            "people": {"name": "Ruth", "wants_updates": True, "access_needs": {"needs": ["step_free", "quiet_space"]}},
        }
    )
    assert [s["part"] for s in sections] == ["people", "core"]
    assert sections[0]["items"] == [
        [("Name", "Ruth"), ("Wants updates", "Yes"), ("Access needs › Needs", "step_free, quiet_space")]
    ]
    assert sections[1]["items"] == [[("Subject", "You are booked"), ("Sent at", "19 December 2026, 13:30")]]


def test_forgetting_deletes_their_readable_data_files_at_once(django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from roundtable.involvement.models import DataFile
    from roundtable.involvement.services import person_forget_me

    person = _person()
    data_file = DataFile.objects.create(person=person, state=DataFile.State.READY)
    data_file.file.save("my-data.pdf", ContentFile(b"%PDF-1.7 Ruth Quill"))
    stored = data_file.file.name
    assert default_storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        person_forget_me(person=person)
    assert not DataFile.objects.exists() and not default_storage.exists(stored)
