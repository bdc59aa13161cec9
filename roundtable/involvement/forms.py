from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from roundtable.bookings.forms import AccessNeedsFields, DietaryFields, SignupForm
from roundtable.bookings.services import AccessNeedsAnswer
from roundtable.core.forms import GovukDateField, PoundsField
from roundtable.involvement.models import DataRequest
from roundtable.people.models import Person


class GetLinkForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="The address you used to sign up for a session",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


class DetailsForm(forms.ModelForm):
    perspectives = SignupForm.base_fields["perspectives"]

    class Meta:
        model = Person
        fields = ["name", "pronouns", "interests", "phone", "perspectives"]
        labels = {
            "name": "The name you want to be called",
            "pronouns": "Pronouns",
            "interests": "What you are interested in",
            "phone": "Phone number",
        }
        help_texts = {"phone": "Only the team uses it, to reach you about a session"}
        error_messages = {"name": {"required": "Enter the name you want to be called"}}


class DataRequestForm(forms.Form):
    """A request about someone's data, written down by the team the day it is noticed."""

    email = forms.EmailField(
        label="Their email address",
        required=False,
        help_text="If they have taken part, we find their record from this address",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    kind = forms.ChoiceField(
        label="What they asked for",
        choices=DataRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what they asked for"},
    )
    received_on = GovukDateField(
        label="When the request arrived",
        what="The date the request arrived",
        help_text="The deadline is one calendar month from this day. For example, 27 3 2027",
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How it reached us and what they said. Do not write down health details",
        error_messages={"max_length": "Notes must be 5,000 characters or fewer"},
    )

    def __init__(self, *args, person: Person | None = None, **kwargs) -> None:
        self.person = person
        super().__init__(*args, **kwargs)

    def clean_received_on(self) -> date:
        received = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise forms.ValidationError("The date the request arrived must be today or in the past")
        return received

    def clean_email(self) -> str:
        email = self.cleaned_data.get("email", "")
        if not email and self.person is None:
            raise forms.ValidationError("Enter their email address")
        return email


class CorrectionForm(forms.Form):
    """ "Ask us to correct something", from the person's own page."""

    wrong = forms.CharField(
        label="What is wrong?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, “My name is spelt wrong on my badge” or “I did not come to the March session”",
        error_messages={
            "required": "Tell us what is wrong",
            "max_length": "Tell us what is wrong in 2,000 characters or fewer",
        },
    )
    should_say = forms.CharField(
        label="What should it say?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Tell us what it should say",
            "max_length": "Tell us what it should say in 2,000 characters or fewer",
        },
    )


class DataRequestDoneForm(forms.Form):
    completed_on = GovukDateField(label="When it was done", what="The date it was done")
    note = forms.CharField(
        label="What you did",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, “Corrected the spelling of their name”. Do not write down health details",
        error_messages={"max_length": "The note must be 5,000 characters or fewer"},
    )

    def __init__(self, *args, data_request: DataRequest, **kwargs) -> None:
        self.data_request = data_request
        super().__init__(*args, **kwargs)

    def clean_completed_on(self) -> date:
        done = self.cleaned_data["completed_on"]
        if done > timezone.localdate():
            raise forms.ValidationError("The date it was done must be today or in the past")
        if done < self.data_request.received_on:
            raise forms.ValidationError("The date it was done must be on or after the day the request arrived")
        return done


class DetailsDietaryForm(DietaryFields):
    """Dietary needs from the details page: they go to every upcoming session the person has."""


class KeptAccessNeedsForm(forms.Form):
    """Access needs kept on file, changed by the person who asked us to keep them. The consent is
    already held (the details page only shows this form then), so there is no consent box here."""

    access_needs = AccessNeedsFields.base_fields["access_needs"]
    access_details = AccessNeedsFields.base_fields["access_details"]
    access_prefer_not_to_say = AccessNeedsFields.base_fields["access_prefer_not_to_say"]

    def answer(self) -> AccessNeedsAnswer:
        data = self.cleaned_data
        return AccessNeedsAnswer(
            needs=list(data.get("access_needs") or []),
            details=data.get("access_details") or "",
            prefer_not_to_say=bool(data.get("access_prefer_not_to_say")),
            consent=True,
            keep_on_file=True,
        )


def smaller_amount_field(label: str) -> PoundsField:
    """The amount someone asks for instead of a fee they were offered (ask for less, or take less
    to stay within their benefit limits); the service checks it is below the offer."""
    return PoundsField(
        label=label,
        required=False,
        most=100_000,
        error_messages={
            "invalid": "Enter an amount in pounds, like 20 or 12.50",
            "min_value": "Enter an amount more than £0",
            "max_value": "Enter an amount less than the payment offered",
        },
    )
