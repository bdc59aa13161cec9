"""Schemathesis against `/api/openapi.json`: every operation, with no token and with a coordinator's.

Whatever schemathesis generates from the OpenAPI document (values that fit it and values that do
not, in bodies, paths and queries; real ids half the time), the API must answer without a server
error, with a status code the document lists for that operation, with the documented content type,
and with a body that matches the documented schema. It runs in-process against the Django WSGI
application and the test database.

Bounded for CI: FUZZ_API_EXAMPLES examples per operation and kind of caller (default 60: 960
cases, under a minute on a quiet core), the same cases on every run. `make bench` runs it longer,
with fresh random cases each time (bench/fuzz_api.py, FUZZ_API_RANDOM=1).

roundtable/api/tests/test_no_500_on_any_input.py throws arbitrary JSON at the write operations;
this test follows the schema instead, and checks every answer against the document as well.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from roundtable.accounts.models import ApiToken
from roundtable.accounts.testing import make_coordinator
from roundtable.board import services as board_services
from roundtable.board.testing import ideas, make_board
from roundtable.bookings.services import AccessNeedsAnswer
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_programme, make_session, make_venue
from roundtable.records.tests.factories import add_action, add_decision, add_text, attend

pytestmark = pytest.mark.django_db(transaction=False)

EXAMPLES = int(os.environ.get("FUZZ_API_EXAMPLES", "60"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Answers the API gives that its OpenAPI document does not (yet) describe, each waiting for another
# branch of issue 15: (operation label, status) -> why. Every other failure fails the test. Random
# inputs may not meet every one of these in a run, so one that does not happen is reported, not failed.
_UNDOCUMENTED = "issue 15 item 13: the OpenAPI document lacks a status code the API returns"
KNOWN_BROKEN_UNTIL_MERGED: dict[tuple[str, int], str] = {}


@dataclass
class Tally:
    cases: int = 0
    by_status: Counter = field(default_factory=Counter)
    server_errors: int = 0
    failures: dict[tuple[str, str], str] = field(default_factory=dict)  # (operation, what) -> one example
    known: set[tuple[str, int]] = field(default_factory=set)


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, kept from closing the test's database connection after each
    request (what Django's own test client does too)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world():
    """Real ids for the path parameters to hit, besides the random ones schemathesis makes up."""
    coordinator = make_coordinator(email="fuzz-coordinator@example.org")
    _, token = ApiToken.issue(coordinator)
    programme = make_programme()
    venue = make_venue()
    upcoming = make_session(programme=programme, venue=venue, capacity=3)
    booking = signup(upcoming, access_needs=AccessNeedsAnswer(needs=["bsl"], details="A detail", consent=True)).booking
    past = make_session(programme=programme, venue=venue, days_ahead=-7)
    attend(past)
    add_text(past, coordinator)
    add_action(add_decision(past, coordinator), coordinator)
    collecting = make_board(session=past, actor=coordinator)
    voting = make_board(session=past, actor=coordinator)
    ideas(voting, "Benches", "Shade")
    voting = board_services.set_stage(board=voting, actor=coordinator, stage="voting")
    return {
        "token": token,
        "session_id": [upcoming.pk, past.pk],
        "booking_id": [booking.pk],
        "code": [collecting.code, voting.code],
        "board_id": [collecting.pk, voting.pk],
    }


def _describe(failure_group: BaseException) -> list[str]:
    found = getattr(failure_group, "exceptions", None) or [failure_group]
    return [
        f"{getattr(each, 'title', type(each).__name__)}: {str(getattr(each, 'message', each))[:300]}" for each in found
    ]


def _fuzz_operation(operation, world, tally: Tally, *, with_token: bool) -> None:
    label = operation.label
    headers = {"Authorization": f"Bearer {world['token']}"} if with_token else {}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        # The same cases on every CI run; `make bench` (FUZZ_API_RANDOM=1) explores afresh each time.
        derandomize=not os.environ.get("FUZZ_API_RANDOM"),
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE),
        data=st.data(),
    )
    def run(case, data):
        for name, real in world.items():
            if name != "token" and case.path_parameters and name in case.path_parameters:
                if data.draw(st.booleans(), label=f"real {name}"):
                    case.path_parameters[name] = data.draw(st.sampled_from(real))
        response = case.call(headers=headers)
        tally.cases += 1
        tally.by_status[response.status_code] += 1
        if response.status_code >= 500:
            tally.server_errors += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, BaseExceptionGroup) as problem:  # one failed check, or a group of them
            key = (label, response.status_code)
            if key in KNOWN_BROKEN_UNTIL_MERGED:
                tally.known.add(key)
                return
            for line in _describe(problem):
                tally.failures.setdefault(
                    (label, f"{response.status_code} {line[:120]}"),
                    f"{case.method} {case.formatted_path} {case.query or ''} body={str(case.body)[:200]!r} "
                    f"-> {response.status_code} {response.text[:300]!r}",
                )

    run()


def test_the_api_answers_schemathesis_as_its_openapi_document_says(world, wsgi_app, capsys):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    tally = Tally()
    for result in schema.get_all_operations():
        operation = result.ok()
        for with_token in (False, True):
            _fuzz_operation(operation, world, tally, with_token=with_token)
    with capsys.disabled():  # the figures show in every run, not only when the test fails
        print(
            f"\nschemathesis: {tally.cases} cases ({EXAMPLES} per operation and caller), "
            f"{tally.server_errors} server errors, statuses {dict(sorted(tally.by_status.items()))}, "
            f"{len(tally.failures)} kinds of failure, {len(tally.known)} known broken until merged",
        )
    report = "\n".join(f"{op}: {what}\n    e.g. {example}" for (op, what), example in tally.failures.items())
    assert tally.server_errors == 0 and not tally.failures, f"{tally.server_errors} server errors\n{report}"
    not_met = sorted(set(KNOWN_BROKEN_UNTIL_MERGED) - tally.known)
    if not_met:
        with capsys.disabled():
            print(f"Known broken cases not met in this run (fixed, or not reached): {not_met}")
