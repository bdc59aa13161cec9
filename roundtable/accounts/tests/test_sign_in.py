import pytest
from django.core.cache import cache
from django.urls import reverse

from roundtable.accounts.testing import PASSWORD, make_coordinator, make_facilitator

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # The cache is a database table that outlives transactional tests; start each test clean.
    cache.clear()
    yield
    cache.clear()


def test_header_links_to_sign_in(client):
    response = client.get("/")
    assert f'href="{SIGN_IN}"' in response.content.decode()


def test_coordinator_signs_in_with_email_and_password_and_lands_on_their_home(client):
    make_coordinator(email="sam@example.org")
    response = client.post(SIGN_IN, {"username": "Sam@Example.org ", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("coordinator:home")
    assert client.session["_auth_user_id"]


def test_sign_in_goes_back_to_the_page_asked_for(client):
    make_coordinator(email="sam@example.org")
    response = client.post(
        SIGN_IN, {"username": "sam@example.org", "password": PASSWORD, "next": "/coordinator/venues/"}
    )
    assert response["Location"] == "/coordinator/venues/"


def test_sign_in_never_redirects_to_another_site(client):
    make_coordinator(email="sam@example.org")
    response = client.post(
        SIGN_IN, {"username": "sam@example.org", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("coordinator:home")


def test_wrong_password_shows_error_summary_and_error_title(client):
    make_coordinator(email="sam@example.org")
    response = client.post(SIGN_IN, {"username": "sam@example.org", "password": "not it"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Sign in" in html
    assert "govuk-error-summary" in html
    assert 'href="#id_username"' in html
    assert "The email address or password is not right" in html
    assert "_auth_user_id" not in client.session


def test_empty_form_names_each_missing_field(client):
    response = client.post(SIGN_IN, {"username": "", "password": ""})
    html = response.content.decode()
    assert "Enter your email address" in html and "Enter your password" in html
    assert 'href="#id_password"' in html


def test_five_wrong_passwords_make_the_sixth_attempt_wait_even_with_the_right_password(client):
    make_coordinator(email="sam@example.org")
    for attempt in range(4):
        response = client.post(SIGN_IN, {"username": "sam@example.org", "password": f"guess {attempt}"})
        assert "Wait 15 minutes" not in response.content.decode()
    fifth = client.post(SIGN_IN, {"username": "sam@example.org", "password": "guess 5"})
    assert "Wait 15 minutes" in fifth.content.decode()
    sixth = client.post(SIGN_IN, {"username": "sam@example.org", "password": PASSWORD})
    assert sixth.status_code == 429
    assert "Wait 15 minutes" in sixth.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttle_is_per_email_so_a_colleague_can_still_sign_in(client):
    make_coordinator(email="sam@example.org")
    make_coordinator(email="kim@example.org", name="Kim")
    for attempt in range(5):
        client.post(SIGN_IN, {"username": "sam@example.org", "password": f"guess {attempt}"})
    response = client.post(SIGN_IN, {"username": "kim@example.org", "password": PASSWORD})
    assert response.status_code == 302


def test_facilitator_can_sign_in_too(client):
    make_facilitator(email="alex@example.org")
    response = client.post(SIGN_IN, {"username": "alex@example.org", "password": PASSWORD})
    assert response.status_code == 302


def test_switched_off_account_cannot_sign_in(client):
    make_coordinator(email="sam@example.org", is_active=False)
    response = client.post(SIGN_IN, {"username": "sam@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post_and_says_so(coordinator_client):
    assert coordinator_client.get("/accounts/sign-out/").status_code == 405
    response = coordinator_client.post("/accounts/sign-out/", follow=True)
    assert "You have signed out." in response.content.decode()
    assert "_auth_user_id" not in coordinator_client.session


def test_html_typed_as_an_email_is_shown_escaped(client):
    response = client.post(SIGN_IN, {"username": "<script>alert(1)</script>", "password": "x"})
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
