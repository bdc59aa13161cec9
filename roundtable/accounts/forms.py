from __future__ import annotations

import hashlib

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.cache import cache
from django.core.exceptions import ValidationError

from roundtable.core.email import queue_email
from roundtable.core.ratelimit import allow, client_key

# After this many wrong passwords for one email from one address in the window, sign-in for that
# pair waits out the window, even with the right password (so guessing cannot carry on).
SIGN_IN_FAILURES = 5
SIGN_IN_WINDOW = 15 * 60
# A looser limit per address across all emails, against trying many accounts one guess each.
SIGN_IN_FAILURES_PER_ADDRESS = 50


def _sign_in_keys(request, email: str) -> tuple[str, str]:
    ip = client_key(request) if request is not None else "unknown"
    pair = hashlib.sha256(f"{email}|{ip}".encode()).hexdigest()[:32]
    return f"signin:{pair}", f"signin-ip:{ip}"


def sign_in_blocked(request, email: str) -> bool:
    pair, ip = _sign_in_keys(request, email)
    return bool(cache.get_many([f"blocked:{pair}", f"blocked:{ip}"]))


def record_sign_in_failure(request, email: str) -> bool:
    """Count a wrong password; True when this failure used up the allowance."""
    blocked = False
    for key, limit in zip(_sign_in_keys(request, email), (SIGN_IN_FAILURES, SIGN_IN_FAILURES_PER_ADDRESS), strict=True):
        # allow() lets `count` hits through; the failure that reaches the limit starts the wait.
        if not allow(key, (limit - 1, SIGN_IN_WINDOW)):
            cache.set(f"blocked:{key}", True, timeout=SIGN_IN_WINDOW)
            blocked = True
    return blocked


WAIT_MESSAGE = (
    "There have been too many attempts to sign in with this email address. "
    "Wait 15 minutes and try again, or reset your password."
)


class SignInForm(auth_forms.AuthenticationForm):
    """Email and password, with messages in plain English. (Django calls the email `username`.)"""

    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false", "autofocus": False}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    error_messages = {
        "invalid_login": "The email address or password is not right. Check them and try again.",
        "inactive": "This account has been switched off. Ask a coordinator to switch it back on.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Django adds autofocus to this field; GOV.UK pages avoid moving focus on load.
        self.fields["username"].widget.attrs.pop("autofocus", None)

    def clean_username(self) -> str:
        # Accounts are stored in lower case, and the backend's lookup is exact.
        return self.cleaned_data["username"].strip().lower()

    def clean(self):
        email = self.cleaned_data.get("username")
        if not email or not self.cleaned_data.get("password"):
            return self.cleaned_data
        if sign_in_blocked(self.request, email):
            raise ValidationError(WAIT_MESSAGE, code="throttled")
        try:
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login" and record_sign_in_failure(self.request, email):
                raise ValidationError(WAIT_MESSAGE, code="throttled") from None
            raise


class PasswordResetRequestForm(auth_forms.PasswordResetForm):
    """Django's reset form, sending through the outbox like every other email.

    The outbox row holds only the account's id: the one-time link (it expires after
    PASSWORD_RESET_TIMEOUT and stops working once used) is minted when the mailer sends the email
    (accounts/emails.py), so no usable link is ever stored.
    """

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        queue_email(to=to_email, template="password_reset", context={"user_id": context["user"].pk})


class NewPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label = "New password"
        first.help_text = "At least 8 characters. Avoid common words and anything with your name in it."
        first.error_messages["required"] = "Enter a new password"
        second.label = "Type the new password again"
        second.help_text = ""
        second.error_messages["required"] = "Type the new password again"
        self.error_messages = {**self.error_messages, "password_mismatch": "The two passwords are not the same"}
