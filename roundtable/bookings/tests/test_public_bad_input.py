"""Bad input never breaks the sign-up: a clear 4xx, nothing half-written, and anything typed that
looks like HTML or script is shown as text everywhere it appears."""

import re

import pytest
from django.core import mail
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roundtable.bookings.models import AccessNeed, AccessNeeds, Booking, ManageLink
from roundtable.cocreation.models import Session
from roundtable.cocreation.testing import make_session
from roundtable.core.models import OutboundEmail
from roundtable.core.testing import run_tasks
from roundtable.people.models import ConsentRecord, Person, Perspective

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ATTRIBUTE_BREAK = '"><img src=x onerror=alert(2)>'
ESCAPED_BREAK = "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"

# Any text a browser could send: everything except lone surrogates, which cannot be encoded.
any_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=120)
long_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=90, max_size=2500)
some_text = st.one_of(any_text, long_text, st.just(SCRIPT + ATTRIBUTE_BREAK), st.just(""))
choices = st.lists(
    st.one_of(st.sampled_from([c for c, _ in Perspective.choices + AccessNeed.choices]), any_text), max_size=4
)
tick = st.sampled_from(["", "on", "yes", "0", "<b>"])

signup_posts = st.fixed_dictionaries(
    {
        "name": some_text,
        "email": st.one_of(any_text, st.emails(), st.just("ruth@example.org"), st.just("  RUTH@example.org ")),
        "phone": st.one_of(any_text, st.just("07700 900 982")),
        "pronouns": some_text,
        "interests": some_text,
        "perspectives": choices,
        "access_needs": choices,
        "access_details": some_text,
        "access_prefer_not_to_say": tick,
        "access_consent": tick,
        "keep_on_file": tick,
        "dietary_needs": some_text,
        "heard_about": some_text,
    }
)


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Person, Booking, AccessNeeds, ConsentRecord, OutboundEmail))


@pytest.mark.django_db
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=signup_posts)
def test_random_text_in_every_field_is_a_clear_answer_never_a_crash_or_half_a_booking(data):
    session = Session.objects.filter(title="Hypothesis session").first() or make_session(
        title="Hypothesis session", capacity=5
    )
    before = counts()
    response = Client().post(f"/sessions/{session.pk}/sign-up/", data)  # a 500 would raise here
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert counts() == before, "a refused sign-up must write nothing"
        assert 'class="govuk-error-summary"' in response.content.decode()
        return
    person = Person.objects.get(email=data["email"].strip().lower())
    booking = Booking.objects.get(session=session, person=person)
    assert booking.status in ("confirmed", "waitlisted")
    emails = OutboundEmail.objects.count() - before[4]
    if Booking.objects.count() == before[1]:  # a repeat sign-up changes nothing, and emails at most
        assert emails <= 1  # once (none within the quiet window or over the per-address cap)
    else:  # a new booking: one confirmation
        assert emails == 1
        # Health information is kept only with the separate consent ticked.
        assert AccessNeeds.objects.filter(booking=booking).exists() == bool(data["access_consent"])


@pytest.mark.django_db
@settings(max_examples=30, deadline=None)
@given(
    data=st.fixed_dictionaries(
        {
            "access_needs": choices,
            "access_details": some_text,
            "access_prefer_not_to_say": tick,
            "access_consent": tick,
            "keep_on_file": tick,
        }
    )
)
def test_random_access_needs_from_the_private_link_never_crash(data):
    booking = Booking.objects.first()
    if booking is None:
        session = make_session(title="Manage hypothesis")
        Client().post(f"/sessions/{session.pk}/sign-up/", {"name": "Ruth", "email": "ruth@example.org"})
        booking = Booking.objects.get()
    token = ManageLink.mint(booking=booking)
    response = Client().post(f"/booking/{token}/", data)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        stored = AccessNeeds.objects.filter(booking=booking).first()
        assert (stored is not None) == bool(data["access_consent"])


@pytest.mark.django_db(transaction=True)
def test_html_and_script_in_every_field_is_shown_as_text_on_pages_and_in_emails(client):
    session = make_session(title=f"Session {SCRIPT}", capacity=5)
    typed = {
        "name": f"Ruth {SCRIPT}{ATTRIBUTE_BREAK}",
        "email": "ruth@example.org",
        "pronouns": SCRIPT,
        "interests": f"{SCRIPT}{ATTRIBUTE_BREAK}",
        "access_needs": ["bsl"],
        "access_details": f"{SCRIPT}</textarea>{ATTRIBUTE_BREAK}",
        "access_consent": "on",
        "dietary_needs": f"{SCRIPT}{ATTRIBUTE_BREAK}",
        "heard_about": f"{SCRIPT}{ATTRIBUTE_BREAK}",
    }
    response = client.post(f"/sessions/{session.pk}/sign-up/", typed)
    assert response.status_code == 302

    confirmation = client.get(response.url).content.decode()
    run_tasks()
    (message,) = mail.outbox
    token = re.search(r"/booking/([A-Za-z0-9_\-]+)/", message.body).group(1)
    manage = client.get(f"/booking/{token}/").content.decode()
    ((email_html, _),) = message.alternatives

    for where, page in (("confirmation page", confirmation), ("manage page", manage), ("email HTML", email_html)):
        assert "<script>" not in page, where
        assert "<img" not in page, where
        assert ESCAPED_SCRIPT in page, where
    # Every field the person typed comes back, escaped, where it is shown.
    assert confirmation.count(ESCAPED_BREAK) == 2  # dietary needs, how they heard
    assert manage.count(ESCAPED_BREAK) >= 3  # name, interests, dietary needs, and the access details box
    assert "&lt;/textarea&gt;" in manage
    # A plain-text part has no markup to run: it shows exactly what was typed.
    assert f"Hello Ruth {SCRIPT}{ATTRIBUTE_BREAK}," in message.body
    assert "Content-Type: text/plain" in message.message().as_string()


@pytest.mark.django_db
def test_script_in_fields_that_refuse_it_is_escaped_in_the_error_page(client):
    session = make_session()
    response = client.post(
        f"/sessions/{session.pk}/sign-up/",
        {
            "name": "Ruth",
            "email": f"{ATTRIBUTE_BREAK}@example.org",
            "phone": SCRIPT,
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "<img" not in page and "<script>alert" not in page
    assert ESCAPED_SCRIPT in page
    assert "Enter a phone number, like 01632 960 001 or 07700 900 982" in page
    assert not Booking.objects.exists()
