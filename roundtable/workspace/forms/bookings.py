"""Forms for the coordinator's booking tools: a booking taken by phone or email, a message to the
people on a session, and the bookings download."""

from __future__ import annotations

from typing import cast

from django import forms

from roundtable.bookings.forms import SignupForm
from roundtable.bookings.models import DietaryKind
from roundtable.bookings.session_changes import AUDIENCES


class BookingOnBehalfForm(SignupForm):
    """The public sign-up questions, asked by a coordinator on the phone: the same fields, limits
    and checks, with the wording turned round ("their" not "your")."""

    WORDING = {
        "name": ("Their name, as they want to be called", "This goes on their name badge. It does not have to be "
                 "their full name."),
        "email": ("Their email address", "We send their confirmation here, with a private link to change or cancel."),
        "phone": ("Their phone number", "Only if they would like us to be able to call them."),
        "pronouns": ("Their pronouns", "For example, she/her, he/him or they/them."),
        "interests": ("What they are interested in", "A few words for their name badge."),
        "perspectives": ("How would they describe themselves?", "Select all they say. This is only used to keep "
                         "a broad mix of people, and is never shown next to their name."),
        "access_needs": ("Is there anything that would help them take part?", ""),
        "access_details": ("Anything else that would help them", "For example, a seat near the door."),
        "access_prefer_not_to_say": ("They prefer not to say", ""),
        "access_consent": ("They agreed to us storing their access needs, after I read them the words above", ""),
        "keep_on_file": ("They want us to keep their access needs on file for next time", ""),
        "dietary_kinds": ("Do they have any dietary needs?", "Select all they say. The venue is told how many "
                          "people need each kind of food, never who."),
        "dietary_needs": ("Details of their dietary needs", "For example, which nuts they are allergic to and how "
                          "serious it is, or a need not on the list."),
        "heard_about": ("How did they hear about this session?", ""),
    }  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, help_text) in self.WORDING.items():
            self.fields[name].label = label
            self.fields[name].help_text = help_text
        self.fields["name"].error_messages["required"] = "Enter their name"
        self.fields["email"].error_messages["required"] = (
            "Enter their email address, so we can send their confirmation and private link"
        )

    def clean(self):
        data = super().clean()
        if "access_consent" in self.errors:
            self.errors["access_consent"] = self.error_class(
                ["Read them the words about storing access needs and tick the box if they agree, "
                 "or clear the access needs"]
            )  # fmt: skip
        if "dietary_needs" in self.errors and DietaryKind.OTHER in (data.get("dietary_kinds") or []):
            self.errors["dietary_needs"] = self.error_class(["Write what their other dietary need is"])
        return data


AUDIENCE_LABELS = {
    "confirmed": "Everyone with a place",
    "waiting": "Everyone on the waiting list",
    "everyone": "Everyone with a place and everyone waiting",
}


class MessageForm(forms.Form):
    audience = forms.ChoiceField(
        label="Who is it for?",
        choices=[(key, AUDIENCE_LABELS[key]) for key in AUDIENCES],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the message is for", "invalid_choice": "Choose who the message is for"},
    )
    subject = forms.CharField(
        label="Subject",
        max_length=150,
        help_text="What people see in their inbox, for example “Change of room on Saturday”.",
        error_messages={"required": "Enter a subject", "max_length": "The subject must be 150 characters or fewer"},
    )
    body = forms.CharField(
        label="Message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Plain English, no jargon. We add a greeting with their name, the session's date, and their "
        "private link to change or cancel.",
        error_messages={"required": "Enter the message", "max_length": "The message must be 5,000 characters or fewer"},
    )

    def __init__(self, *args, counts: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.counts = counts
        cast(forms.ChoiceField, self.fields["audience"]).choices = [
            (key, f"{AUDIENCE_LABELS[key]} ({counts[key]} {'person' if counts[key] == 1 else 'people'})")
            for key in AUDIENCES
        ]

    def clean_subject(self) -> str:
        # One line: a line break in an email subject could add headers.
        subject = " ".join(self.cleaned_data["subject"].split())
        if not subject:
            raise forms.ValidationError("Enter a subject")
        return subject

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Enter the message")
        return body

    def clean_audience(self) -> str:
        audience = self.cleaned_data["audience"]
        if not self.counts.get(audience):
            raise forms.ValidationError("Nobody is in that group yet. Choose another, or wait until people have booked")
        return audience


class ExportForm(forms.Form):
    file_format = forms.ChoiceField(
        label="File type",
        choices=[("xlsx", "Excel spreadsheet (.xlsx)"), ("csv", "CSV (.csv), for any spreadsheet program")],
        initial="xlsx",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a file type", "invalid_choice": "Choose a file type from the list"},
    )
    include_access_needs = forms.BooleanField(
        label="Include access needs (health information)",
        required=False,
        help_text="Only if you need them for planning. The download is recorded, and the file must be kept safe "
        "and deleted after the session.",
    )
