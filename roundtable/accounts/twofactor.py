"""Two-factor sign-in for the team: a code from an authenticator app (TOTP, RFC 6238) after the
password, or one of ten one-time recovery codes.

Writes go through the services here (`two_factor_enable`, `two_factor_disable`,
`check_second_step`); views and the `two_factor_off` command call them. The secret is made here,
shown once on the setup page (as a QR code drawn on this server, and typed out), and never shown
again. Recovery codes are stored as hashes only; each works once.
"""

from __future__ import annotations

import hmac
import io
import secrets
import time
from dataclasses import dataclass

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape

from roundtable.accounts.models import RecoveryCode, TwoFactor, User
from roundtable.core import audit
from roundtable.core.privatelinks import hash_token

RECOVERY_CODE_COUNT = 10
# No 0/O, 1/I/L: the codes are read off paper and typed in by hand.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
# Codes from the step before and after now are accepted too: a phone's clock a little out, or a
# code typed just as it changed.
CLOCK_DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters: 160 bits, as RFC 4226 recommends


def secret_in_groups(secret: str) -> str:
    """The secret typed out for people who cannot scan: groups of four, easy to copy by eye."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=settings.SITE_NAME)


def qr_svg(user: User, secret: str, *, title: str) -> str:
    """The QR code as inline SVG, made on this server (the secret never leaves it), with `title` as
    its accessible name. White behind it, so a scanner can read it whatever the page behind."""
    out = io.BytesIO()
    segno.make(provisioning_uri(user, secret), error="m").save(
        out,
        kind="svg",
        scale=5,
        border=4,
        light="#fff",
        xmldecl=False,
        svgns=True,
        title=title,
        svgclass="rt-qr",
        lineclass=None,
    )
    svg = out.getvalue().decode()
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" focusable="false" ', 1)


def _digits(code: str) -> str:
    # ASCII digits only: str.isdigit() also accepts other scripts' digits, which no app shows.
    return "".join(ch for ch in code if ch in "0123456789")


def totp_step_for(secret: str, code: str, *, after_step: int = 0, now: float | None = None) -> int | None:
    """The time step this 6-digit code belongs to (within the allowed drift), or None. Steps at or
    before `after_step` (codes already used) do not count."""
    code = _digits(code)
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    found = None
    for drift in range(-CLOCK_DRIFT_STEPS, CLOCK_DRIFT_STEPS + 1):
        step = int(now // totp.interval) + drift
        # Every candidate is compared, so the time taken says nothing about which one matched.
        if hmac.compare_digest(totp.generate_otp(step), code) and step > after_step:
            found = step
    return found


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isascii() and ch.isalnum())


def new_recovery_codes() -> list[str]:
    """Ten codes like `k7mq-x3ta-29pw` (60 bits each), shown once."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    return codes


def has_two_factor(user: object) -> bool:
    return isinstance(user, User) and TwoFactor.objects.filter(user=user).exists()


def must_set_up(user: object) -> bool:
    """A coordinator without two-factor sign-in, while TWO_FACTOR_REQUIRED is on: they are sent to
    set it up before any page of the workspace. Facilitators may set it up but are not made to."""
    return bool(
        settings.TWO_FACTOR_REQUIRED and isinstance(user, User) and user.is_coordinator and not has_two_factor(user)
    )


@transaction.atomic
def two_factor_enable(*, user: User, secret: str, used_step: int = 0) -> list[str]:
    """Turn two-factor sign-in on with a secret the person has proved (by a code, from time step
    `used_step`, which then cannot sign in) their app holds. Returns the recovery codes, to be
    shown once; only their hashes are kept."""
    TwoFactor.objects.update_or_create(
        user=user, defaults={"secret": secret, "confirmed_at": timezone.now(), "last_used_step": used_step}
    )
    codes = new_recovery_codes()
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=hash_token(normalise_recovery_code(code))) for code in codes]
    )
    audit.log(user, "two_factor.turned_on", user)
    return codes


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """A new set of ten recovery codes; every old one, used or not, stops working. Returns the
    codes, to be shown once; only their hashes are kept."""
    codes = new_recovery_codes()
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=hash_token(normalise_recovery_code(code))) for code in codes]
    )
    audit.log(user, "two_factor.recovery_codes_renewed", user)
    return codes


@transaction.atomic
def two_factor_disable(*, user: User, actor: User | str, reason: str = "") -> bool:
    """Turn two-factor sign-in off (the person themselves, or `manage.py two_factor_off` for a lost
    phone). Returns False when it was not on."""
    deleted, _ = TwoFactor.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    if not deleted:
        return False
    verb = "two_factor.turned_off" if actor == user else "two_factor.reset"
    audit.log(actor, verb, user)
    return True


@dataclass(frozen=True)
class SecondStep:
    ok: bool
    used_recovery_code: bool = False


@transaction.atomic
def check_second_step(*, user: User, code: str) -> SecondStep:
    """Is this a current authenticator code (not used before) or an unused recovery code? A code
    that works is used up here, inside one transaction, so two requests cannot both use it."""
    device = TwoFactor.objects.select_for_update().filter(user=user).first()
    if device is None:
        return SecondStep(ok=False)
    step = totp_step_for(device.secret, code, after_step=device.last_used_step)
    if step is not None:
        device.last_used_step = step
        device.save(update_fields=["last_used_step"])
        return SecondStep(ok=True)
    normalised = normalise_recovery_code(code)
    if len(normalised) != 12:
        return SecondStep(ok=False)
    used = RecoveryCode.objects.filter(user=user, code_hash=hash_token(normalised), used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if used:
        audit.log(user, "two_factor.recovery_code_used", user)
        return SecondStep(ok=True, used_recovery_code=True)
    return SecondStep(ok=False)


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def sign_out_elsewhere(*, user: User) -> None:
    """Sign the person out of every browser: the caller keeps the current one with Django's
    update_session_auth_hash. Used on turning two-factor on and on signing in with a recovery code
    (a lost phone or a stolen code: any other browser signed in may not be theirs)."""
    User.objects.filter(pk=user.pk).update(sessions_epoch=F("sessions_epoch") + 1)
    user.refresh_from_db(fields=["sessions_epoch"])
    audit.log(user, "account.signed_out_elsewhere", user)
