from __future__ import annotations

from django import forms

from roundtable.bookings.forms import AccessNeedsFields, DietaryFields, SignupForm
from roundtable.bookings.services import AccessNeedsAnswer
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
