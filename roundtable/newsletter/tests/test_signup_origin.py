"""The newsletter sign-up takes no form token (so public pages set no cookie); instead a post that a
browser says came from another website is refused, and nothing is stored."""

import pytest
from django.test import Client

from roundtable.newsletter.models import Subscriber

pytestmark = pytest.mark.django_db

FORM = {"email": "someone@example.org", "name": "Sam", "source": "footer"}


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://another-site.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"},
        {"Origin": "null"},
    ],
)
def test_a_sign_up_sent_from_another_website_is_refused_with_a_message(headers):
    response = Client(enforce_csrf_checks=True).post("/newsletter/", FORM, headers=headers)
    assert response.status_code == 403
    html = response.content.decode()
    assert "sent from another website" in html and 'href="#id_email"' in html  # in the error summary, linked
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {},  # a program, not a browser: it could post the form itself anyway
    ],
)
def test_a_sign_up_from_our_own_pages_needs_no_token(headers):
    response = Client(enforce_csrf_checks=True).post("/newsletter/", FORM, headers=headers)
    assert response.status_code == 302
    assert Subscriber.objects.get().email == "someone@example.org"


def test_a_trusted_origin_behind_a_proxy_is_ours(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://roundtable.example.org"]
    response = Client().post("/newsletter/", FORM, headers={"Origin": "https://roundtable.example.org"})
    assert response.status_code == 302
