from __future__ import annotations

from django import forms

from roundtable.bookings.forms import SignupForm
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
