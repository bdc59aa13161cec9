"""Every status an operation answers is in the OpenAPI document: the test walks the document and
calls each operation with no token, a wrong token and a coordinator's token, with path ids that
exist, cannot exist or are not numbers, with nonsense in each query parameter, and with a body
that is not JSON or is empty. A new operation is covered without anyone remembering it."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from roundtable.api.tests.helpers import bearer, booking_body, coordinator_token, post_json
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session

pytestmark = pytest.mark.django_db

PARAM = re.compile(r"\{(\w+)\}")


@pytest.fixture
def spec(client):
    return client.get("/api/openapi.json").json()


def _call(client, method: str, path: str, *, query=None, body=None, raw_body=None, headers=None):
    headers = headers or {}
    url = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    if method == "get":
        return client.get(url, **headers)
    if raw_body is not None:
        return client.post(url, data=raw_body, content_type="application/json", **headers)
    return post_json(client, url, body if body is not None else {}, **headers)


def test_every_status_an_operation_answers_is_documented(client, spec):
    session = make_session()
    booking = signup(session, **booking_body(1)).booking
    good_ids = {"session_id": str(session.pk), "booking_id": str(booking.pk)}
    token = coordinator_token()
    answered: dict[tuple[str, str], set[int]] = defaultdict(set)

    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            names = PARAM.findall(path)
            query_names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            has_body = "requestBody" in operation

            def url(ids: dict[str, str], path=path, names=names) -> str:
                return PARAM.sub(lambda m: ids.get(m.group(1), "1"), path)

            calls = []
            for headers in ({}, bearer("not-a-token"), token):
                calls.append({"path": url(good_ids), "headers": headers})
            for name in names:
                for value in ("abc", "0", "99999999999999999999999", "9223372036854775807"):
                    calls.append({"path": url({**good_ids, name: value}), "headers": token})
            for name in query_names:
                calls.append({"path": url(good_ids), "headers": token, "query": {name: "nonsense%00"}})
            if has_body:
                calls.append({"path": url(good_ids), "headers": token, "raw_body": "{not json"})
                calls.append({"path": url(good_ids), "headers": token, "body": []})
            for call in calls:
                response = _call(client, method, **call)
                answered[(method.upper(), path)].add(response.status_code)

    undocumented = {
        operation: sorted(
            statuses - {int(code) for code in spec["paths"][operation[1]][operation[0].lower()]["responses"]}
        )
        for operation, statuses in answered.items()
    }
    undocumented = {operation: codes for operation, codes in undocumented.items() if codes}
    assert not undocumented, repr(undocumented)
    assert not [op for op, statuses in answered.items() if any(s >= 500 for s in statuses)]
    assert len(answered) >= 7


@pytest.mark.parametrize("programme", ["a%00b", "%00", "99999999999999999999999", "x" * 60, "-1"])
def test_a_programme_filter_no_programme_has_is_a_422_on_both_databases(client, programme):
    response = client.get(f"/api/actions?programme={programme}")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"field": "programme", "message": "There is no programme with that id or slug"}]
    }
