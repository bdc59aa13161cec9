"""Whatever JSON arrives, the API answers with a 4xx (or a 2xx) and a JSON body, never a 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roundtable.accounts.models import ApiToken
from roundtable.accounts.testing import make_coordinator
from roundtable.api.tests.helpers import bearer
from roundtable.board import services
from roundtable.board.testing import make_board
from roundtable.bookings.models import Booking
from roundtable.cocreation.testing import make_session, make_venue

pytestmark = pytest.mark.django_db

SIGNUP_KEYS = [
    "name",
    "email",
    "phone",
    "pronouns",
    "interests",
    "perspectives",
    "access_needs",
    "access_needs_consent",
    "dietary_kinds",
    "dietary_needs",
    "heard_about",
]
SESSION_KEYS = [
    "title",
    "starts_at",
    "ends_at",
    "capacity",
    "venue",
    "summary",
    "goals",
    "programme",
    "signup_opens_at",
    "signup_closes_at",
    "who_comes",
]

# Text that includes what breaks databases: NUL, lone surrogates, control characters, very long runs.
nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=20),
    st.sampled_from(
        [
            "\x00",
            "\ud800",
            "a\udfff",
            "<script>alert(1)</script>",
            "x" * 2001,
            "",
            " ",
            "person@example.org",
            "name@",
            "@example.org",
            "a@b",
            "2030-12-13T13:30",
            "9999-12-31T23:59:59-23:59",
            "0001-01-01T00:00:00+23:59",
            "bsl",
            "carer",
            "NaN",
        ]
    ),
)
numbers = st.one_of(
    st.integers(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=True, allow_infinity=True)
)
scalars = st.one_of(st.none(), st.booleans(), numbers, nasty_text)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(nasty_text, children, max_size=4),
    max_leaves=10,
)


def plausible(keys):
    """A body with any subset of the real keys, each holding any JSON value."""
    return st.dictionaries(st.sampled_from(keys), json_values, max_size=len(keys))


def fine_body(keys):
    return st.one_of(plausible(keys), json_values)


def _encode(body) -> str:
    # allow_nan: Python's json module reads NaN and Infinity, so a client may send them.
    return json.dumps(body, allow_nan=True)


def _assert_json_answer(response, allowed):
    assert response.status_code in allowed, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    json.loads(response.content)


FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@FUZZ
@given(body=fine_body(SIGNUP_KEYS))
def test_sign_up_never_fails_with_a_server_error(client, body):
    session = make_session(capacity=2, venue=make_venue())
    before = Booking.objects.count()
    response = client.post(f"/api/sessions/{session.pk}/bookings", data=_encode(body), content_type="application/json")
    _assert_json_answer(response, {201, 409, 422})
    if response.status_code != 201:
        assert Booking.objects.count() == before


@FUZZ
@given(
    body=st.dictionaries(st.sampled_from(SIGNUP_KEYS), json_values, max_size=len(SIGNUP_KEYS)).map(
        lambda extra: {"name": "Sam", "email": "sam@example.org", **extra}
    )
)
def test_sign_up_with_a_valid_core_and_wild_extras_never_fails(client, body):
    session = make_session(capacity=1, venue=make_venue())
    response = client.post(f"/api/sessions/{session.pk}/bookings", data=_encode(body), content_type="application/json")
    _assert_json_answer(response, {201, 409, 422})


@FUZZ
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode), session_id=st.text(max_size=30))
def test_any_bytes_to_any_session_path_never_fail(client, raw, session_id):
    path = f"/api/sessions/{session_id}/bookings"
    if "/" in session_id or "?" in session_id or "#" in session_id or not session_id.strip():
        return
    response = client.post(path, data=raw, content_type="application/json")
    # 404 from Django itself for ids that do not make a URL, JSON answers from the API otherwise.
    assert response.status_code < 500


@FUZZ
@given(body=fine_body(SESSION_KEYS), with_venue=st.booleans())
def test_creating_a_session_never_fails_with_a_server_error(client, body, with_venue):
    _, raw = ApiToken.issue(make_coordinator(email=f"c{ApiToken.objects.count()}@example.org"))
    if with_venue and isinstance(body, dict):
        body["venue"] = make_venue().pk
    response = client.post("/api/sessions", data=_encode(body), content_type="application/json", **bearer(raw))
    _assert_json_answer(response, {201, 422})


@FUZZ
@given(body=json_values)
def test_cancelling_never_fails_with_a_server_error(client, body):
    _, raw = ApiToken.issue(make_coordinator(email=f"c{ApiToken.objects.count()}@example.org"))
    booking_session = make_session(venue=make_venue())
    from roundtable.bookings.testing import signup

    booking = signup(booking_session).booking
    response = client.post(
        f"/api/bookings/{booking.pk}/cancel",
        data=_encode({"reason": body}),
        content_type="application/json",
        **bearer(raw),
    )
    _assert_json_answer(response, {200, 422})


BOARD_KEYS = {
    "join": ["display_name", "is_table", "people"],
    "ideas": ["text"],
    "votes": ["idea_id"],
    "boards": ["question", "dots_per_person", "several_dots_on_one_idea", "show_names", "show_votes_while_voting"],
    "stage": ["stage"],
    "decision": ["title", "outputs_consent"],
}


@FUZZ
@given(
    what=st.sampled_from(list(BOARD_KEYS)),
    body=st.one_of(*[fine_body(keys) for keys in BOARD_KEYS.values()]),
    stage=st.sampled_from(["collecting", "voting", "closed"]),
)
def test_the_board_never_fails_with_a_server_error(client, what, body, stage):
    coordinator = make_coordinator(email=f"board-fuzz-{ApiToken.objects.count()}@example.org")
    _, raw = ApiToken.issue(coordinator)
    board = make_board(actor=coordinator, stage=stage if stage != "closed" else "collecting")
    key = services.join(board=board).key
    if stage == "closed":
        board = services.set_stage(board=board, actor=coordinator, stage="closed")
    path, auth = {
        "join": (f"/api/boards/{board.code}/join", {}),
        "ideas": (f"/api/boards/{board.code}/ideas", bearer(key)),
        "votes": (f"/api/boards/{board.code}/votes", bearer(key)),
        "boards": (f"/api/sessions/{board.session_id}/boards", bearer(raw)),
        "stage": (f"/api/boards/{board.pk}/stage", bearer(raw)),
        "decision": (f"/api/boards/{board.pk}/decision", bearer(raw)),
    }[what]
    response = client.post(path, data=_encode(body), content_type="application/json", **auth)
    _assert_json_answer(response, {200, 201, 400, 409, 422})
