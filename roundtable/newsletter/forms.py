from __future__ import annotations

from django import forms

SOURCES = [("page", "Sign-up page"), ("footer", "Page footer")]


class SignupForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    name = forms.CharField(
        label="Your name (optional)",
        max_length=100,
        required=False,
        help_text="What you would like to be called.",
        error_messages={"max_length": "Name must be 100 characters or fewer"},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    source = forms.ChoiceField(choices=SOURCES, required=False, widget=forms.HiddenInput)

    def clean_source(self) -> str:
        return self.cleaned_data.get("source") or "page"
