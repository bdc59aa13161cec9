"""Balanced places on the session form: groups of places held back for people coming for the
first time and/or chosen perspectives, until some days before the session.

A Django formset, so it works without JavaScript: every existing group is a row (with a box to
remove it) and one empty row is there to add another. Saving brings a fresh empty row.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django import forms
from django.utils import timezone

from roundtable.cocreation.models import ReservedPlaces, Session
from roundtable.cocreation.services import HELD_PERSPECTIVES, HeldPlaces, shift_days

NEWCOMERS = "newcomers"
MAX_GROUPS = 10
WHO_CHOICES = [(NEWCOMERS, "People coming for the first time")] + [
    (code, ReservedPlaces.PEOPLE[code][0].upper() + ReservedPlaces.PEOPLE[code][1:]) for code in HELD_PERSPECTIVES
]


class HeldPlacesForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    places = forms.IntegerField(
        label="Number of places to hold back",
        required=False,
        min_value=1,
        max_value=10_000,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        error_messages={
            "invalid": "Enter the number of places to hold back as a whole number, like 10",
            "min_value": "Hold back at least 1 place",
            "max_value": "Hold back at most 10,000 places",
        },
    )
    who = forms.MultipleChoiceField(
        label="Who are they for?",
        required=False,
        choices=WHO_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Someone who fits any of these can take one of the places.",
        error_messages={"invalid_choice": "Choose who the places are for from the list"},
    )
    release_days_before = forms.IntegerField(
        label="Open them to everyone this many days before the session",
        required=False,
        initial=7,
        min_value=0,
        max_value=365,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        help_text="Any of these places still free then go to the waiting list and to everyone.",
        error_messages={
            "invalid": "Enter the number of days as a whole number, like 7",
            "min_value": "The number of days cannot be less than 0",
            "max_value": "The number of days must be 365 or fewer",
        },
    )
    remove = forms.BooleanField(label="Remove this group of held places", required=False)

    def clean(self):
        data = super().clean()
        if data.get("remove") or not self.has_changed() or self.is_blank:
            return data
        if data.get("places") is None and "places" not in self.errors:
            self.add_error("places", "Enter how many places to hold back")
        if not data.get("who") and "who" not in self.errors:
            self.add_error("who", "Choose who the held places are for")
        if data.get("release_days_before") is None and "release_days_before" not in self.errors:
            self.add_error("release_days_before", "Enter how many days before the session to open them to everyone")
        return data

    @property
    def is_blank(self) -> bool:
        """Neither a number nor anyone chosen: the empty row left empty, or a group cleared out
        (which removes it). The days box alone does not count, as it starts filled in."""
        data = getattr(self, "cleaned_data", {})
        return data.get("places") is None and not data.get("who") and not {"places", "who"} & set(self.errors)

    @property
    def is_kept(self) -> bool:
        """A group to save: filled in and not ticked for removal."""
        data = getattr(self, "cleaned_data", {})
        return bool(data) and not data.get("remove") and data.get("places") is not None and not self.is_blank

    def entry(self) -> HeldPlaces:
        data = self.cleaned_data
        return HeldPlaces(
            id=data.get("id"),
            places=data["places"],
            release_days_before=data["release_days_before"],
            for_newcomers=NEWCOMERS in data["who"],
            perspectives=tuple(code for code in data["who"] if code != NEWCOMERS),
        )


class BaseHeldPlacesFormSet(forms.BaseFormSet):
    error_messages: dict[str, str]  # set by BaseFormSet.__init__; django-stubs leave it out

    def check_against(self, *, capacity: int | None, starts_at: datetime | None) -> None:
        """Checks that need the rest of the session form: the total, and new groups that would be
        released before anyone could use them."""
        kept = [form for form in self.forms if form.is_kept and not form.errors]
        if capacity is not None and kept:
            held = sum(form.cleaned_data["places"] for form in kept)
            if held > capacity:
                kept[0].add_error(
                    "places", f"The held places add up to {held}, more than the {capacity} places on the session"
                )
        if starts_at is None:
            return
        for form in kept:
            if form.cleaned_data.get("id") is None and form.errors == {}:
                days = form.cleaned_data["release_days_before"]
                if days and shift_days(starts_at, -days) <= timezone.now():
                    form.add_error(
                        "release_days_before",
                        f"The session is less than {days} days away, so these places would open to everyone "
                        "straight away. Choose fewer days",
                    )

    def entries(self) -> list[HeldPlaces]:
        return [form.entry() for form in self.forms if form.is_kept]


HeldPlacesFormSet = forms.formset_factory(
    HeldPlacesForm, formset=BaseHeldPlacesFormSet, extra=1, max_num=MAX_GROUPS, validate_max=True,
    absolute_max=MAX_GROUPS + 5,
)  # fmt: skip


def initial_for(session: Session) -> list[dict]:
    start = timezone.localtime(session.starts_at).date()
    return [
        {
            "id": pool.pk,
            "places": pool.places,
            "who": ([NEWCOMERS] if pool.for_newcomers else []) + list(pool.perspectives),
            "release_days_before": max((start - timezone.localtime(pool.release_at).date()).days, 0),
        }
        for pool in ReservedPlaces.objects.filter(session=session).order_by("id")
    ]


def held_places_formset(data=None, *, session: Session | None = None) -> BaseHeldPlacesFormSet:
    initial = initial_for(session) if session is not None else []
    formset = cast(BaseHeldPlacesFormSet, HeldPlacesFormSet(data, prefix="held", initial=initial))
    formset.error_messages = {
        **formset.error_messages,
        "too_many_forms": f"A session can have at most {MAX_GROUPS} groups of held places",
    }
    return formset
