"""Writes for the evaluation framework: aims, indicators, recorded values, evidence and Most
Significant Change stories. Keyword-only, in one transaction each, audited; rule breaks raise
ValidationError keyed by field so the views can show them next to the field."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, QuerySet

from roundtable.core import audit
from roundtable.evaluation.indicators import METRICS
from roundtable.evaluation.models import (
    Aim,
    Evidence,
    EvidenceKind,
    Indicator,
    IndicatorValue,
    Level,
    SignificantChangeStory,
)
from roundtable.records.models import Output

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from roundtable.accounts.models import User
    from roundtable.cocreation.models import Programme

# What a document may be, told by its first bytes as well as its name: a renamed file is refused.
DOCUMENT_TYPES = {
    "pdf": ("application/pdf", b"%PDF-"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", b"PK\x03\x04"),
    "odt": ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "txt": ("text/plain", None),
    "csv": ("text/csv", None),
}
DOCUMENT_HINT = "PDF, Word, Excel, PowerPoint, OpenDocument text, JPG, PNG, plain text or CSV"


def max_document_bytes() -> int:
    return settings.OUTPUT_MAX_UPLOAD_MB * 1024 * 1024


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _next_position(qs: QuerySet[Any]) -> int:
    return (qs.aggregate(n=Max("position"))["n"] or 0) + 1


# --- Aims -------------------------------------------------------------------------------------


def _aim_errors(title: str, success_looks_like: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Enter the aim"
    if not success_looks_like:
        errors["success_looks_like"] = "Enter what it would look like if the aim were achieved"
    return errors


@transaction.atomic
def aim_create(*, actor: User, title: str, success_looks_like: str, programme: Programme | None = None) -> Aim:
    title, success_looks_like = title.strip(), success_looks_like.strip()
    _raise(_aim_errors(title, success_looks_like))
    aim = Aim.objects.create(
        title=title,
        success_looks_like=success_looks_like,
        programme=programme,
        created_by=actor,
        position=_next_position(Aim.objects.all()),
    )
    audit.log(actor, "aim.created", aim)
    return aim


@transaction.atomic
def aim_update(
    *, aim: Aim, actor: User, title: str, success_looks_like: str, programme: Programme | None = None
) -> Aim:
    title, success_looks_like = title.strip(), success_looks_like.strip()
    _raise(_aim_errors(title, success_looks_like))
    aim.title, aim.success_looks_like, aim.programme = title, success_looks_like, programme
    aim.save()
    audit.log(actor, "aim.updated", aim)
    return aim


@transaction.atomic
def aim_delete(*, aim: Aim, actor: User) -> None:
    """Its indicators and their values go with it; evidence and stories stay (they may serve other aims)."""
    audit.log(actor, "aim.deleted", aim)
    aim.delete()


# --- Indicators and recorded values -----------------------------------------------------------


@dataclass
class IndicatorFields:
    title: str
    kind: str
    metric: str = ""
    unit: str = ""
    description: str = ""
    target: Decimal | None = None

    def clean(self) -> None:
        self.title, self.unit, self.description = self.title.strip(), self.unit.strip(), self.description.strip()
        errors: dict[str, str] = {}
        if not self.title:
            errors["title"] = "Enter a name for the indicator"
        if self.kind == Indicator.Kind.COMPUTED:
            if self.metric not in METRICS:
                errors["metric"] = "Choose what Roundtable should work out"
            self.unit = ""
        elif self.kind == Indicator.Kind.RECORDED:
            self.metric = ""
        else:
            errors["kind"] = "Choose whether the indicator is worked out or recorded by hand"
        _raise(errors)


@transaction.atomic
def indicator_create(*, aim: Aim, actor: User, fields: IndicatorFields) -> Indicator:
    fields.clean()
    indicator = Indicator.objects.create(aim=aim, position=_next_position(aim.indicators.all()), **fields.__dict__)
    audit.log(actor, "indicator.created", indicator, aim=aim.pk)
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, actor: User, fields: IndicatorFields) -> Indicator:
    fields.clean()
    for name, value in fields.__dict__.items():
        setattr(indicator, name, value)
    indicator.save()
    audit.log(actor, "indicator.updated", indicator)
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, actor: User) -> None:
    audit.log(actor, "indicator.deleted", indicator, values=indicator.values.count())
    indicator.delete()


@transaction.atomic
def value_record(
    *, indicator: Indicator, actor: User, value: Decimal, recorded_on: date, source: str, note: str = ""
) -> IndicatorValue:
    source, note = source.strip(), note.strip()
    errors: dict[str, str] = {}
    if indicator.kind != Indicator.Kind.RECORDED:
        errors["value"] = "This indicator is worked out by Roundtable, so values cannot be typed in"
    if not source:
        errors["source"] = "Enter where the number comes from"
    _raise(errors)
    row = IndicatorValue.objects.create(
        indicator=indicator, value=value, recorded_on=recorded_on, source=source, note=note, created_by=actor
    )
    audit.log(actor, "indicator.value_recorded", indicator, value=str(value), recorded_on=recorded_on.isoformat())
    return row


@transaction.atomic
def value_delete(*, value: IndicatorValue, actor: User) -> None:
    audit.log(
        actor,
        "indicator.value_deleted",
        value.indicator,
        value=str(value.value),
        recorded_on=value.recorded_on.isoformat(),
    )
    value.delete()


# --- Evidence ---------------------------------------------------------------------------------


@dataclass
class EvidenceFields:
    title: str
    level: str
    kind: str
    aims: list[Aim]
    body: str = ""
    attribution: str = ""
    output: Output | None = None
    url: str = ""
    happened_on: date | None = None
    in_reports: bool = True

    def clean(self, source: str) -> None:
        self.title, self.body, self.attribution, self.url = (
            self.title.strip(),
            self.body.strip(),
            self.attribution.strip(),
            self.url.strip(),
        )
        errors: dict[str, str] = {}
        if not self.title:
            errors["title"] = "Enter a title"
        if self.level not in Level.values:
            errors["level"] = "Choose who the difference is for"
        if self.kind not in EvidenceKind.values:
            errors["kind"] = "Choose what kind of evidence this is"
        if source == Evidence.Source.STORY and not self.body:
            errors["body"] = "Enter the story or quote"
        if source == Evidence.Source.OUTPUT:
            if self.output is None:
                errors["output"] = "Choose an output from a session record"
            elif not self.output.is_public:
                # Evidence goes into reports for funders: only what people agreed to share.
                errors["output"] = "Choose an output that people agreed to share; private outputs cannot be evidence"
        if source == Evidence.Source.LINK and not self.url.lower().startswith(("https://", "http://")):
            errors["url"] = "Enter a link starting with https://"
        _raise(errors)
        if source != Evidence.Source.STORY:
            self.body = self.body if source == Evidence.Source.OUTPUT else ""
        if source != Evidence.Source.OUTPUT:
            self.output = None
        if source != Evidence.Source.LINK:
            self.url = ""


def check_document(upload: UploadedFile | None) -> tuple[str, str]:
    """Return (extension, content type) for an acceptable document, or raise ValidationError."""
    if upload is None:
        raise ValidationError({"document": "Select a document"})
    if not upload.size:
        raise ValidationError({"document": "The selected file is empty"})
    if upload.size > max_document_bytes():
        raise ValidationError(
            {"document": f"The selected file must be smaller than {settings.OUTPUT_MAX_UPLOAD_MB} MB"}
        )
    ext = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if ext not in DOCUMENT_TYPES:
        raise ValidationError({"document": f"The selected file must be a {DOCUMENT_HINT} file"})
    content_type, magic = DOCUMENT_TYPES[ext]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if magic is not None and not head.startswith(magic):
        raise ValidationError({"document": f"The selected file is not really a .{ext} file"})
    if magic is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            # A cut through a multi-byte character at 2048 bytes is fine; anything else is not text.
            try:
                head[:-3].decode("utf-8")
            except UnicodeDecodeError:
                raise ValidationError({"document": f"The selected file is not really a .{ext} file"}) from None
    return ext, content_type


def _store_document(upload: UploadedFile, ext: str) -> str:
    # A random name: never derived from what was uploaded, never guessable.
    return default_storage.save(f"evidence/{secrets.token_urlsafe(24)}.{ext}", upload)


def _display_name(upload: UploadedFile) -> str:
    return PurePath(upload.name or "document").name[:200]


def evidence_create(
    *, actor: User, source: str, fields: EvidenceFields, upload: UploadedFile | None = None
) -> Evidence:
    if source not in Evidence.Source.values:
        raise ValidationError({"title": "Unknown kind of evidence"})
    fields.clean(source)
    name, display_name, size = "", "", None
    if source == Evidence.Source.DOCUMENT:
        ext, _type = check_document(upload)
        assert upload is not None  # check_document refuses a missing file
        name, display_name, size = _store_document(upload, ext), _display_name(upload), upload.size
    try:
        with transaction.atomic():
            aims = fields.aims
            data = {k: v for k, v in fields.__dict__.items() if k != "aims"}
            if source == Evidence.Source.OUTPUT:
                assert fields.output is not None  # fields.clean refuses output evidence without one
                if fields.happened_on is None:
                    data["happened_on"] = fields.output.session.starts_at.date()
                data["session"] = fields.output.session
            evidence = Evidence.objects.create(
                source=source,
                created_by=actor,
                document=name,
                document_name=display_name,
                document_size=size,
                **data,
            )
            evidence.aims.set(aims)
            audit.log(actor, "evidence.created", evidence, source=source)
    except Exception:
        if name:
            default_storage.delete(name)
        raise
    return evidence


def evidence_update(
    *, evidence: Evidence, actor: User, fields: EvidenceFields, upload: UploadedFile | None = None
) -> Evidence:
    fields.clean(evidence.source)
    new_name, old_name, display_name, size = "", "", "", None
    if evidence.source == Evidence.Source.DOCUMENT and upload is not None:
        ext, _type = check_document(upload)
        new_name, old_name = _store_document(upload, ext), evidence.document.name or ""
        display_name, size = _display_name(upload), upload.size
    try:
        with transaction.atomic():
            for key, value in fields.__dict__.items():
                if key != "aims":
                    setattr(evidence, key, value)
            if new_name:
                evidence.document, evidence.document_name, evidence.document_size = (
                    new_name,
                    display_name,
                    size,
                )
            evidence.save()
            evidence.aims.set(fields.aims)
            audit.log(actor, "evidence.updated", evidence)
    except Exception:
        if new_name:
            default_storage.delete(new_name)
        raise
    if old_name:
        default_storage.delete(old_name)
    return evidence


def evidence_delete(*, evidence: Evidence, actor: User) -> None:
    name = evidence.document.name if evidence.document else ""
    with transaction.atomic():
        audit.log(actor, "evidence.deleted", evidence)
        evidence.delete()
    if name:
        default_storage.delete(name)


# --- Most Significant Change stories ----------------------------------------------------------


@dataclass
class StoryFields:
    title: str
    story: str
    domain: str
    told_by: str = ""
    collected_on: date | None = None
    aim: Aim | None = None
    level: str = ""
    selected_by: str = ""
    selected_why: str = ""
    selected_on: date | None = None

    def clean(self) -> None:
        for name in ("title", "story", "domain", "told_by", "selected_by", "selected_why"):
            setattr(self, name, getattr(self, name).strip())
        errors: dict[str, str] = {}
        if not self.title:
            errors["title"] = "Enter a title for the story"
        if not self.story:
            errors["story"] = "Enter the story"
        if not self.domain:
            errors["domain"] = "Enter the domain of change the story is about"
        if self.level and self.level not in Level.values:
            errors["level"] = "Choose who the change is for"
        if self.selected_by and not self.selected_why:
            errors["selected_why"] = "Enter why it was selected as the most significant change"
        if self.selected_why and not self.selected_by:
            errors["selected_by"] = "Enter who selected it"
        _raise(errors)


@transaction.atomic
def story_create(*, actor: User, fields: StoryFields) -> SignificantChangeStory:
    fields.clean()
    story = SignificantChangeStory.objects.create(created_by=actor, **fields.__dict__)
    audit.log(actor, "change_story.created", story)
    return story


@transaction.atomic
def story_update(*, story: SignificantChangeStory, actor: User, fields: StoryFields) -> SignificantChangeStory:
    fields.clean()
    for key, value in fields.__dict__.items():
        setattr(story, key, value)
    story.save()
    audit.log(actor, "change_story.updated", story)
    return story


@transaction.atomic
def story_delete(*, story: SignificantChangeStory, actor: User) -> None:
    audit.log(actor, "change_story.deleted", story)
    story.delete()
