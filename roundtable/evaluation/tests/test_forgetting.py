"""What evaluation forgets about a person: requests and links go, their answers stay unnamed."""

from __future__ import annotations

import pytest
from django.utils import timezone

from roundtable.bookings.models import Booking
from roundtable.cocreation.testing import make_session
from roundtable.evaluation.forgetting import forget_feedback
from roundtable.evaluation.models import (
    Evidence,
    FeedbackLink,
    FeedbackRequest,
    FeedbackResponse,
    SignificantChangeStory,
)
from roundtable.people.models import Person

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Fran Feedback", "fran@example.org"


def test_forgetting_deletes_their_feedback_requests_and_links_but_keeps_their_answers_unnamed():
    session = make_session(days_ahead=-2)
    person = Person.objects.create(name=NAME, email=EMAIL)
    other = Person.objects.create(name="Other", email="other@example.org")
    booking = Booking.objects.create(session=session, person=person, status=Booking.Status.ATTENDED)
    theirs = Booking.objects.create(session=session, person=other, status=Booking.Status.ATTENDED)
    request = FeedbackRequest.objects.create(booking=booking, session=session, sent_at=timezone.now())
    FeedbackLink.mint(request=request)
    FeedbackRequest.objects.create(booking=theirs, session=session, sent_at=timezone.now())
    FeedbackResponse.objects.create(
        session=session, person=person, voice_heard=5, went_well=f"{NAME} felt heard", submitted_on=timezone.localdate()
    )

    forget_feedback(person.pk, EMAIL, NAME, None)

    assert list(FeedbackRequest.objects.values_list("booking_id", flat=True)) == [theirs.pk]
    assert not FeedbackLink.objects.exists()
    response = FeedbackResponse.objects.get()
    assert (response.person_id, response.voice_heard, response.went_well) == (None, 5, "[removed] felt heard")


def test_quotes_and_stories_told_by_them_become_anonymous():
    Evidence.objects.create(
        source="story", title="A quote", body=f"{NAME} said it", attribution=NAME, level="individual", kind="story"
    )
    SignificantChangeStory.objects.create(title="A change", story="It changed", domain="Voice", told_by=NAME)
    forget_feedback(0, EMAIL, NAME, None)
    assert Evidence.objects.values_list("attribution", "body").get() == ("", "[removed] said it")
    assert SignificantChangeStory.objects.get().told_by == ""
