from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError

from roundtable.accounts.backends import sign_in_blocked
from roundtable.accounts.twofactor import has_two_factor, must_set_up
from roundtable.core.email import queue_email

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
        # The lockout itself is in the authentication backend (accounts/backends.py), which every
        # way of signing in passes through; this form only says "wait" instead of "not right".
        if sign_in_blocked(self.request, email):
            raise ValidationError(WAIT_MESSAGE, code="throttled")
        try:
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login" and sign_in_blocked(self.request, email):
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


class TwoFactorCodeForm(forms.Form):
    """One code: six digits from the authenticator app (spaces are fine), or on the sign-in and
    turn-off steps one of the recovery codes."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "max_length": "That is too long for a code. Enter the 6-digit code from your authenticator app",
        },
    )

    def __init__(self, *args, recovery_allowed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        if recovery_allowed:
            field.help_text = "The 6-digit code your app shows now. If you do not have your phone, enter one of your recovery codes instead."
            field.error_messages["required"] = "Enter the 6-digit code from your authenticator app, or a recovery code"
        else:
            field.help_text = "The 6-digit code your app shows now, for example 123 456."
            # Only digits can be a code here, so phones show the number pad.
            field.widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        return " ".join(self.cleaned_data["code"].split())


class AdminSignInForm(AdminAuthenticationForm):
    """The raw-data admin's own sign-in asks for a password only, so it must not become a way
    around two-factor sign-in: an account that has it on (or must, under TWO_FACTOR_REQUIRED)
    signs in on the site's sign-in page first, and the admin then opens without asking again."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if has_two_factor(user) or must_set_up(user):
            raise ValidationError(
                "This account uses two-factor sign-in. Sign in on the site's sign-in page, then open the admin again.",
                code="two_factor",
            )
