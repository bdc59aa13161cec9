"""Evaluation models: the framework — aims, indicators and their recorded values, evidence of every
kind (numbers, feelings, artefacts, stories) and Most Significant Change stories."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from roundtable.cocreation.models import Programme, Session

__all__ = [
    "Aim",
    "Evidence",
    "EvidenceKind",
    "Indicator",
    "IndicatorValue",
    "Level",
    "SignificantChangeStory",
]


class Level(models.TextChoices):
    """The three levels at which the centre wants to make a difference."""

    INDIVIDUAL = "individual", "Individuals"
    ORGANISATION = "organisation", "Organisations"
    WIDER = "wider", "Wider research and health practice"


class EvidenceKind(models.TextChoices):
    NUMBER = "number", "A number"
    FEELING = "feeling", "How people feel"
    ARTEFACT = "artefact", "Something made (an artefact)"
    STORY = "story", "A story or quote"


class Aim(models.Model):
    """Something the centre wants to achieve, centre-wide or for one programme."""

    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aims",
        help_text="Empty: an aim for the whole centre",
    )
    title = models.CharField(max_length=200)
    success_looks_like = models.TextField("what it would look like if we achieved it")
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def scope_label(self) -> str:
        return self.programme.name if self.programme is not None else "The whole centre"


class Indicator(models.Model):
    """How the centre would know it is getting there: computed from the platform's own data
    (metric names a code in evaluation.indicators.METRICS) or recorded by hand as IndicatorValues."""

    class Kind(models.TextChoices):
        COMPUTED = "computed", "Worked out from what Roundtable records"
        RECORDED = "recorded", "Recorded by hand"

    aim = models.ForeignKey(Aim, on_delete=models.CASCADE, related_name="indicators")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    metric = models.CharField(max_length=40, blank=True)
    unit = models.CharField(max_length=40, blank=True, help_text="For recorded indicators, e.g. 'projects'")
    target = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="computed") & ~Q(metric="")) | (Q(kind="recorded") & Q(metric="")),
                name="computed_indicator_has_metric",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_computed(self) -> bool:
        return self.kind == self.Kind.COMPUTED


class IndicatorValue(models.Model):
    """One number recorded by hand for a recorded indicator, e.g. "pilot projects funded: 4"."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(max_digits=14, decimal_places=3)
    recorded_on = models.DateField("date")
    source = models.CharField(max_length=300, help_text="Where the number comes from")
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_on", "id"]
        indexes = [models.Index(fields=["indicator", "recorded_on"])]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} on {self.recorded_on}"


class EvidenceQuerySet(models.QuerySet["Evidence"]):
    def for_reports(self) -> EvidenceQuerySet:
        """What may go into a report for funders or the public: chosen for reports, and never an
        output whose consent has since been changed to private."""
        from roundtable.records.models import PUBLIC_CONSENTS

        return self.filter(in_reports=True).filter(Q(output__isnull=True) | Q(output__consent__in=PUBLIC_CONSENTS))


class Evidence(models.Model):
    """Anything that shows what difference the work makes, linked to one or more aims."""

    class Source(models.TextChoices):
        STORY = "story", "A story or quote"
        OUTPUT = "output", "An output from a session record"
        DOCUMENT = "document", "A document"
        LINK = "link", "A link"

    source = models.CharField(max_length=8, choices=Source.choices)
    aims = models.ManyToManyField(Aim, related_name="evidence", blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField("the story or quote", blank=True)
    attribution = models.CharField(
        max_length=200, blank=True, help_text="Who said it, as they chose; empty means anonymous"
    )
    # Evidence from a record goes when its output goes: a withdrawn consent must not linger here.
    output = models.ForeignKey(
        "records.Output", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    document = models.FileField(max_length=255, blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    document_size = models.PositiveIntegerField(null=True, blank=True)
    url = models.URLField("link", max_length=500, blank=True)
    level = models.CharField(max_length=12, choices=Level.choices)
    kind = models.CharField(max_length=8, choices=EvidenceKind.choices)
    happened_on = models.DateField("date", null=True, blank=True)
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    in_reports = models.BooleanField("include in reports", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_on", "-id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(condition=~Q(source="story") | ~Q(body=""), name="story_evidence_has_text"),
            models.CheckConstraint(
                condition=~Q(source="output") | Q(output__isnull=False), name="output_evidence_has_output"
            ),
            models.CheckConstraint(
                condition=~Q(source="document") | ~Q(document=""), name="document_evidence_has_file"
            ),
            models.CheckConstraint(condition=~Q(source="link") | ~Q(url=""), name="link_evidence_has_url"),
        ]

    def __str__(self) -> str:
        return self.title


class SignificantChangeStory(models.Model):
    """A Most Significant Change story (Davies and Dart): the story, the domain of change it speaks
    to, and who selected it as most significant and why — the selecting is part of the method."""

    aim = models.ForeignKey(Aim, null=True, blank=True, on_delete=models.SET_NULL, related_name="change_stories")
    title = models.CharField(max_length=200)
    story = models.TextField()
    domain = models.CharField("domain of change", max_length=200)
    told_by = models.CharField(max_length=200, blank=True, help_text="As they chose to be named; empty means anonymous")
    collected_on = models.DateField(null=True, blank=True)
    level = models.CharField(max_length=12, choices=Level.choices, blank=True)
    selected_by = models.CharField(max_length=200, blank=True, help_text="For example 'the steering group'")
    selected_why = models.TextField("why it was selected", blank=True)
    selected_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-collected_on", "-id"]
        verbose_name = "most significant change story"
        verbose_name_plural = "most significant change stories"
        constraints = [
            models.CheckConstraint(
                condition=Q(selected_by="") | ~Q(selected_why=""),
                name="selected_story_says_why",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_selected(self) -> bool:
        return bool(self.selected_by)
