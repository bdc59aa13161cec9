"""The wrong-password lockout holds for every way of signing in: it lives in the authentication
backend, so the Django admin's login and `authenticate()` refuse a locked account just as the
site's sign-in form does (issue 15, must fix 2). The admin is not mounted unless asked for."""

import importlib

import pytest
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import clear_url_caches

import config.urls
from roundtable.accounts.testing import PASSWORD, make_coordinator

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
ADMIN_LOGIN = "/django-admin/login/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_mounted(settings):
    settings.ADMIN_ENABLED = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.ADMIN_ENABLED = False
    importlib.reload(config.urls)
    clear_url_caches()


def _lock_through_the_site(client, email: str) -> None:
    for attempt in range(5):
        response = client.post(SIGN_IN, {"username": email, "password": f"guess {attempt}"})
    assert response.status_code == 429


def test_the_admin_is_not_mounted_by_default(client):
    make_coordinator(email="sam@example.org", is_staff=True)
    assert client.get("/django-admin/").status_code == 404
    assert client.post(ADMIN_LOGIN, {"username": "sam@example.org", "password": PASSWORD}).status_code == 404


def test_the_admin_login_works_when_enabled_and_nothing_is_locked(client, admin_mounted):
    make_coordinator(email="sam@example.org", is_staff=True)
    response = client.post(ADMIN_LOGIN, {"username": "sam@example.org", "password": PASSWORD, "next": "/django-admin/"})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_an_account_locked_through_the_site_cannot_sign_in_through_the_admin(client, admin_mounted):
    make_coordinator(email="sam@example.org", is_staff=True)
    _lock_through_the_site(client, "sam@example.org")

    response = client.post(ADMIN_LOGIN, {"username": "sam@example.org", "password": PASSWORD, "next": "/django-admin/"})

    assert response.status_code == 200  # the admin's login form, shown again
    assert "_auth_user_id" not in client.session
    assert client.get("/django-admin/").status_code == 302  # still sent to the login page


def test_wrong_passwords_at_the_admin_lock_the_site_sign_in_too(client, admin_mounted):
    make_coordinator(email="sam@example.org", is_staff=True)
    for attempt in range(5):
        client.post(ADMIN_LOGIN, {"username": "sam@example.org", "password": f"guess {attempt}"})

    response = client.post(SIGN_IN, {"username": "sam@example.org", "password": PASSWORD})

    assert response.status_code == 429
    assert "Wait 15 minutes" in response.content.decode()


def test_authenticate_refuses_the_right_password_while_locked(client):
    make_coordinator(email="sam@example.org")
    _lock_through_the_site(client, "sam@example.org")
    same_address = RequestFactory().post("/", REMOTE_ADDR="127.0.0.1")

    assert authenticate(same_address, username="sam@example.org", password=PASSWORD) is None
    assert authenticate(same_address, email="sam@example.org", password=PASSWORD) is None
    other_address = RequestFactory().post("/", REMOTE_ADDR="127.0.0.9")
    assert authenticate(other_address, username="sam@example.org", password=PASSWORD) is not None
