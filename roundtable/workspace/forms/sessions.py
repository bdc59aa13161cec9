"""The coordinator's session and venue forms. They only check and convert what was typed; the
services in cocreation/services.py do the writing (and check the rules that need the database).

Times are typed as Europe/London wall-clock times and become aware datetimes here.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.cocreation.models import Programme, Session, Venue
from roundtable.cocreation.services import MAX_CAPACITY, MAX_REMINDER_DAYS, AgendaEntry
from roundtable.core.forms import (
    GovukDateField,
    IdModelChoiceField,
    IdModelMultipleChoiceField,
    TimeOfDayField,
    london_datetime,
)
from roundtable.workspace.forms.held_places import held_places_formset


def _text(label: str, *, required_message: str = "", max_length: int | None = None, **kwargs) -> forms.CharField:
    messages = {"required": required_message or f"Enter {label.lower()}"}
    if max_length:
        messages["max_length"] = f"{label} must be {max_length:,} characters or fewer"
    return forms.CharField(label=label, max_length=max_length, error_messages=messages, **kwargs)


# --- The session form ---------------------------------------------------------------------------

_AGENDA_LINE = re.compile(r"^(\S+)\s+(.+)$")
_BREAK = re.compile(r"\b(break|lunch)\b", re.IGNORECASE)
_agenda_time = TimeOfDayField(what="The time")


def parse_agenda(text: str) -> list[AgendaEntry]:
    """One item per line, 'HH:MM What happens'. Lines naming a break or lunch are breaks."""
    items, problems = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = " ".join(raw.split())
        if not line:
            continue
        match = _AGENDA_LINE.match(line)
        try:
            if not match:
                raise ValidationError("")
            at = _agenda_time.to_python(match.group(1))
            if at is None:  # the pattern needs a time, so this cannot happen; it keeps the type exact
                raise ValidationError("")
        except ValidationError:
            problems.append(f"Line {number} of the agenda must start with a time, like 13:30 Welcome")
            continue
        title = match.group(2).lstrip("-–— ").strip()
        if len(title) > 200:
            problems.append(f"Line {number} of the agenda must be 200 characters or fewer")
            continue
        items.append(AgendaEntry(starts_at=at, title=title, is_break=bool(_BREAK.search(title))))
    if problems:
        raise ValidationError(problems)
    return sorted(items, key=lambda item: item.starts_at)


def agenda_text(session: Session) -> str:
    return "\n".join(f"{item.starts_at:%H:%M} {item.title}" for item in session.agenda.all())


class FacilitatorChoiceField(IdModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name or obj.email


class SessionForm(forms.Form):
    title = _text("Title", max_length=200, required_message="Enter a title")
    programme = IdModelChoiceField(
        label="Programme (optional)",
        queryset=Programme.objects.all(),
        required=False,
        empty_label="Not part of a programme",
        error_messages={"invalid_choice": "Choose a programme from the list"},
    )
    venue = IdModelChoiceField(
        label="Venue",
        queryset=Venue.objects.all(),
        empty_label="Choose a venue",
        error_messages={"required": "Choose a venue", "invalid_choice": "Choose a venue from the list"},
    )
    date = GovukDateField(what="The date of the session", label="Date", help_text="For example, 27 3 2027")
    start_time = TimeOfDayField(what="The start time", label="Starts at", help_text="UK time, for example 13:30")
    end_time = TimeOfDayField(what="The end time", label="Ends at", help_text="UK time, for example 16:30")
    capacity = forms.IntegerField(
        label="Number of places",
        initial=30,
        min_value=1,
        max_value=MAX_CAPACITY,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        error_messages={
            "required": "Enter the number of places",
            "invalid": "Enter the number of places as a whole number, like 30",
            "min_value": "There must be at least 1 place",
            "max_value": f"There can be at most {MAX_CAPACITY:,} places",
        },
    )
    signup_opens_date = GovukDateField(
        what="The date sign-up opens",
        label="Sign-up opens (optional)",
        required=False,
        help_text="Leave empty to open sign-up as soon as the session is published.",
    )
    signup_opens_time = TimeOfDayField(
        what="The time sign-up opens", label="Time sign-up opens (optional)", required=False,
        help_text="Leave empty for the start of that day.",
    )  # fmt: skip
    signup_closes_date = GovukDateField(
        what="The date sign-up closes",
        label="Sign-up closes (optional)",
        required=False,
        help_text="Leave empty to take sign-ups until the session starts.",
    )
    signup_closes_time = TimeOfDayField(
        what="The time sign-up closes", label="Time sign-up closes (optional)", required=False,
        help_text="Leave empty for the end of that day.",
    )  # fmt: skip
    summary = _text(
        "What it is for",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A few sentences in plain English. This is the first thing people read.",
    )
    goals = _text(
        "Goals (optional)",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One goal per line.",
    )
    who_comes = _text(
        "Who comes",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=Session._meta.get_field("who_comes").default,
    )
    reminder_days = _text(
        "Reminder emails (optional)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
        help_text="How many days before the session to remind everyone with a place, separated by commas, "
        "like 7, 1. Leave empty for the usual reminders 7 days and 1 day before.",
    )
    facilitators = FacilitatorChoiceField(
        label="Who runs it (optional)",
        queryset=User.objects.filter(role=User.Role.FACILITATOR, is_active=True).order_by("name", "email"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The facilitators you choose see this session's agenda, sign-in list, badges and access "
        "briefing. Choose nobody to let every facilitator see them.",
        error_messages={"invalid_choice": "Choose facilitators from the list", "invalid_pk_value": "Choose "
                        "facilitators from the list"},
    )  # fmt: skip
    share_access_details = forms.BooleanField(
        label="Let them read what people wrote about their access needs",
        required=False,
        help_text="Without this, facilitators see only how many people need each thing, not who or their words.",
    )
    agenda = _text(
        "Agenda (optional)",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "true"}),
        help_text="One item per line: the time, then what happens, like 13:30 Welcome. "
        "Lines with the word break or lunch are shown as breaks.",
    )

    # Where a service's message for a model field is shown on this form.
    SERVICE_FIELDS = {
        "title": "title",
        "starts_at": "start_time",
        "ends_at": "end_time",
        "capacity": "capacity",
        "signup_opens_at": "signup_opens_date",
        "signup_closes_at": "signup_closes_date",
    }

    def __init__(self, data=None, *args, session: Session | None = None, **kwargs):
        self.session = session
        if session is not None and data is None:
            kwargs["initial"] = {**self.initial_for(session), **kwargs.get("initial", {})}
        super().__init__(data, *args, **kwargs)
        # The held places rows. A post without them (a script, an old page) leaves them as they are.
        self.held = held_places_formset(data, session=session) if data is None or "held-TOTAL_FORMS" in data else None

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if self.held is None:
            return valid
        held_valid = self.held.is_valid()
        if valid and held_valid:
            self.held.check_against(capacity=self.cleaned_data.get("capacity"),
                                    starts_at=self.cleaned_data.get("starts_at"))  # fmt: skip
        return valid and self.held.is_valid()

    @property
    def has_errors(self) -> bool:
        """Any mistake on the page, in the session's own fields or in the held places rows."""
        return bool(self.errors) or (self.held is not None and self.held.is_bound and not self.held.is_valid())

    @staticmethod
    def initial_for(session: Session) -> dict:
        start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        opens = timezone.localtime(session.signup_opens_at) if session.signup_opens_at else None
        closes = timezone.localtime(session.signup_closes_at) if session.signup_closes_at else None
        return {
            "title": session.title,
            "programme": session.programme_id,
            "venue": session.venue_id,
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "capacity": session.capacity,
            "signup_opens_date": opens.date() if opens else None,
            "signup_opens_time": opens.time() if opens else None,
            "signup_closes_date": closes.date() if closes else None,
            "signup_closes_time": closes.time() if closes else None,
            "summary": session.summary,
            "goals": session.goals,
            "who_comes": session.who_comes,
            "agenda": agenda_text(session),
            "reminder_days": ", ".join(str(d) for d in session.reminder_days or []),
            "facilitators": [user.pk for user in session.facilitators.all()],
            "share_access_details": session.share_access_details,
        }

    def clean_reminder_days(self) -> list[int] | None:
        text = (self.cleaned_data.get("reminder_days") or "").strip()
        parts = [p for p in re.split(r"[,\s]+|\band\b", text) if p]
        if not all(p.isdigit() for p in parts):
            raise ValidationError("Enter reminder days as numbers separated by commas, like 7, 1")
        days = sorted({int(p) for p in parts}, reverse=True)
        if any(d > MAX_REMINDER_DAYS for d in days):
            raise ValidationError(f"Reminders can go at most {MAX_REMINDER_DAYS} days before the session")
        if len(days) > 5:
            raise ValidationError("Choose at most 5 reminders")
        return days

    def clean_agenda(self) -> list[AgendaEntry]:
        return parse_agenda(self.cleaned_data.get("agenda") or "")

    def _moment(self, date_field: str, time_field: str, default: time) -> datetime | None:
        day = self.cleaned_data.get(date_field)
        if day is None:
            if self.cleaned_data.get(time_field) and date_field not in self.errors:
                self.add_error(
                    date_field,
                    f"Enter {cast(GovukDateField, self.fields[date_field]).what.lower()} as well as the time",
                )
            return None
        try:
            return london_datetime(day, self.cleaned_data.get(time_field) or default)
        except ValidationError as error:
            self.add_error(time_field, error)
            return None

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day is None or start is None or end is None:
            return data
        try:
            data["starts_at"] = london_datetime(day, start)
        except ValidationError as error:
            self.add_error("start_time", error)
        try:
            data["ends_at"] = london_datetime(day, end)
        except ValidationError as error:
            self.add_error("end_time", error)
        if "starts_at" not in data or "ends_at" not in data:
            return data
        if data["ends_at"] <= data["starts_at"]:
            self.add_error("end_time", "The end time must be after the start time")
        if self.session is None and data["starts_at"] <= timezone.now():
            self.add_error("date", "The session must start in the future")
        data["signup_opens_at"] = self._moment("signup_opens_date", "signup_opens_time", time(0, 0))
        closes = self._moment("signup_closes_date", "signup_closes_time", time(23, 59))
        if closes and closes > data["starts_at"]:
            if data.get("signup_closes_time"):
                self.add_error("signup_closes_time", "Sign-up must close by the time the session starts")
            else:  # only a date was given: the day of the session means "until it starts"
                closes = data["starts_at"]
        data["signup_closes_at"] = closes
        for item in data.get("agenda") or []:
            if not start <= item.starts_at <= end:
                self.add_error(
                    "agenda",
                    f"“{item.starts_at:%H:%M} {item.title}” is outside the session ({start:%H:%M} to {end:%H:%M})",
                )
        return data

    def service_fields(self) -> dict:
        """The keyword arguments for session_create / session_update."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "programme": data.get("programme"),
            "venue": data["venue"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "capacity": data["capacity"],
            "signup_opens_at": data.get("signup_opens_at"),
            "signup_closes_at": data.get("signup_closes_at"),
            "summary": data.get("summary", ""),
            "goals": data.get("goals", ""),
            "who_comes": data.get("who_comes", ""),
            "reminder_days": data.get("reminder_days") or [],
            "reserved_places": self.held.entries() if self.held is not None else None,
        } | self._facilitator_fields()

    def _facilitator_fields(self) -> dict:
        # The page only asks when the team has facilitators; otherwise what is saved stays as it is.
        facilitators = cast(FacilitatorChoiceField, self.fields["facilitators"]).queryset
        if facilitators is None or not facilitators.exists():
            return {}
        data = self.cleaned_data
        return {"facilitators": list(data.get("facilitators") or []),
                "share_access_details": bool(data.get("share_access_details"))}  # fmt: skip

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            target = self.SERVICE_FIELDS.get(name)
            for message in messages:
                self.add_error(target if target in self.fields else None, message)
