"""The demo's evaluation: aims, indicators of both kinds, evidence of every kind (the clay figures
photo included), stories and feedback on past sessions — made twice without duplicates, emailing nobody."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from roundtable.core.models import OutboundEmail
from roundtable.demo.evaluation import seed_evaluation
from roundtable.demo.records import seed_records
from roundtable.evaluation import feedback
from roundtable.evaluation.indicators import indicator_series
from roundtable.evaluation.models import Evidence, FeedbackRequest, FeedbackResponse, Indicator, SignificantChangeStory

pytestmark = pytest.mark.django_db


def test_seed_evaluation_shows_everything_twice_without_duplicates():
    seed_records()
    first = seed_evaluation()
    second = seed_evaluation()
    assert first == second
    assert first["aims"] == 3 and first["values"] == 5 and first["feedback"] > 5
    assert set(Indicator.objects.values_list("kind", flat=True)) == {"computed", "recorded"}
    assert set(Evidence.objects.values_list("source", flat=True)) == {"story", "output", "document", "link"}
    clay = Evidence.objects.get(output__caption="Our hopes for the Centre, in clay")
    assert clay.kind == "artefact" and clay.aims.exists()
    assert not Evidence.objects.filter(output__consent="private").exists()
    assert SignificantChangeStory.objects.exclude(selected_by="").exists()
    assert set(FeedbackResponse.objects.values_list("source", flat=True)) == {"online", "paper"}
    assert FeedbackResponse.objects.filter(anonymous=True, person__isnull=True).exists()

    # Seeding asked everyone already, so the scheduled jobs email nobody about the demo's sessions.
    assert not OutboundEmail.objects.filter(template__startswith="feedback_").exists()
    tomorrow_ten = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time(10)))
    assert feedback.send_due_requests(now=tomorrow_ten) == 0
    assert feedback.send_due_reminders(now=tomorrow_ten) == 0
    assert FeedbackRequest.objects.filter(reminded_at__isnull=True).count() == 0

    # The dashboard has real figures to show.
    indicators = list(Indicator.objects.all())
    today = timezone.localdate()
    series = indicator_series(indicators, start=today - timedelta(days=365), end=today)
    voice = next(i for i in indicators if i.metric == "cube_voice_heard")
    assert series[voice.pk].total is not None
