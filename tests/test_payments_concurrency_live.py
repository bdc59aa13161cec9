"""Two coordinators approving the same payment at the same moment approve it once, proved through
the real server setup on both databases (issue 12).

A fresh database per variant, served by gunicorn with two worker processes (sync and gthread), as
tests/test_board_concurrency_live.py does. 20 due payments; for each, two coordinators (their own
API tokens) POST /api/payments/{id}/approve at once: one 200 and one 409 each, every payment
approved, and exactly one `payment.approved` audit entry per payment.

PostgreSQL must be reachable (LIVE_POSTGRES_SERVER), as for tests/test_concurrency_live.py.
"""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest

from roundtable.core.testing import gunicorn_site, live_site_env
from tests.test_board_concurrency_live import _post_all
from tests.test_concurrency_live import _manage, _postgres_database

pytestmark = pytest.mark.live

PAYMENTS = 20

SETUP = f"""
import json
from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.models import Booking
from roundtable.cocreation.testing import make_session
from roundtable.payments.models import Payment
from roundtable.people.models import Person
creator = make_coordinator("creator@example.org")
for n in range(2):
    make_coordinator(f"approver{{n}}@example.org", name=f"Approver {{n}}")
session = make_session(days_ahead=-3)
ids = []
for n in range({PAYMENTS}):
    person = Person.objects.create(name=f"Person {{n}}", email=f"person{{n}}@example.org")
    booking = Booking.objects.create(session=session, person=person, status=Booking.Status.ATTENDED)
    ids.append(Payment.objects.create(person=person, session=session, booking=booking, kind="fee",
                                      offered_pence=8250, amount_pence=8250, status="due", choice="accept",
                                      created_by=creator).pk)
print(json.dumps(ids))
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.sqlite3'}"
    else:
        yield from _postgres_database()


@pytest.fixture(params=[1, 8], ids=["sync", "gthread"])
def threads(request):
    return request.param


@pytest.fixture
def payments_site(database_url, threads, tmp_path):
    env = live_site_env(database_url, tmp_path / "var")
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "createcachetable")
    ids = json.loads(_manage(env, "shell", "-v0", "-c", SETUP).strip().splitlines()[-1])
    tokens = [_manage(env, "api_token", f"approver{n}@example.org").strip() for n in range(2)]
    with gunicorn_site(env, tmp_path / "server.log", threads=threads) as base:
        yield {"base": base, "ids": ids, "tokens": tokens, "env": env, "log": tmp_path / "server.log"}


def test_two_coordinators_approving_each_payment_at_once_approve_it_once(payments_site):
    base, ids, tokens = payments_site["base"], payments_site["ids"], payments_site["tokens"]
    took = 0.0
    for payment_id in ids:
        url = f"{base}/api/payments/{payment_id}/approve"
        started = time.monotonic()
        answers = _post_all([(url, {}, {"Authorization": f"Bearer {token}"}) for token in tokens])
        took += time.monotonic() - started
        codes = sorted(code for code, _ in answers)
        assert codes == [200, 409], f"payment {payment_id}: {answers}"

    code = (
        "import json\n"
        "from collections import Counter\n"
        "from roundtable.core.models import AuditEntry\n"
        "from roundtable.payments.models import Payment\n"
        f"ids = {ids!r}\n"
        "statuses = sorted(set(Payment.objects.filter(pk__in=ids).values_list('status', flat=True)))\n"
        "audits = Counter(AuditEntry.objects.filter(verb='payment.approved').values_list('target_id', flat=True))\n"
        "approvers = Payment.objects.filter(pk__in=ids, approved_by__isnull=True).count()\n"
        "print(json.dumps({'statuses': statuses, 'audits': {k: v for k, v in audits.items()}, 'no_approver': approvers}))"
    )
    found = json.loads(_manage(payments_site["env"], "shell", "-v0", "-c", code).strip().splitlines()[-1])
    assert found["statuses"] == ["approved"]
    assert found["no_approver"] == 0
    assert Counter(found["audits"].values()) == {1: PAYMENTS}
    assert sorted(int(k) for k in found["audits"]) == sorted(ids)

    log = payments_site["log"].read_text()
    assert "database is locked" not in log
    assert "Traceback" not in log
    print(f"\n{PAYMENTS} payments x 2 approvals at once answered in {took:.1f}s")
