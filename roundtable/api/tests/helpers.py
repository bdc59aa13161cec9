"""What the API tests share: posting JSON, and a coordinator with a token."""

from __future__ import annotations

import json
from typing import Any

from roundtable.accounts.models import ApiToken
from roundtable.accounts.testing import make_coordinator


def post_json(client, url: str, data: Any, **headers):
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers)


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def coordinator_token(email: str = "api-coordinator@example.org") -> dict[str, str]:
    """Authorization headers for a fresh coordinator's token."""
    _, raw = ApiToken.issue(make_coordinator(email=email))
    return bearer(raw)


def booking_body(n: int = 1, **fields) -> dict[str, Any]:
    body = {"name": f"Person {n}", "email": f"person{n}@example.org"}
    body.update(fields)
    return body
