import pytest
from django.test import RequestFactory

from roundtable.core.ratelimit import allow, signup_allowed

pytestmark = pytest.mark.django_db


def test_fourth_hit_in_a_window_of_three_is_refused():
    assert [allow("t:one", (3, 3600)) for _ in range(4)] == [True, True, True, False]


def test_rate_limit_off_always_allows(settings):
    settings.SIGNUP_RATE_LIMIT = None
    request = RequestFactory().post("/")
    assert all(signup_allowed(request) for _ in range(50))


def test_different_addresses_are_counted_apart(settings):
    settings.SIGNUP_RATE_LIMIT = (1, 3600)
    a = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1")
    b = RequestFactory().post("/", REMOTE_ADDR="10.0.0.2")
    assert signup_allowed(a) and signup_allowed(b)
    assert not signup_allowed(a)
