"""The sign-up and access-needs forms. Templates render the GOV.UK markup by hand from these
fields; the forms own every limit and every error message a person sees."""

from __future__ import annotations

import re

from django import forms

from roundtable.bookings.models import AccessNeed, AccessNeeds, Booking, DietaryKind
from roundtable.bookings.services import AccessNeedsAnswer
from roundtable.people.models import Perspective
from roundtable.people.services import HEALTH_DATA_WORDING, KEEP_ON_FILE_WORDING, UPDATES_WORDING

PHONE_CHARACTERS = re.compile(r"^[0-9+()\-. ]+$")


def _text(
    label: str, *, what: str, max_length: int, required: bool = False, help_text: str = "", required_message: str = ""
) -> forms.CharField:
    """A text field whose messages name the thing in plain English ("Pronouns must be …")."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        error_messages={
            "required": required_message or f"Enter {what.lower()}",
            "max_length": f"{what} must be {max_length:,} characters or fewer",
            "null_characters_not_allowed": f"{what} must not contain null characters",
        },
    )


def _email_field(*, help_text: str, required_message: str) -> forms.EmailField:
    """The email address a booking is made with, with the same messages wherever it is asked."""
    bad = "Enter an email address in the correct format, like name@example.com"
    return forms.EmailField(
        label="Email address",
        max_length=254,
        help_text=help_text,
        error_messages={
            "required": required_message,
            "invalid": bad,
            "max_length": "Email address must be 254 characters or fewer",
            "null_characters_not_allowed": bad,
        },
    )


class AccessNeedsFields(forms.Form):
    """The access-needs questions, asked the same way at sign-up and from the private link."""

    access_needs = forms.MultipleChoiceField(
        label="Is there anything that would help you take part?",
        required=False,
        choices=AccessNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose access needs from the list"},
    )
    access_details = _text(
        "Anything else that would help",
        what="What would help",
        max_length=2000,
        help_text="For example, a seat near the door, or information sent in advance.",
    )
    access_prefer_not_to_say = forms.BooleanField(label="I prefer not to say", required=False)
    access_consent = forms.BooleanField(label=HEALTH_DATA_WORDING, required=False)
    keep_on_file = forms.BooleanField(label=KEEP_ON_FILE_WORDING, required=False)

    def clean(self):
        data = super().clean()
        needs = data.get("access_needs") or []
        details = (data.get("access_details") or "").strip()
        if (needs or details) and not data.get("access_consent"):
            self.add_error(
                "access_consent",
                "Tick the box to agree to us storing your access needs, or clear the access needs you gave",
            )
        return data

    def access_needs_answer(self) -> AccessNeedsAnswer:
        data = self.cleaned_data
        return AccessNeedsAnswer(
            needs=list(data.get("access_needs") or []),
            details=data.get("access_details") or "",
            prefer_not_to_say=bool(data.get("access_prefer_not_to_say")),
            consent=bool(data.get("access_consent")),
            keep_on_file=bool(data.get("keep_on_file")) and bool(data.get("access_consent")),
        )

    @staticmethod
    def initial_from(needs: AccessNeeds | None) -> dict:
        if needs is None:
            return {}
        return {
            "access_needs": list(needs.needs),
            "access_details": needs.details,
            "access_prefer_not_to_say": needs.prefer_not_to_say,
            "access_consent": True,
            "keep_on_file": needs.keep_on_file,
        }


class DietaryFields(forms.Form):
    """The dietary questions, asked the same way at sign-up, from the private link and by a
    coordinator: common kinds the venue can count, and the details in the person's own words."""

    dietary_kinds = forms.MultipleChoiceField(
        label="Do you have any dietary needs?",
        required=False,
        choices=DietaryKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. We provide drinks and snacks. The venue is told how many people "
        "need each kind of food, never who.",
        error_messages={"invalid_choice": "Choose dietary needs from the list"},
    )
    dietary_needs = _text(
        "Details of your dietary needs",
        what="Details of dietary needs",
        max_length=500,
        help_text="For example, which nuts you are allergic to and how serious it is, or a need not on the list.",
    )

    def clean(self):
        data = super().clean()
        kinds = data.get("dietary_kinds") or []
        if (
            DietaryKind.OTHER in kinds
            and not (data.get("dietary_needs") or "").strip()
            and "dietary_needs" not in self.errors
        ):
            self.add_error("dietary_needs", "Tell us what your other dietary need is")
        return data

    def dietary_fields(self) -> dict:
        data = self.cleaned_data
        return {"dietary_kinds": list(data.get("dietary_kinds") or []), "dietary_needs": data.get("dietary_needs", "")}

    @staticmethod
    def dietary_initial_from(booking: Booking) -> dict:
        return {"dietary_kinds": list(booking.dietary_kinds), "dietary_needs": booking.dietary_needs}


class DietaryForm(DietaryFields):
    """Changing dietary needs from the private link."""


class SignupForm(DietaryFields, AccessNeedsFields):
    # No job title or organisation, ever: people are their chosen name, pronouns and interests.
    name = _text(
        "The name you want to be called",
        what="Name",
        max_length=100,
        required=True,
        required_message="Enter the name you want to be called",
        help_text="This goes on your name badge. It does not have to be your full name.",
    )
    email = _email_field(
        help_text="We will send your confirmation and a private link to change or cancel your booking.",
        required_message="Enter your email address",
    )
    phone = _text(
        "Phone number",
        what="Phone number",
        max_length=30,
        help_text="Only if you would like us to be able to call you, for example on the day.",
    )
    pronouns = _text("Pronouns", what="Pronouns", max_length=40, help_text="For example, she/her, he/him or they/them.")
    interests = _text(
        "What you are interested in",
        what="Interests",
        max_length=300,
        help_text="A few words for your name badge, for example “mental health, gardening, data”.",
    )
    perspectives = forms.MultipleChoiceField(
        label="How would you describe yourself?",
        required=False,
        choices=Perspective.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. We only use this to make sure many kinds of people come; "
        "it is never shown next to your name.",
        error_messages={"invalid_choice": "Choose from the list"},
    )
    heard_about = _text("How did you hear about this session?", what="How you heard about it", max_length=300)
    wants_updates = forms.BooleanField(label=UPDATES_WORDING, required=False)

    field_order = [
        "name",
        "email",
        "phone",
        "pronouns",
        "interests",
        "perspectives",
        "access_needs",
        "access_details",
        "access_prefer_not_to_say",
        "access_consent",
        "keep_on_file",
        "dietary_kinds",
        "dietary_needs",
        "heard_about",
        "wants_updates",
    ]

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and (not PHONE_CHARACTERS.match(phone) or sum(c.isdigit() for c in phone) < 6):
            raise forms.ValidationError("Enter a phone number, like 01632 960 001 or 07700 900 982")
        return phone

    def booking_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "email": data["email"],
            "phone": data.get("phone", ""),
            "pronouns": data.get("pronouns", ""),
            "interests": data.get("interests", ""),
            "perspectives": list(data.get("perspectives") or []),
            "access_needs": self.access_needs_answer(),
            **self.dietary_fields(),
            "heard_about": data.get("heard_about", ""),
            "wants_updates": bool(data.get("wants_updates")),
        }


class SendLinkForm(forms.Form):
    """ "Send my link again": only the address the booking was made with."""

    email = _email_field(
        help_text="The address you signed up with. We will email the private link for your booking there.",
        required_message="Enter the email address you signed up with",
    )


class AccessNeedsForm(AccessNeedsFields):
    """Changing access needs from the private link."""
