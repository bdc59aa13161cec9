"""The feedback form (online, through a private link) and the same questions for typing in a
paper form. Every scale is a set of radios with words; nothing relies on colour or emoji."""

from __future__ import annotations

from typing import Any

from django import forms

from roundtable.evaluation.feedback import MAX_TEXT, Answers
from roundtable.evaluation.models import CUBE_QUESTIONS, LISTENED_QUESTION, AccessMet, CubeScale, FeelingScale

CUBE_ERRORS = {
    "voice_heard": "Choose how much your voice was heard",
    "ways_to_contribute": "Choose whether there were enough ways to contribute",
    "things_that_matter": "Choose how much it was about things that matter to you",
    "led_to_change": "Choose whether you think today will lead to change",
    "listened": "Choose how much the facilitators listened to you",
}


def _scale(label: str, choices, *, required: bool, message: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": message, "invalid_choice": message},
    )


def _text(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"Answer in {MAX_TEXT:,} characters or fewer"},
    )


class FeedbackForm(forms.Form):
    voice_heard = _scale(CUBE_QUESTIONS[0][1], CubeScale.choices, required=True, message=CUBE_ERRORS["voice_heard"])
    ways_to_contribute = _scale(
        CUBE_QUESTIONS[1][1], CubeScale.choices, required=True, message=CUBE_ERRORS["ways_to_contribute"]
    )
    things_that_matter = _scale(
        CUBE_QUESTIONS[2][1], CubeScale.choices, required=True, message=CUBE_ERRORS["things_that_matter"]
    )
    listened = _scale(LISTENED_QUESTION, CubeScale.choices, required=True, message=CUBE_ERRORS["listened"])
    led_to_change = _scale(CUBE_QUESTIONS[3][1], CubeScale.choices, required=True, message=CUBE_ERRORS["led_to_change"])
    feeling = _scale(
        "How do you feel after today? (optional)",
        FeelingScale.choices,
        required=False,
        message="Choose how you feel after today",
    )
    went_well = _text("What went well? (optional)")
    could_be_better = _text("What could be better? (optional)")
    access_met = forms.ChoiceField(
        label="Were your access needs met? (optional)",
        choices=AccessMet.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="For example the room, the toilets, the materials, breaks or support",
        error_messages={"invalid_choice": "Choose yes, partly, no or that you did not need anything"},
    )
    access_comment = _text(
        "Tell us more about your access needs on the day (optional)",
        "What worked, or what we should do differently next time",
    )
    anonymous = forms.ChoiceField(
        label="Do you want to give this feedback anonymously?",
        choices=[
            ("yes", "Yes, do not link my answers to my name"),
            ("no", "No, the team can see these answers are mine"),
        ],
        widget=forms.RadioSelect,
        help_text="If you choose anonymous, the team cannot reply to you about what you wrote.",
        error_messages={
            "required": "Choose whether to give this feedback anonymously",
            "invalid_choice": "Choose whether to give this feedback anonymously",
        },
    )

    def answers(self) -> Answers:
        data = self.cleaned_data
        fields: dict[str, Any] = {
            name: data.get(name) or (None if name in CUBE_ERRORS or name == "feeling" else "")
            for name in Answers.__dataclass_fields__
        }
        return Answers(**fields)

    @property
    def is_anonymous(self) -> bool:
        return self.cleaned_data.get("anonymous") == "yes"
