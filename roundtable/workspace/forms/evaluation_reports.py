"""Forms for the reports: the period filter (dashboard, funder report, new GRIPP2-SF report), the
GRIPP2-SF editor and the UK Standards self-assessment. They check and convert what was typed; the
services in reports_*.py write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

from django import forms
from django.utils import timezone

from roundtable.cocreation.models import Programme
from roundtable.core.forms import GovukDateField
from roundtable.evaluation.models import Gripp2Report, Rating, Standard
from roundtable.evaluation.models.reports import STANDARD_STATEMENTS

# Monthly charts: ten years is 120 points, past which a trend chart stops being readable (and
# the dashboard's cost must not grow with a typed-in date).
MAX_PERIOD_DAYS = 3660
TEXT_LIMIT = 10_000


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last twelve whole and part months: from the 1st of the month eleven months ago to today."""
    today = today or timezone.localdate()
    month = today.month - 11
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, 1), today


def _text(
    label: str, *, required: bool = False, rows: int = 5, help_text: str = "", required_message: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_LIMIT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message or f"Enter {label[0].lower() + label[1:]}",
            "max_length": f"{label} must be {TEXT_LIMIT:,} characters or fewer",
        },
    )


def period_params(start: date, end: date, programme: Programme | None = None) -> dict:
    """A period (and programme) as PeriodForm's fields: for links and query strings that carry it."""
    params = {
        "start_day": start.day,
        "start_month": start.month,
        "start_year": start.year,
        "end_day": end.day,
        "end_month": end.month,
        "end_year": end.year,
    }
    if programme is not None:
        params["programme"] = programme.pk
    return params


class PeriodForm(forms.Form):
    """Which period and programme a report covers. Empty dates mean the last twelve months."""

    start = GovukDateField(what="The start date", label="Start date", required=False, help_text="For example, 1 4 2026")
    end = GovukDateField(what="The end date", label="End date", required=False, help_text="For example, 31 3 2027")
    programme = forms.ChoiceField(
        label="Programme",
        required=False,
        help_text="Choosing a programme shows its own aims and the centre's, counted for that programme only",
        error_messages={"invalid_choice": "Choose a programme from the list"},
    )

    def __init__(self, *args, programmes: list[Programme], **kwargs):
        # The view loads the programmes once; the list and the check both use it.
        super().__init__(*args, **kwargs)
        self._programmes = {str(p.pk): p for p in programmes}
        cast(forms.ChoiceField, self.fields["programme"]).choices = [("", "The whole centre (every programme)")] + [
            (str(p.pk), p.name) for p in programmes
        ]

    def clean_programme(self) -> Programme | None:
        raw = self.cleaned_data.get("programme") or ""
        return self._programmes.get(raw)

    def clean(self):
        data = super().clean()
        default_start, default_end = default_period()
        start = data.get("start") or (None if self.errors.get("start") else default_start)
        end = data.get("end") or (None if self.errors.get("end") else default_end)
        if start and end:
            if end < start:
                self.add_error("end", "The end date must be the same as or after the start date")
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("end", "The period must be 10 years or shorter")
            elif start.year < 2000 or end.year > 2100:
                self.add_error("start", "The dates must be between the year 2000 and 2100")
        data["start"], data["end"] = start, end
        return data

    def period(self) -> tuple[date, date, Programme | None]:
        """The chosen period, or the default when the form was not sent."""
        if not self.is_bound:
            start, end = default_period()
            return start, end, None
        return self.cleaned_data["start"], self.cleaned_data["end"], self.cleaned_data.get("programme")


class FunderReportForm(PeriodForm):
    """The period plus which evidence goes in: the choices are filled in by the view."""

    evidence = forms.MultipleChoiceField(
        label="Evidence to include",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Evidence marked for reports in this period. Untick anything that should stay out.",
        error_messages={"invalid_choice": "Choose evidence from the list for this period"},
    )

    def __init__(self, *args, evidence_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["evidence"]).choices = evidence_choices


class Gripp2StartForm(PeriodForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, 'Involvement in Building the Centre, 2026'",
        error_messages={"required": "Enter a title", "max_length": "The title must be 200 characters or fewer"},
    )
    field_order = ["title", "start", "end", "programme"]


class Gripp2Form(forms.ModelForm):
    class Meta:
        model = Gripp2Report
        fields = ["title", "aim", "methods", "outcomes", "influence", "reflections"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages = {
            "required": "Enter a title",
            "max_length": "The title must be 200 characters or fewer",
        }
        for name, heading, prompt in Gripp2Report.ITEMS:
            self.fields[name] = _text(heading, rows=10, help_text=prompt)


@dataclass
class StandardFields:
    standard: str
    label: str
    statement: str
    rating: forms.BoundField
    reflection: forms.BoundField
    follow_up: forms.BoundField


class SelfAssessmentForm(forms.Form):
    """The six standards, each with a rating on the four-point scale, a reflection and follow-up."""

    assessed_on = GovukDateField(
        what="The date of the assessment", label="Date of the assessment", help_text="For example, 27 3 2026"
    )
    notes = _text(
        "How the assessment was done",
        rows=3,
        help_text="Optional. For example, who took part and how you agreed the ratings",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in Standard.choices:
            self.fields[f"{code}_rating"] = forms.TypedChoiceField(
                label=f"How well are we doing on {label.lower()}?",
                choices=Rating.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose a rating for {label.lower()}"},
            )
            self.fields[f"{code}_reflection"] = _text(
                f"Reflection on {label.lower()}",
                required=True,
                rows=4,
                help_text="What shows this rating: examples, what people have said, what is missing",
                required_message=f"Enter a reflection on {label.lower()}",
            )
            self.fields[f"{code}_follow_up"] = _text(
                f"Follow-up actions for {label.lower()}",
                rows=3,
                help_text="Optional. What you will do next, and by when",
            )

    def clean_assessed_on(self):
        value = self.cleaned_data.get("assessed_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date of the assessment must be today or in the past")
        if value and value.year < 2000:
            raise forms.ValidationError("The date of the assessment must be after the year 2000")
        return value

    def standards(self) -> list[StandardFields]:
        return [
            StandardFields(
                standard=code,
                label=label,
                statement=STANDARD_STATEMENTS[code],
                rating=self[f"{code}_rating"],
                reflection=self[f"{code}_reflection"],
                follow_up=self[f"{code}_follow_up"],
            )
            for code, label in Standard.choices
        ]

    def ratings(self) -> dict[str, dict]:
        return {
            code: {
                "rating": self.cleaned_data[f"{code}_rating"],
                "reflection": self.cleaned_data[f"{code}_reflection"],
                "follow_up": self.cleaned_data.get(f"{code}_follow_up", ""),
            }
            for code in Standard.values
        }

    @classmethod
    def initial_from(cls, assessment, ratings) -> dict:
        initial = {"assessed_on": assessment.assessed_on, "notes": assessment.notes}
        for rating in ratings:
            initial[f"{rating.standard}_rating"] = rating.rating
            initial[f"{rating.standard}_reflection"] = rating.reflection
            initial[f"{rating.standard}_follow_up"] = rating.follow_up
        return initial
