"""The pages of two-factor sign-in: the second step of signing in, setting it up (QR code, then
recovery codes shown once), and turning it off. Rules and writes live in accounts/twofactor.py."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from roundtable.accounts.backends import record_sign_in_failure, sign_in_blocked
from roundtable.accounts.forms import WAIT_MESSAGE, TwoFactorCodeForm
from roundtable.accounts.models import User
from roundtable.accounts.permissions import TEAM, acting_user, check_role
from roundtable.accounts.twofactor import (
    SecondStep,
    check_second_step,
    has_two_factor,
    new_secret,
    qr_svg,
    recovery_codes_left,
    recovery_codes_renew,
    secret_in_groups,
    sign_out_elsewhere,
    totp_step_for,
    two_factor_disable,
    two_factor_enable,
)

# Session keys. The pending sign-in holds only an account id and where to go next; the person is
# not signed in until the second step is passed.
PENDING = "two_factor_pending"
SETUP_SECRET = "two_factor_setup_secret"
SETUP_NEXT = "two_factor_next"
# The second step must follow the password within this many seconds.
PENDING_SECONDS = 10 * 60

WRONG_CODE = "That code is not right. Check your authenticator app and enter the code it shows now."
WRONG_CODE_OR_RECOVERY = (
    "That code is not right. Enter the code your authenticator app shows now, or a recovery code you have not used."
)


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def team_member_signed_in(view: Callable) -> Callable:
    """Signed-in coordinators and facilitators, without the "set up two-factor sign-in first"
    redirect the workspace's checks make (these pages are where it leads)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        stop = check_role(request, TEAM, two_factor=False)
        if stop is not None:
            return stop
        return view(request, *args, **kwargs)

    return wrapped


# --- Signing in: the second step ------------------------------------------------------------------


def _code_behind_lockout(request: HttpRequest, user: User, form, check: Callable, wrong: str):
    """Check a valid form's code with `check(code)` (what it finds, or None) behind the sign-in
    lockout. Returns what was found, or None with the error on the field; and the HTTP status. A
    wrong code counts as a failed sign-in, like a wrong password."""
    if sign_in_blocked(request, user.email):
        form.add_error("code", WAIT_MESSAGE)
        return None, 429
    found = check(form.cleaned_data["code"])
    if found is not None:
        return found, 200
    if record_sign_in_failure(request, user.email):
        form.add_error("code", WAIT_MESSAGE)
        return None, 429
    form.add_error("code", wrong)
    return None, 400


def _ok(result: SecondStep) -> SecondStep | None:
    return result if result.ok else None


def start_second_step(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """Called by the sign-in page once the password is right, for an account with two-factor on."""
    request.session.cycle_key()
    request.session[PENDING] = {"user": user.pk, "backend": user.backend, "next": next_url, "at": time.time()}
    return redirect("accounts:two_factor_verify")


def _pending_user(request: HttpRequest) -> tuple[User, dict] | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return (user, pending) if user is not None else None


@never_cache
@sensitive_post_parameters("code")
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    found = _pending_user(request)
    if found is None:
        request.session.pop(PENDING, None)
        if request.method == "POST":
            return render(request, "accounts/two_factor_start_again.html", status=400)
        return redirect("accounts:login")
    user, pending = found
    form = TwoFactorCodeForm(request.POST or None, recovery_allowed=True)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            result, status = _code_behind_lockout(
                request, user, form, lambda code: _ok(check_second_step(user=user, code=code)), WRONG_CODE_OR_RECOVERY
            )
            if result is not None:
                del request.session[PENDING]
                login(request, user, backend=pending["backend"])
                if result.used_recovery_code:
                    sign_out_elsewhere(user=user)
                    update_session_auth_hash(request, user)
                    left = recovery_codes_left(user)
                    messages.warning(
                        request,
                        f"You signed in with a recovery code. It will not work again. You have {left} left"
                        + (
                            ": if your phone is lost, turn two-factor sign-in off and set it up again."
                            if left < 3
                            else "."
                        ),
                    )
                return redirect(_safe_next(request, pending.get("next")))
    return render(request, "accounts/two_factor_verify.html", {"form": form}, status=status)


# --- The team member's own page ---------------------------------------------------------------


@never_cache
@team_member_signed_in
def two_factor_status(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    on = has_two_factor(user)
    return render(
        request,
        "accounts/two_factor_status.html",
        {
            "on": on,
            "codes_left": recovery_codes_left(user) if on else 0,
            "account": user,
            "two_factor_required": settings.TWO_FACTOR_REQUIRED,
        },
    )


@never_cache
@sensitive_post_parameters("code")
@team_member_signed_in
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if has_two_factor(user):
        messages.info(request, "Two-factor sign-in is already on. To use a new phone, turn it off and set it up again.")
        return redirect("accounts:two_factor")
    if request.method == "GET":
        # Where "I have saved them" leads: the page they were sent here from, if any.
        if request.GET.get("next"):
            request.session[SETUP_NEXT] = _safe_next(request, request.GET["next"])
        else:
            request.session.pop(SETUP_NEXT, None)
    # The same secret until it is confirmed, so reloading the page does not undo a scan.
    secret = request.session.get(SETUP_SECRET)
    if not isinstance(secret, str) or not secret:
        secret = request.session[SETUP_SECRET] = new_secret()
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            step, status = _code_behind_lockout(
                request, user, form, lambda code: totp_step_for(secret, code), WRONG_CODE
            )
            if step is not None:
                codes = two_factor_enable(user=user, secret=secret, used_step=step)
                del request.session[SETUP_SECRET]
                sign_out_elsewhere(user=user)
                update_session_auth_hash(request, user)
                # Shown in this answer only: the codes are never stored or shown again.
                return render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes})
    context = {
        "form": form,
        "qr": qr_svg(user, secret, title="QR code for your authenticator app"),
        "secret_groups": secret_in_groups(secret),
        "account": user,
    }
    return render(request, "accounts/two_factor_setup.html", context, status=status)


@require_POST
@team_member_signed_in
def two_factor_saved(request: HttpRequest) -> HttpResponse:
    """ "I have saved them": on to wherever the person was going before setting up."""
    messages.success(request, "Two-factor sign-in is on. You will be asked for a code each time you sign in.")
    return redirect(request.session.pop(SETUP_NEXT, None) or reverse("accounts:two_factor"))


def _confirm_with_a_code(request: HttpRequest, user: User) -> tuple[TwoFactorCodeForm, int, bool]:
    """A current code or a recovery code, behind the sign-in lockout, before a change to two-factor:
    the form to show, the status to answer with, and whether the code passed."""
    form = TwoFactorCodeForm(request.POST or None, recovery_allowed=True)
    if request.method != "POST":
        return form, 200, False
    if not form.is_valid():
        return form, 400, False
    passed, status = _code_behind_lockout(
        request, user, form, lambda code: _ok(check_second_step(user=user, code=code)), WRONG_CODE_OR_RECOVERY
    )
    return form, status, passed is not None


@never_cache
@sensitive_post_parameters("code")
@team_member_signed_in
def two_factor_off(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not has_two_factor(user):
        return redirect("accounts:two_factor")
    form, status, passed = _confirm_with_a_code(request, user)
    if passed:
        two_factor_disable(user=user, actor=user)
        messages.success(request, "Two-factor sign-in is off. You will sign in with your password only.")
        return redirect("accounts:two_factor")
    context = {"form": form, "two_factor_required": settings.TWO_FACTOR_REQUIRED}
    return render(request, "accounts/two_factor_off.html", context, status=status)


@never_cache
@sensitive_post_parameters("code")
@team_member_signed_in
def two_factor_new_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, after saying the old ones stop working and asking for a current code."""
    user = acting_user(request)
    if not has_two_factor(user):
        return redirect("accounts:two_factor")
    form, status, passed = _confirm_with_a_code(request, user)
    if passed:
        codes = recovery_codes_renew(user=user)
        # Shown in this answer only: the codes are never stored or shown again.
        return render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes, "renewed": True})
    return render(request, "accounts/two_factor_new_codes.html", {"form": form}, status=status)
