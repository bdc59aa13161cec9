"""Two-factor sign-in: setting it up with a real authenticator code, signing in with a code or a
recovery code, the coordinators-must setting, turning it off, and the lost-phone command."""

from __future__ import annotations

import importlib
import re
import time

import pyotp
import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import clear_url_caches, reverse
from hypothesis import given
from hypothesis import settings as settings_for_hypothesis
from hypothesis import strategies as st

import config.urls
from roundtable.accounts.models import ApiToken, RecoveryCode, TwoFactor, User
from roundtable.accounts.testing import PASSWORD, make_coordinator, make_facilitator
from roundtable.accounts.twofactor import new_secret, normalise_recovery_code, totp_step_for, two_factor_enable
from roundtable.core.models import AuditEntry
from roundtable.core.privatelinks import hash_token

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
VERIFY = "/accounts/sign-in/code/"
SETUP = "/accounts/two-factor/set-up/"
TURN_OFF = "/accounts/two-factor/turn-off/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True
    return settings


def with_two_factor(user) -> tuple[str, list[str]]:
    secret = new_secret()
    return secret, two_factor_enable(user=user, secret=secret)


def code_at(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(int(time.time()) + offset_steps * 30)


def secret_on_setup_page(client, path: str = SETUP) -> str:
    page = client.get(path).content.decode()
    grouped = re.search(r'id="secret-key">.*?<code>([A-Z2-7 ]+)</code>', page, re.S)
    assert grouped, "the key is typed out on the page"
    return grouped.group(1).replace(" ", "")


def password_step(client, email: str, **extra):
    return client.post(SIGN_IN, {"username": email, "password": PASSWORD, **extra})


# --- Setting it up ----------------------------------------------------------------------------


def test_setup_page_shows_a_qr_code_made_here_with_a_name_and_the_key_in_groups_of_four(client):
    user = make_facilitator()
    client.force_login(user)
    page = client.get(SETUP).content.decode()
    assert '<svg role="img" aria-label="QR code for your authenticator app"' in page
    assert "<title>QR code for your authenticator app</title>" in page
    key = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1)
    assert all(len(group) == 4 for group in key.split(" "))
    assert "href" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]  # drawn here, nothing fetched


def test_setting_up_with_a_real_code_turns_it_on_and_shows_ten_recovery_codes_once(client):
    user = make_coordinator()
    client.force_login(user)
    secret = secret_on_setup_page(client)
    response = client.post(SETUP, {"code": code_at(secret)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Save your recovery codes" in page
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TwoFactor.objects.get(user=user).secret == secret
    stored = set(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not any(code.replace("-", "") in h or code in h for code in codes for h in stored)  # hashes only
    assert AuditEntry.objects.filter(verb="two_factor.turned_on", actor=user).exists()
    # The key is never shown again: the setup page now sends the person to their status page.
    again = client.get(SETUP)
    assert again.status_code == 302 and again["Location"] == reverse("accounts:two_factor")
    status = client.get(reverse("accounts:two_factor")).content.decode()
    assert secret not in status and secret[:4] not in status.replace(" ", "")
    assert "10 recovery codes left" in status


def _signed_in(user) -> Client:
    other = Client()
    other.force_login(user)
    assert other.get(reverse("accounts:two_factor")).status_code == 200
    return other


def test_turning_it_on_signs_out_every_other_browser_but_this_one(client):
    user = make_coordinator()
    other = _signed_in(user)
    client.force_login(user)
    secret = secret_on_setup_page(client)
    client.post(SETUP, {"code": code_at(secret)})
    # This browser stays signed in; the other one is sent to sign in again.
    assert client.get(reverse("accounts:two_factor")).status_code == 200
    assert other.get(reverse("accounts:two_factor"))["Location"].startswith(SIGN_IN)
    assert AuditEntry.objects.filter(verb="account.signed_out_elsewhere", actor=user).count() == 1


def test_signing_in_with_a_recovery_code_signs_out_every_other_browser(client):
    user = make_coordinator(email="sam@example.org")
    secret, codes = with_two_factor(user)
    other = _signed_in(user)
    password_step(client, "sam@example.org")
    client.post(VERIFY, {"code": codes[0]})
    assert client.get(reverse("accounts:two_factor")).status_code == 200
    assert other.get(reverse("accounts:two_factor"))["Location"].startswith(SIGN_IN)
    # An ordinary code from the app signs out no one.
    third = _signed_in(User.objects.get(pk=user.pk))
    fresh = Client()
    password_step(fresh, "sam@example.org")
    fresh.post(VERIFY, {"code": code_at(secret, 1)})
    assert third.get(reverse("accounts:two_factor")).status_code == 200
    assert fresh.get(reverse("accounts:two_factor")).status_code == 200


def test_sessions_made_before_the_epoch_existed_still_work():
    user = make_coordinator()
    assert user.get_session_auth_hash() == AbstractBaseUser._get_session_auth_hash(user)
    user.sessions_epoch = 1
    assert user.get_session_auth_hash() != AbstractBaseUser._get_session_auth_hash(user)


def test_a_wrong_code_at_setup_is_shown_next_to_the_field_and_nothing_is_turned_on(client):
    user = make_coordinator()
    client.force_login(user)
    secret = secret_on_setup_page(client)
    wrong = f"{(int(code_at(secret)) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"code": wrong})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_code-error"' in page and "That code is not right" in page
    assert 'href="#id_code"' in page  # the error summary links to the field
    assert not TwoFactor.objects.filter(user=user).exists()
    # The same key is kept, so the person can try again without scanning again.
    assert secret_on_setup_page(client) == secret


def test_i_have_saved_them_goes_on_to_the_page_the_person_was_sent_from(client, required):
    user = make_coordinator()
    client.force_login(user)
    sent = client.get("/coordinator/venues/")
    assert sent.status_code == 302
    secret = secret_on_setup_page(client, sent["Location"])
    client.post(SETUP, {"code": code_at(secret)})
    done = client.post(reverse("accounts:two_factor_saved"))
    assert done["Location"] == "/coordinator/venues/"
    assert client.get("/coordinator/venues/").status_code == 200


# --- Signing in -------------------------------------------------------------------------------


def test_with_two_factor_on_the_password_alone_does_not_sign_in(client):
    user = make_coordinator(email="sam@example.org")
    with_two_factor(user)
    response = password_step(client, "sam@example.org")
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert "_auth_user_id" not in client.session
    assert client.get("/coordinator/").status_code == 302  # still sent to sign in
    page = client.get(VERIFY).content.decode()
    assert "<h1" in page and "Enter your code" in page


def test_signing_in_with_the_code_from_the_app_goes_where_the_person_was_going(client):
    user = make_coordinator(email="sam@example.org")
    secret, _ = with_two_factor(user)
    password_step(client, "sam@example.org", next="/coordinator/venues/")
    response = client.post(VERIFY, {"code": code_at(secret)})
    assert response.status_code == 302 and response["Location"] == "/coordinator/venues/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_code_works_once_even_within_its_thirty_seconds(client):
    user = make_coordinator(email="sam@example.org")
    secret, _ = with_two_factor(user)
    code = code_at(secret)
    password_step(client, "sam@example.org")
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    password_step(client, "sam@example.org")
    assert client.post(VERIFY, {"code": code}).status_code == 400


def test_a_wrong_code_at_sign_in_is_an_error_next_to_the_field(client):
    user = make_coordinator(email="sam@example.org")
    secret, _ = with_two_factor(user)
    password_step(client, "sam@example.org")
    response = client.post(VERIFY, {"code": code_at(secret, offset_steps=10)})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_code-error"' in page and "That code is not right" in page
    assert "_auth_user_id" not in client.session
    empty = client.post(VERIFY, {"code": ""}).content.decode()
    assert "Enter the 6-digit code from your authenticator app, or a recovery code" in empty


def test_nonsense_in_the_code_field_gets_a_plain_answer_not_an_error_page(client):
    user = make_coordinator(email="sam@example.org")
    with_two_factor(user)
    password_step(client, "sam@example.org")
    for nonsense in ("x" * 500, "12345", "１２３４５６", "<script>", "abcd-efgh-ijkl"):
        response = client.post(VERIFY, {"code": nonsense})
        assert response.status_code == 400, nonsense
        assert 'id="id_code-error"' in response.content.decode()
    assert "too long for a code" in client.post(VERIFY, {"code": "9" * 41}).content.decode()


def test_a_recovery_code_signs_in_once_and_never_again(client):
    user = make_coordinator(email="sam@example.org")
    _, codes = with_two_factor(user)
    password_step(client, "sam@example.org")
    response = client.post(VERIFY, {"code": codes[3].upper().replace("-", " ")}, follow=True)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "You have 9 left" in response.content.decode()
    assert AuditEntry.objects.filter(verb="two_factor.recovery_code_used").count() == 1
    client.post(reverse("accounts:logout"))
    password_step(client, "sam@example.org")
    again = client.post(VERIFY, {"code": codes[3]})
    assert again.status_code == 400
    assert "_auth_user_id" not in client.session


def test_the_code_step_is_rate_limited_like_the_password_step(client):
    user = make_coordinator(email="sam@example.org")
    secret, _ = with_two_factor(user)
    password_step(client, "sam@example.org")
    answers = [client.post(VERIFY, {"code": "000000"}).status_code for _ in range(5)]
    assert answers[-1] == 429
    # Blocked: even the right code is refused until the wait is over.
    response = client.post(VERIFY, {"code": code_at(secret)})
    assert response.status_code == 429
    assert "Wait 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_code_step_without_a_password_first_starts_again(client):
    assert client.get(VERIFY)["Location"] == SIGN_IN
    response = client.post(VERIFY, {"code": "123456"})
    assert response.status_code == 400
    assert "Start signing in again" in response.content.decode()


def test_without_two_factor_the_password_alone_signs_in_as_before(client):
    make_facilitator(email="alex@example.org")
    response = password_step(client, "alex@example.org")
    assert response["Location"] == reverse("coordinator:home")
    assert client.session["_auth_user_id"]


# --- The setting: coordinators must, facilitators may -----------------------------------------


def test_when_required_a_coordinator_without_it_is_sent_to_set_it_up_first(client, required):
    client.force_login(make_coordinator())
    for path in ("/coordinator/", "/coordinator/venues/", reverse("evaluation:dashboard"), reverse("team:audit_log")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{SETUP}?next="), path
    assert client.get(SETUP).status_code == 200
    assert client.get("/").status_code == 200  # the public site is not a workspace page


def test_when_required_a_facilitator_is_not_made_to_but_may_set_it_up(client, required):
    client.force_login(make_facilitator())
    assert client.get("/coordinator/").status_code == 200
    home = client.get("/coordinator/").content.decode()
    assert f'href="{reverse("accounts:two_factor")}"' in home
    assert client.get(SETUP).status_code == 200


def test_when_required_a_coordinator_with_it_goes_straight_in(client, required):
    user = make_coordinator()
    with_two_factor(user)
    client.force_login(user)
    assert client.get("/coordinator/").status_code == 200


def test_when_not_required_a_coordinator_without_it_goes_straight_in(client, settings):
    settings.TWO_FACTOR_REQUIRED = False
    client.force_login(make_coordinator())
    assert client.get("/coordinator/").status_code == 200


def test_api_tokens_are_not_affected_by_the_setting(client, required):
    _, raw = ApiToken.issue(make_coordinator())
    # No such session, so 404: the token was accepted (a refused one answers 401), and nobody was
    # sent to set anything up.
    listing = client.get("/api/sessions/999999/bookings", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert listing.status_code == 404
    assert client.get("/api/sessions/999999/bookings").status_code == 401


# --- Turning it off ---------------------------------------------------------------------------


def test_a_person_turns_it_off_with_a_current_code(client):
    user = make_facilitator()
    secret, _ = with_two_factor(user)
    client.force_login(user)
    wrong = client.post(TURN_OFF, {"code": code_at(secret, offset_steps=-10)})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    assert TwoFactor.objects.filter(user=user).exists()
    response = client.post(TURN_OFF, {"code": code_at(secret)})
    assert response["Location"] == reverse("accounts:two_factor")
    assert not TwoFactor.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(verb="two_factor.turned_off", actor=user).exists()


NEW_CODES = "/accounts/two-factor/new-recovery-codes/"


def test_new_recovery_codes_after_a_confirmation_and_the_old_ones_stop_working(client):
    user = make_coordinator(email="sam@example.org")
    secret, old_codes = with_two_factor(user)
    client.force_login(user)
    assert NEW_CODES in client.get(reverse("accounts:two_factor")).content.decode()
    confirm = client.get(NEW_CODES).content.decode()
    assert "All your old ones will stop working" in confirm
    assert RecoveryCode.objects.filter(user=user).count() == 10  # asking changes nothing
    wrong = client.post(NEW_CODES, {"code": "000000"})
    assert wrong.status_code == 400 and 'id="id_code-error"' in wrong.content.decode()
    assert "<title>Error: Make new recovery codes" in wrong.content.decode()
    assert set(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True)) == {
        hash_token(normalise_recovery_code(c)) for c in old_codes
    }
    page = client.post(NEW_CODES, {"code": code_at(secret)}).content.decode()
    new_codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert "your old ones no longer work" in page
    assert AuditEntry.objects.filter(verb="two_factor.recovery_codes_renewed", actor=user).count() == 1
    client.post(reverse("accounts:logout"))
    password_step(client, "sam@example.org")
    assert client.post(VERIFY, {"code": old_codes[0]}).status_code == 400
    client.post(VERIFY, {"code": new_codes[0]})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_new_recovery_codes_without_two_factor_go_back_to_the_status_page(client):
    client.force_login(make_facilitator())
    assert client.get(NEW_CODES)["Location"] == reverse("accounts:two_factor")


def test_the_command_turns_it_off_for_a_lost_phone_and_is_audited(capsys):
    user = make_coordinator(email="sam@example.org")
    with_two_factor(user)
    call_command("two_factor_off", "Sam@Example.org")
    assert "Two-factor sign-in is off for sam@example.org" in capsys.readouterr().out
    assert not TwoFactor.objects.filter(user=user).exists()
    entry = AuditEntry.objects.get(verb="two_factor.reset")
    assert entry.target_id == str(user.pk)
    assert entry.actor_label.startswith("manage.py two_factor_off")


def test_the_command_says_plainly_when_there_is_nothing_to_turn_off():
    make_coordinator(email="sam@example.org")
    with pytest.raises(CommandError, match="does not have two-factor sign-in on"):
        call_command("two_factor_off", "sam@example.org")
    with pytest.raises(CommandError, match="There is no account for nobody@example.org"):
        call_command("two_factor_off", "nobody@example.org")


@pytest.fixture
def admin_mounted(settings):
    settings.ADMIN_ENABLED = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.ADMIN_ENABLED = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_the_admins_password_only_sign_in_is_not_a_way_around_it(client, admin_mounted):
    user = make_coordinator(email="sam@example.org", is_staff=True)
    with_two_factor(user)
    response = client.post(
        "/django-admin/login/", {"username": "sam@example.org", "password": PASSWORD, "next": "/django-admin/"}
    )
    assert response.status_code == 200
    assert "This account uses two-factor sign-in" in response.content.decode()
    assert "_auth_user_id" not in client.session


@settings_for_hypothesis(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_any_text_is_simply_not_a_code(text):
    secret = "JBSWY3DPEHPK3PXP" * 2
    step = totp_step_for(secret, text)  # never raises, whatever the script or length
    assert step is None or sum(ch in "0123456789" for ch in text) == 6
    assert len(normalise_recovery_code(text)) <= len(text)
