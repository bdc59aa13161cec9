"""Smaller coordinator forms: run a session again, cancel it, and programmes."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from roundtable.cocreation.models import Programme
from roundtable.core.forms import GovukDateField


class DuplicateSessionForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="Change it if the new session needs a different name.",
        error_messages={"required": "Enter a title", "max_length": "Title must be 200 characters or fewer"},
    )
    starts_on = GovukDateField(
        what="The date of the new session",
        label="Date of the new session",
        help_text="It starts and ends at the same times as this one. For example, 27 3 2027",
    )

    def clean_starts_on(self):
        day = self.cleaned_data["starts_on"]
        if day < timezone.localdate():
            raise ValidationError("The date of the new session must be today or in the future")
        if day.year > timezone.localdate().year + 5:
            raise ValidationError("The date of the new session must be within the next 5 years")
        return day


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="We put this in the email to everyone booked or waiting, and on the session's page.",
        error_messages={
            "required": "Enter the reason, so we can tell people why",
            "max_length": "The reason must be 1,000 characters or fewer",
        },
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Enter the reason, so we can tell people why")
        return reason


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["name", "slug", "summary"]
        labels = {"name": "Name", "slug": "Short name for web addresses (optional)", "summary": "What it is about"}
        help_texts = {
            "name": "For example, Building the Centre together.",
            "slug": "Lower-case letters, numbers and hyphens, like building-together. Leave empty to make "
            "one from the name.",
            "summary": "A few sentences in plain English about what this programme is for.",
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 4}), "slug": forms.TextInput(attrs={"spellcheck": "false"})}
        error_messages = {
            "name": {"required": "Enter a name", "max_length": "Name must be 200 characters or fewer"},
            "slug": {
                "invalid": "The short name can only use lower-case letters, numbers and hyphens, like building-together",
                "max_length": "The short name must be 50 characters or fewer",
                "unique": "Another programme already uses that short name. Choose a different one",
                "blank": "Enter a short name for web addresses, using letters or numbers",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["summary"].required = False

    def _post_clean(self):
        # The services apply the answers (and the model's checks) themselves, with an unchanged instance.
        pass

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {"name": data["name"], "slug": data.get("slug") or "", "summary": data.get("summary") or ""}

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        messages = self._meta.error_messages or {}
        for name, errors in error.error_dict.items():
            for item in errors:
                text = messages.get(name, {}).get(item.code or "") or " ".join(item.messages)
                self.add_error(name if name in self.fields else None, text)
