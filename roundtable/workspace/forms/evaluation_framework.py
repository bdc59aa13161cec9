"""Forms for the evaluation framework. They check and convert what was typed; the services in
framework_services.py own the rules and raise ValidationError per field."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from django import forms

from roundtable.cocreation.models import Programme
from roundtable.core.forms import GovukDateField, IdModelChoiceField, IdModelMultipleChoiceField
from roundtable.evaluation.framework_services import (
    DOCUMENT_HINT,
    DOCUMENT_TYPES,
    EvidenceFields,
    IndicatorFields,
    StoryFields,
)
from roundtable.evaluation.indicators import metric_choices
from roundtable.evaluation.models import Aim, Evidence, EvidenceKind, Indicator, Level
from roundtable.records.models import PUBLIC_CONSENTS, Output

MAX_NUMBER = Decimal("99999999999")


def _text(label: str, *, max_length: int, required: bool = True, rows: int = 0, help_text: str = "", message: str = ""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(),
        error_messages={
            "required": message or f"Enter {label[0].lower() + label[1:]}",
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
    )


def _radios(label: str, choices, *, message: str, required: bool = True, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        help_text=help_text,
        error_messages={"required": message, "invalid_choice": message},
    )


class AimForm(forms.Form):
    title = _text(
        "Aim", max_length=200, help_text="What the centre wants to achieve, in a sentence", message="Enter the aim"
    )
    success_looks_like = _text(
        "What would it look like if we achieved it?",
        max_length=5000,
        rows=5,
        help_text="Describe what people would see, hear or feel. For example: 'People with lived experience "
        "lead at least half of our projects, and say their ideas change what happens.'",
        message="Enter what it would look like if the aim were achieved",
    )
    programme = IdModelChoiceField(
        label="Who is this aim for?",
        queryset=Programme.objects.all(),
        required=False,
        empty_label="The whole centre",
        help_text="The whole centre, or one programme",
        error_messages={"invalid_choice": "Choose the whole centre or one of the programmes"},
    )

    @classmethod
    def initial_for(cls, aim: Aim) -> dict:
        return {"title": aim.title, "success_looks_like": aim.success_looks_like, "programme": aim.programme_id}


class IndicatorForm(forms.Form):
    title = _text(
        "Indicator",
        max_length=200,
        help_text="How you would know, for example 'Newcomers each month'",
        message="Enter a name for the indicator",
    )
    kind = _radios(
        "How is it counted?",
        Indicator.Kind.choices,
        message="Choose whether the indicator is worked out or recorded by hand",
    )
    metric = forms.ChoiceField(
        label="What should Roundtable work out?",
        required=False,
        choices=[("", "Choose a measure")] + metric_choices(),
        help_text="Only for indicators worked out by Roundtable",
        error_messages={"invalid_choice": "Choose what Roundtable should work out"},
    )
    unit = _text(
        "Unit",
        max_length=40,
        required=False,
        help_text="Only for indicators recorded by hand, for example 'projects' or 'people'",
    )
    target = forms.DecimalField(
        label="Target (optional)",
        required=False,
        max_digits=14,
        decimal_places=3,
        max_value=MAX_NUMBER,
        min_value=-MAX_NUMBER,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={
            "invalid": "Target must be a number, like 12 or 4.5",
            "max_digits": "Target must be a smaller number",
            "max_decimal_places": "Target can have up to 3 decimal places",
            "max_value": "Target must be a smaller number",
            "min_value": "Target must be a bigger number",
        },
    )
    description = _text(
        "Notes (optional)", max_length=2000, required=False, rows=3, help_text="Anything that helps people read it"
    )

    def fields_for_service(self) -> IndicatorFields:
        data = self.cleaned_data
        return IndicatorFields(
            title=data["title"],
            kind=data["kind"],
            metric=data["metric"],
            unit=data["unit"],
            description=data["description"],
            target=data["target"],
        )

    @classmethod
    def initial_for(cls, indicator: Indicator) -> dict:
        return {k: getattr(indicator, k) for k in ("title", "kind", "metric", "unit", "target", "description")}


class ValueForm(forms.Form):
    value = forms.DecimalField(
        label="Number",
        max_digits=14,
        decimal_places=3,
        max_value=MAX_NUMBER,
        min_value=-MAX_NUMBER,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={
            "required": "Enter the number",
            "invalid": "Enter a number, like 4 or 12.5",
            "max_digits": "Enter a smaller number",
            "max_decimal_places": "Enter up to 3 decimal places",
            "max_value": "Enter a smaller number",
            "min_value": "Enter a bigger number",
        },
    )
    recorded_on = GovukDateField(
        label="Date", what="The date", help_text="The date the number is for, for example 27 3 2026"
    )
    source = _text(
        "Source",
        max_length=300,
        help_text="Where the number comes from, for example 'Funding panel minutes'",
        message="Enter where the number comes from",
    )
    note = _text("Note (optional)", max_length=2000, required=False, rows=3)


def _output_label(output: Output) -> str:
    return f"{output.caption} ({output.get_kind_display().lower()}, {output.session.title}, {output.session.starts_at:%-d %b %Y})"


class OutputChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: Output) -> str:
        return _output_label(obj)


SOURCE_TITLES = {
    Evidence.Source.STORY: "Add a story or quote",
    Evidence.Source.OUTPUT: "Add an output from a session",
    Evidence.Source.DOCUMENT: "Add a document",
    Evidence.Source.LINK: "Add a link",
}
SOURCE_KINDS: dict[str, str] = {
    Evidence.Source.STORY: EvidenceKind.STORY,
    Evidence.Source.OUTPUT: EvidenceKind.ARTEFACT,
}


class EvidenceForm(forms.Form):
    title = _text("Title", max_length=200, help_text="A few words that say what this shows", message="Enter a title")
    body = _text("The story or quote", max_length=10000, rows=6)
    attribution = _text(
        "Who said it (optional)",
        max_length=200,
        required=False,
        help_text="As they chose to be named. Leave empty to show it as anonymous.",
    )
    output = OutputChoiceField(
        label="Output",
        queryset=Output.objects.none(),
        empty_label="Choose an output",
        help_text="Only outputs that people agreed to share can be evidence",
        error_messages={
            "required": "Choose an output from a session record",
            "invalid_choice": "Choose an output from the list",
        },
    )
    document = forms.FileField(
        label="Document",
        widget=forms.FileInput(attrs={"class": "govuk-file-upload"}),
        error_messages={
            "required": "Select a document",
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be read",
        },
    )
    url = forms.CharField(
        label="Link",
        max_length=500,
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
        help_text="The full address, starting with https://",
        error_messages={
            "required": "Enter a link starting with https://",
            "max_length": "The link must be 500 characters or fewer",
        },
    )
    aims = IdModelMultipleChoiceField(
        label="Which aims does it show progress on?",
        queryset=Aim.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose all that apply",
        error_messages={"invalid_choice": "Choose aims from the list"},
    )
    level = _radios("Who is the difference for?", Level.choices, message="Choose who the difference is for")
    kind = _radios("What kind of evidence is it?", EvidenceKind.choices, message="Choose what kind of evidence this is")
    happened_on = GovukDateField(
        label="Date (optional)",
        what="The date",
        required=False,
        help_text="When it happened or was said, for example 27 3 2026",
    )
    in_reports = _radios(
        "Include it in reports?",
        [("yes", "Yes"), ("no", "No, keep it for the team")],
        message="Choose whether to include it in reports",
    )

    FIELDS_BY_SOURCE = {
        Evidence.Source.STORY: ["body", "attribution"],
        Evidence.Source.OUTPUT: ["output"],
        Evidence.Source.DOCUMENT: ["document"],
        Evidence.Source.LINK: ["url"],
    }

    def __init__(self, *args, source: str, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        for other, names in self.FIELDS_BY_SOURCE.items():
            if other != source:
                for name in names:
                    del self.fields[name]
        cast(IdModelMultipleChoiceField, self.fields["aims"]).queryset = Aim.objects.select_related(
            "programme"
        ).order_by("position", "id")
        if "output" in self.fields:
            cast(IdModelChoiceField, self.fields["output"]).queryset = (
                Output.objects.filter(consent__in=PUBLIC_CONSENTS)
                .select_related("session")
                .order_by("-session__starts_at", "position", "id")
            )
        if "document" in self.fields:
            self.fields["document"].help_text = f"A {DOCUMENT_HINT} file"
            self.fields["document"].widget.attrs["accept"] = ",".join(f".{ext}" for ext in DOCUMENT_TYPES)
            if editing:
                self.fields["document"].required = False
                self.fields["document"].label = "Replace the document (optional)"
        if not self.is_bound and source in SOURCE_KINDS:
            self.initial.setdefault("kind", SOURCE_KINDS[source])
        self.initial.setdefault("in_reports", "yes")

    def fields_for_service(self) -> EvidenceFields:
        data = self.cleaned_data
        return EvidenceFields(
            title=data["title"],
            level=data["level"],
            kind=data["kind"],
            aims=list(data["aims"]),
            body=data.get("body", ""),
            attribution=data.get("attribution", ""),
            output=data.get("output"),
            url=data.get("url", ""),
            happened_on=data["happened_on"],
            in_reports=data["in_reports"] == "yes",
        )

    @classmethod
    def initial_for(cls, evidence: Evidence) -> dict:
        return {
            "title": evidence.title,
            "body": evidence.body,
            "attribution": evidence.attribution,
            "output": evidence.output_id,
            "url": evidence.url,
            "aims": [a.pk for a in evidence.aims.all()],
            "level": evidence.level,
            "kind": evidence.kind,
            "happened_on": evidence.happened_on,
            "in_reports": "yes" if evidence.in_reports else "no",
        }


class StoryForm(forms.Form):
    title = _text("Title", max_length=200, message="Enter a title for the story")
    story = _text(
        "The story",
        max_length=20000,
        rows=10,
        help_text="In the storyteller's words: what changed, for whom, and why it matters to them",
        message="Enter the story",
    )
    domain = _text(
        "Domain of change",
        max_length=200,
        help_text="The kind of change it is about, for example 'How people feel about taking part' or "
        "'How research is done'",
        message="Enter the domain of change the story is about",
    )
    told_by = _text(
        "Told by (optional)",
        max_length=200,
        required=False,
        help_text="As they chose to be named. Leave empty to keep it anonymous.",
    )
    collected_on = GovukDateField(
        label="When was it told? (optional)", what="The date", required=False, help_text="For example 27 3 2026"
    )
    aim = IdModelChoiceField(
        label="Aim (optional)",
        queryset=Aim.objects.none(),
        required=False,
        empty_label="Not linked to an aim",
        error_messages={"invalid_choice": "Choose an aim from the list"},
    )
    level = _radios(
        "Who is the change for? (optional)", Level.choices, required=False, message="Choose who the change is for"
    )
    selected_by = _text(
        "Who selected it as most significant? (optional)",
        max_length=200,
        required=False,
        help_text="For example 'The steering group, June 2026'. Leave empty if it has not been selected yet.",
    )
    selected_why = _text(
        "Why did they select it? (optional)",
        max_length=5000,
        required=False,
        rows=4,
        help_text="The reasons they gave: selecting, and saying why, is part of the method",
    )
    selected_on = GovukDateField(
        label="When was it selected? (optional)", what="The date", required=False, help_text="For example 27 3 2026"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aim"].queryset = Aim.objects.order_by("position", "id")

    def fields_for_service(self) -> StoryFields:
        return StoryFields(**{name: self.cleaned_data[name] for name in StoryFields.__dataclass_fields__})

    @classmethod
    def initial_for(cls, story) -> dict:
        data = {name: getattr(story, name) for name in StoryFields.__dataclass_fields__}
        data["aim"] = story.aim_id
        return data
