from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roundtable.accounts.models import ApiToken
from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.services import booking_mark_attendance
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.payments import services
from roundtable.payments.models import Payment
from roundtable.payments.services import ChoiceAnswer
from roundtable.payments.testing import make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):
    creator = make_coordinator("creator@example.org")
    other = make_coordinator("other@example.org")
    _, creator_token = ApiToken.issue(creator)
    _, other_token = ApiToken.issue(other)
    session = make_session()
    booking = signup(session).booking
    make_offer(session, actor=creator, quantity="7")
    fee = Payment.objects.get(booking=booking)
    services.payment_choose(payment_id=fee.pk, answer=ChoiceAnswer("accept"))
    booking_mark_attendance(booking_id=booking.pk, attended=True, actor=creator)
    return {"creator": creator_token, "other": other_token, "fee": fee, "session": session}


def _post(client, token, path, body=None):
    return client.post(
        f"/api/payments/{path}",
        body or {},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_the_list_gives_integer_pence_and_filters_by_status_and_session(client, setup):
    response = client.get(
        f"/api/payments?status=due&session={setup['session'].pk}", headers={"Authorization": f"Bearer {setup['other']}"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["next_offset"] is None
    item = body["items"][0]
    assert item == {
        "id": setup["fee"].pk,
        "person_id": setup["fee"].person_id,
        "session_id": setup["session"].pk,
        "kind": "fee",
        "expense_kind": "",
        "amount_pence": 19250,
        "currency": "GBP",
        "status": "due",
        "method": "",
        "created_at": item["created_at"],
        "paid_at": None,
    }
    assert (
        client.get("/api/payments?status=paid", headers={"Authorization": f"Bearer {setup['other']}"}).json()["count"]
        == 0
    )


def test_the_list_pages_and_costs_the_same_with_few_or_many(client, setup):
    session = setup["session"]
    for _ in range(12):
        signup(session)
    services.offer_sync(offer=session.payment_offer, actor=None)
    headers = {"Authorization": f"Bearer {setup['other']}"}
    first = client.get("/api/payments?limit=5", headers=headers).json()
    assert (len(first["items"]), first["count"], first["next_offset"]) == (5, 13, 5)
    last = client.get("/api/payments?limit=5&offset=10", headers=headers).json()
    assert (len(last["items"]), last["next_offset"]) == (3, None)
    with CaptureQueriesContext(connection) as small:
        client.get("/api/payments?limit=2", headers=headers)
    with CaptureQueriesContext(connection) as large:
        client.get("/api/payments?limit=500", headers=headers)
    assert len(small) == len(large)


def test_bad_filters_are_422_with_a_message(client, setup):
    response = client.get("/api/payments?status=lost&limit=0", headers={"Authorization": f"Bearer {setup['other']}"})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"status", "limit"}


def test_approve_then_pay_then_409_for_paying_again(client, setup):
    fee = setup["fee"]
    refused = _post(client, setup["creator"], f"{fee.pk}/approve")
    assert refused.status_code == 403
    assert "another coordinator" in refused.json()["detail"]
    early = _post(client, setup["other"], f"{fee.pk}/mark-paid", {"method": "bank_transfer", "paid_on": "2026-01-01"})
    assert early.status_code == 409
    assert _post(client, setup["other"], f"{fee.pk}/approve").json()["status"] == "approved"
    assert _post(client, setup["other"], f"{fee.pk}/approve").status_code == 409
    paid = _post(
        client,
        setup["other"],
        f"{fee.pk}/mark-paid",
        {"method": "bank_transfer", "paid_on": date.today().isoformat(), "reference": "BACS 42"},
    )
    assert paid.status_code == 200
    assert (paid.json()["status"], paid.json()["method"]) == ("paid", "bank_transfer")
    assert paid.json()["paid_at"]
    again = _post(client, setup["other"], f"{fee.pk}/reject", {"reason": "Oops"})
    assert again.status_code == 409


def test_bad_input_is_422_naming_the_field_and_changes_nothing(client, setup):
    fee = setup["fee"]
    _post(client, setup["other"], f"{fee.pk}/approve")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    for body, field in (
        ({"method": "cash", "paid_on": "2026-01-01"}, "method"),
        ({"method": "voucher", "paid_on": "not a date"}, "paid_on"),
        ({"method": "voucher", "paid_on": tomorrow}, "paid_on"),
        ({"method": "voucher", "paid_on": "2026-01-01", "reference": "x" * 101}, "reference"),
    ):
        response = _post(client, setup["other"], f"{fee.pk}/mark-paid", body)
        assert response.status_code == 422, body
        assert field in {e["field"] for e in response.json()["detail"]}
    blank = _post(client, setup["other"], f"{fee.pk}/reject", {"reason": "  "})
    assert blank.status_code == 422
    fee.refresh_from_db()
    assert fee.status == "approved"


def test_an_unknown_payment_is_404(client, setup):
    assert _post(client, setup["other"], "999999/approve").status_code == 404
    assert _post(client, setup["other"], "99999999999999999999/approve").status_code in (404, 422)
