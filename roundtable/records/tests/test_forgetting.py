"""What records forget about a person: credits become anonymous; outputs and decisions stay."""

from __future__ import annotations

import pytest

from roundtable.records.forgetting import forget_credits
from roundtable.records.models import Action, Decision, Output
from roundtable.records.tests.factories import past_session

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Cora Credited", "cora@example.org"


def test_an_output_credited_to_them_becomes_anonymous_and_other_credits_stay(coordinator):
    session = past_session()
    theirs = Output.objects.create(
        session=session,
        kind="text",
        caption="A quote",
        body="Step-free, please",
        credit=NAME,
        consent="everyone_agreed",
    )
    another = Output.objects.create(
        session=session,
        kind="text",
        caption=f"What {NAME} said",
        body="More trees",
        credit="Cora",
        consent="everyone_agreed",
    )
    decision = Decision.objects.create(session=session, title=f"{NAME}'s idea: longer breaks", method="consensus")
    Action.objects.create(decision=decision, title="Ask the venue", outcome=f"Emailed {EMAIL}")

    assert forget_credits(0, EMAIL, NAME, None) == 4

    assert Output.objects.values_list("credit", "body").get(pk=theirs.pk) == ("", "Step-free, please")
    assert Output.objects.values_list("credit", "caption").get(pk=another.pk) == ("Cora", "What [removed] said")
    assert Decision.objects.get().title == "[removed]'s idea: longer breaks"
    assert Action.objects.get().outcome == "Emailed [removed]"
