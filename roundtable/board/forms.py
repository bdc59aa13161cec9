"""The forms people in the room fill in: a code to join, an idea, and the facilitator's choices."""

from __future__ import annotations

from django import forms

from roundtable.board.models import CODE_LENGTH, MAX_DOTS, MAX_IDEA_LENGTH
from roundtable.board.services import MAX_PEOPLE_AT_A_TABLE, MAX_PHOTO_ALT_LENGTH


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Board code",
        help_text="The 6 letters and numbers on the screen at the front of the room, for example KT7M4B",
        max_length=20,
        error_messages={"required": "Enter the board code", "max_length": "The board code is 6 letters and numbers"},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).upper()
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError("The board code is 6 letters and numbers, like KT7M4B")
        return code


class JoinForm(forms.Form):
    display_name = forms.CharField(
        label="Your name on the board",
        help_text="Only shown beside your ideas if the board shows names. You can leave it empty.",
        required=False,
        max_length=60,
        error_messages={"max_length": "Your name on the board must be 60 characters or fewer"},
    )
    people = forms.IntegerField(
        label="How many people are using this device",
        help_text=(
            "If a table shares one phone or tablet, say how many people, so each person gets their own dots. "
            "Leave it empty if it is just you."
        ),
        required=False,
        min_value=1,
        max_value=MAX_PEOPLE_AT_A_TABLE,
        error_messages={
            "invalid": "Enter the number of people as a number, like 4",
            "min_value": f"Say how many people share this device, from 1 to {MAX_PEOPLE_AT_A_TABLE}",
            "max_value": f"Say how many people share this device, from 1 to {MAX_PEOPLE_AT_A_TABLE}",
        },
    )


class IdeaForm(forms.Form):
    text = forms.CharField(
        label="Your idea",
        help_text=f"Up to {MAX_IDEA_LENGTH} characters. Add one idea at a time.",
        max_length=MAX_IDEA_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter your idea",
            "max_length": f"Your idea must be {MAX_IDEA_LENGTH} characters or fewer",
        },
    )
    photo = forms.FileField(
        label="A photo (optional)",
        help_text="For example a sticky note or a model you made. JPG, PNG or WebP.",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    photo_alt = forms.CharField(
        label="What the photo shows (if you add one)",
        help_text="For people who cannot see it, for example: A yellow sticky note that says “more evening sessions”.",
        required=False,
        max_length=MAX_PHOTO_ALT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"What the photo shows must be {MAX_PHOTO_ALT_LENGTH} characters or fewer"},
    )


class BoardForm(forms.Form):
    question = forms.CharField(
        label="Question people are answering",
        help_text="For example: What should the Centre fund next year?",
        max_length=300,
        error_messages={
            "required": "Enter the question people are answering",
            "max_length": "The question must be 300 characters or fewer",
        },
    )
    dots_per_person = forms.IntegerField(
        label="Dots each person can place",
        initial=3,
        min_value=1,
        max_value=MAX_DOTS,
        error_messages={
            "required": "Enter how many dots each person can place",
            "invalid": "Enter a whole number of dots, like 3",
            "min_value": f"Give each person between 1 and {MAX_DOTS} dots",
            "max_value": f"Give each person between 1 and {MAX_DOTS} dots",
        },
    )
    several_dots_on_one_idea = forms.BooleanField(label="People can put more than one dot on an idea", required=False)
    show_names = forms.BooleanField(label="Show people's names beside their ideas", required=False)
    show_votes_while_voting = forms.BooleanField(label="Show the dots while voting is open", required=False)
