"""The coordinator's record forms. They check and convert what was typed; the services write and
own the rules (they raise ValidationError per field, which the views put back on the form)."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.conf import settings

from roundtable.accounts.models import User
from roundtable.core.forms import IdModelChoiceField
from roundtable.records.files import UploadRefused, precheck
from roundtable.records.models import TOOK_PART_LABELS, ActionStatus, Consent, Method, Output
from roundtable.records.services import MAX_COUNT, MAX_VOTE_ROWS, TOOK_PART_KEYS

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp,.jpg,.jpeg,.png,.webp"
AUDIO_ACCEPT = "audio/*,.mp3,.m4a,.ogg,.oga,.opus,.wav,.flac,.webm"


def _text(
    label: str,
    *,
    max_length: int,
    required: bool = False,
    help_text: str = "",
    rows: int = 0,
    required_message: str = "",
    noun: str = "",
) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    name = noun or label
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=widget,
        error_messages={
            "max_length": f"{name} must be {max_length:,} characters or fewer",
            "required": required_message or f"Enter {name[0].lower() + name[1:]}",
        },
    )


class OutputForm(forms.Form):
    """One form for the three kinds; fields that do not apply to the kind are removed."""

    upload = forms.FileField(
        label="Photo",
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload"}),
        error_messages={"invalid": "The selected file could not be read", "empty": "The selected file is empty"},
    )
    caption = _text(
        "Caption",
        max_length=300,
        required=True,
        help_text="A line that says what this is, shown with it",
        required_message="Enter a caption",
    )
    alt_text = _text(
        "Alt text",
        max_length=1000,
        rows=3,
        help_text="Describe what the photo shows for people who cannot see it, for example "
        "'A blue clay figure holding hands with a smaller yellow one'",
    )
    transcript = _text("Transcript", max_length=20000, rows=8, help_text="Everything said in the recording, in order")
    body = _text("The text or quote", max_length=5000, rows=6)
    credit = _text(
        "Credit",
        max_length=100,
        help_text="The name the person chose to be credited with. Leave empty to credit it as anonymous.",
    )
    consent = forms.ChoiceField(
        label="Who agreed to this being shared?",
        choices=Consent.choices,
        widget=forms.RadioSelect,
        help_text="Only the first two are ever shown outside the team",
        error_messages={"required": "Choose who agreed to this being shared"},
    )

    def __init__(self, *args, kind: str, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["upload"].widget = forms.FileInput(attrs={"class": "govuk-file-upload"})
        limit = f"{settings.OUTPUT_MAX_UPLOAD_MB} MB"
        if kind == Output.Kind.IMAGE:
            self.fields["upload"].widget.attrs["accept"] = IMAGE_ACCEPT
            self.fields[
                "upload"
            ].help_text = f"A JPG, PNG or WebP file smaller than {limit}. Location and camera details are removed."
            self.fields["alt_text"].required = True
            self.fields["alt_text"].error_messages["required"] = (
                "Enter alt text: what the photo shows, for people who cannot see it"
            )
            drop = ["transcript", "body"]
        elif kind == Output.Kind.AUDIO:
            self.fields["upload"].label = "Recording"
            self.fields["upload"].widget.attrs["accept"] = AUDIO_ACCEPT
            self.fields["upload"].help_text = f"An MP3, M4A, OGG, WAV, FLAC or WebM file smaller than {limit}"
            self.fields["transcript"].required = True
            self.fields["transcript"].error_messages["required"] = "Enter a transcript of the recording"
            drop = ["alt_text", "body"]
        else:
            self.fields["body"].required = True
            self.fields["body"].error_messages["required"] = "Enter the text or quote"
            drop = ["upload", "alt_text", "transcript"]
        for name in drop:
            del self.fields[name]
        if "upload" in self.fields:
            if editing:
                self.fields["upload"].label = "Replace the " + ("photo" if kind == Output.Kind.IMAGE else "recording")
                self.fields["upload"].help_text += " Leave empty to keep the current one."
            else:
                self.fields["upload"].required = True
                self.fields["upload"].error_messages["required"] = (
                    "Select a photo" if kind == Output.Kind.IMAGE else "Select a recording"
                )

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            try:
                precheck(self.kind, upload)
            except UploadRefused as exc:
                raise forms.ValidationError(str(exc)) from None
        return upload


_VOTE_LINE = re.compile(r"^(?P<option>.+?)\s*[:=–-]\s*(?P<count>\d{1,6})\s*$")


class DecisionForm(forms.Form):
    title = _text(
        "What did the group decide?",
        noun="The decision",
        max_length=300,
        required=True,
        rows=2,
        required_message="Enter what was decided",
    )
    question = _text(
        "What question did it answer?",
        noun="The question",
        max_length=2000,
        rows=2,
        help_text="For example, 'How should new people be welcomed?'",
    )
    options = _text(
        "What options were considered?", noun="The options", max_length=5000, rows=4, help_text="One option per line"
    )
    method = forms.ChoiceField(
        label="How did the group decide?",
        choices=Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the group decided"},
    )
    method_other = _text("If another way, how?", noun="How the group decided", max_length=200)
    votes = _text(
        "Votes counted",
        max_length=5000,
        rows=4,
        help_text="For dot-voting or a show of hands: one option per line with its count, like 'Longer breaks: 14'",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Counts by perspective: one whole-number box each (GOV.UK's pattern for numbers), and one for
        # people not asked (a live board's dot vote counts people without asking perspectives).
        for code in TOOK_PART_KEYS:
            self.fields[f"took_part_{code}"] = forms.IntegerField(
                label=TOOK_PART_LABELS[code],
                required=False,
                min_value=0,
                max_value=MAX_COUNT,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
                error_messages={
                    "invalid": f"The number for {TOOK_PART_LABELS[code].lower()} must be a whole number",
                    "min_value": f"The number for {TOOK_PART_LABELS[code].lower()} must be 0 or more",
                    "max_value": f"The number for {TOOK_PART_LABELS[code].lower()} must be {MAX_COUNT:,} or fewer",
                },
            )

    @property
    def took_part_fields(self):
        return [self[f"took_part_{code}"] for code in TOOK_PART_KEYS]

    def clean_votes(self) -> list[dict]:
        rows = []
        for number, line in enumerate(self.cleaned_data["votes"].splitlines(), start=1):
            if not line.strip():
                continue
            match = _VOTE_LINE.match(line.strip())
            if not match:
                raise forms.ValidationError(
                    f"Line {number} of the votes must be an option and a number, like 'Longer breaks: 14'"
                )
            rows.append({"option": match["option"].strip(), "count": int(match["count"])})
        if len(rows) > MAX_VOTE_ROWS:
            raise forms.ValidationError(f"Give at most {MAX_VOTE_ROWS} options with votes")
        return rows

    def took_part(self) -> dict[str, int]:
        return {code: self.cleaned_data.get(f"took_part_{code}") or 0 for code in TOOK_PART_KEYS}

    @staticmethod
    def initial_for(decision) -> dict:
        initial = {
            "title": decision.title,
            "question": decision.question,
            "options": decision.options,
            "method": decision.method,
            "method_other": decision.method_other,
            "votes": "\n".join(f"{row['option']}: {row['count']}" for row in decision.votes),
        }
        initial.update({f"took_part_{code}": n for code, n in (decision.took_part or {}).items()})
        return initial


class ActionForm(forms.Form):
    title = _text(
        "What will the team do?",
        noun="The action",
        max_length=300,
        required=True,
        rows=2,
        required_message="Enter what the team will do",
    )
    owner = IdModelChoiceField(
        label="Who owns it?",
        queryset=User.objects.none(),
        required=False,
        empty_label="No one yet",
        error_messages={"invalid_choice": "Choose a coordinator from the list"},
    )
    due_day = forms.CharField(label="Day", required=False, max_length=2)
    due_month = forms.CharField(label="Month", required=False, max_length=2)
    due_year = forms.CharField(label="Year", required=False, max_length=4)
    status = forms.ChoiceField(
        label="Where has it got to?",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        initial=ActionStatus.PLANNED,
        error_messages={"required": "Choose where this action has got to"},
    )
    not_doing_reason = _text(
        "If not doing it, why not?",
        noun="The reason",
        max_length=2000,
        rows=3,
        help_text="People who took part will read this",
    )
    outcome = _text(
        "What happened?",
        noun="What happened",
        max_length=5000,
        rows=4,
        help_text="The outcome, in plain words, for the public page",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(role=User.Role.COORDINATOR, is_active=True).order_by(
            "name", "id"
        )

    def clean(self):
        data = super().clean()
        parts = [str(data.get(name) or "").strip() for name in ("due_day", "due_month", "due_year")]
        data["due_on"] = None
        if any(parts):
            missing = [name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part]
            try:
                if missing:
                    raise ValueError(f"The due date must include a {' and '.join(missing)}")
                if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
                    raise ValueError("The due date must be a real date, like 27 3 2027")
                data["due_on"] = date(int(parts[2]), int(parts[1]), int(parts[0]))
            except ValueError as exc:
                message = (
                    str(exc)
                    if str(exc).startswith("The due date")
                    else "The due date must be a real date, like 27 3 2027"
                )
                self.add_error("due_day", message)
        if data.get("status") == ActionStatus.NOT_DOING and not (data.get("not_doing_reason") or "").strip():
            self.add_error("not_doing_reason", "Say why the team is not doing this")
        return data

    @staticmethod
    def initial_for(action) -> dict:
        due = action.due_on
        return {
            "title": action.title,
            "owner": action.owner_id,
            "status": action.status,
            "not_doing_reason": action.not_doing_reason,
            "outcome": action.outcome,
            "due_day": due.day if due else "",
            "due_month": due.month if due else "",
            "due_year": due.year if due else "",
        }
