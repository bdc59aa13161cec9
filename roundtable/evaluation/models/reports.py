"""Evaluation models: reports that people write and keep — GRIPP2-SF drafts and UK Standards for
Public Involvement self-assessments. (The dashboard and funder report are computed, not stored.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

__all__ = ["Gripp2Report", "Rating", "SelfAssessment", "Standard", "StandardRating"]


class Gripp2Report(models.Model):
    """A GRIPP2 short form report (Staniszewska et al., BMJ 2017): its five items, pre-filled from
    the platform's data for a period (and programme) and edited by a coordinator before export."""

    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    programme = models.ForeignKey(
        "cocreation.Programme", null=True, blank=True, on_delete=models.SET_NULL, related_name="gripp2_reports"
    )
    aim = models.TextField("aim of involvement", blank=True)
    methods = models.TextField(blank=True)
    outcomes = models.TextField(blank=True)
    influence = models.TextField("influence on the work", blank=True)
    reflections = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The five items in the form's order: (field, heading, what the short form asks for).
    ITEMS = (
        ("aim", "Aim of involvement", "The aim of patient and public involvement in this work."),
        ("methods", "Methods", "How patients and the public were involved: who, how many, how and when."),
        ("outcomes", "Outcomes", "What came of the involvement, good and not so good."),
        ("influence", "Influence on the work", "How far the involvement changed the work, and where."),
        ("reflections", "Reflections", "What went well, what did not, and what others could learn from it."),
    )

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = "GRIPP2-SF report"
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="gripp2_period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evaluation:gripp2_edit", args=[self.pk])

    def sections(self) -> list[dict[str, str]]:
        return [{"field": f, "heading": h, "prompt": p, "text": getattr(self, f)} for f, h, p in self.ITEMS]


class Standard(models.TextChoices):
    """The six UK Standards for Public Involvement (NIHR and partners, 2019), in their order."""

    INCLUSIVE_OPPORTUNITIES = "inclusive_opportunities", "Inclusive opportunities"
    WORKING_TOGETHER = "working_together", "Working together"
    SUPPORT_AND_LEARNING = "support_and_learning", "Support and learning"
    COMMUNICATIONS = "communications", "Communications"
    IMPACT = "impact", "Impact"
    GOVERNANCE = "governance", "Governance"


# Each standard's own statement, shown with it so people rate against its words.
STANDARD_STATEMENTS: dict[str, str] = {
    Standard.INCLUSIVE_OPPORTUNITIES: "Offer public involvement opportunities that are accessible and that reach "
    "people and groups according to research needs.",
    Standard.WORKING_TOGETHER: "Work together in a way that values all contributions, and that builds and "
    "sustains mutually respectful and productive relationships.",
    Standard.SUPPORT_AND_LEARNING: "Offer and promote support and learning opportunities that build confidence "
    "and skills for public involvement in research.",
    Standard.COMMUNICATIONS: "Use plain language for well-timed and relevant communications, as part of "
    "involvement plans and activities.",
    Standard.IMPACT: "Seek improvement by identifying and sharing the difference that public involvement makes "
    "to research.",
    Standard.GOVERNANCE: "Involve the public in research management, regulation, leadership and decision making.",
}


class Rating(models.IntegerChoices):
    """Four steps, each with words: a number alone says little about where you are."""

    NOT_YET = 1, "Not yet: we have not started on this"
    STARTING = 2, "Starting: we have made a start"
    DEVELOPING = 3, "Developing: we do this, with room to improve"
    EMBEDDED = 4, "Embedded: this is how we always work"

    @property
    def short(self) -> str:
        return self.label.split(":", 1)[0]


class SelfAssessment(models.Model):
    """One look at all six standards on a date; kept over time so progress shows."""

    assessed_on = models.DateField("date of the assessment", unique=True)
    notes = models.TextField("how the assessment was done", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-assessed_on"]

    def __str__(self) -> str:
        return f"Self-assessment of {self.assessed_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:assessment_detail", args=[self.pk])


class StandardRating(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="ratings")
    standard = models.CharField(max_length=30, choices=Standard.choices)
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reflection = models.TextField()
    follow_up = models.TextField("follow-up actions", blank=True)

    class Meta:
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "standard"], name="one_rating_per_standard_per_assessment"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=4), name="rating_on_the_four_point_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.get_standard_display()}: {self.rating}"

    @property
    def rating_short(self) -> str:
        return Rating(self.rating).short
