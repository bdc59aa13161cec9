"""No lost or doubled dots, proved through the real server setup on both databases (issue 14).

A fresh database per variant, served by gunicorn with two worker processes (the web server
`make demo` starts), sync and gthread. 60 participants join the board at once, then each sends one more vote than
they have dots, all at the same moment (240 requests): exactly their dots are placed and the
extra one is refused with 409, the board's totals equal the dots placed, and nobody has more
than their share. The participant's row is locked while their dots are counted (services.vote):
without the locks, the PostgreSQL gthread run placed 184 dots where 180 were allowed.

PostgreSQL must be reachable (LIVE_POSTGRES_SERVER), as for tests/test_concurrency_live.py.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from roundtable.core.testing import gunicorn_site, live_site_env
from tests.test_concurrency_live import _manage, _postgres_database

pytestmark = pytest.mark.live

PARTICIPANTS = 60
DOTS = 3
IDEAS = 5

SETUP = f"""
import json
from roundtable.accounts.testing import make_coordinator
from roundtable.board import services
from roundtable.board.testing import make_board
from roundtable.cocreation.testing import make_session
coordinator = make_coordinator()
board = make_board(session=make_session(days_ahead=0), actor=coordinator, dots_per_person={DOTS},
                   several_dots_on_one_idea=True)
person = services.join(board=board).participant
ideas = [services.add_idea(board=board, participant=person, text=f"Idea {{n}}").pk for n in range({IDEAS})]
services.set_stage(board=board, actor=coordinator, stage="voting")
print(json.dumps({{"code": board.code, "id": board.pk, "ideas": ideas}}))
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.sqlite3'}"
    else:
        yield from _postgres_database()


@pytest.fixture(params=[1, 8], ids=["sync", "gthread"])
def threads(request):
    """Two sync workers (two requests at a time), and two gthread workers with 8 threads each
    (16 at a time, so one person's votes really do arrive together)."""
    return request.param


@pytest.fixture
def board_site(database_url, threads, tmp_path):
    env = live_site_env(database_url, tmp_path / "var")
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "createcachetable")
    board = json.loads(_manage(env, "shell", "-v0", "-c", SETUP).strip().splitlines()[-1])
    log_path = tmp_path / "server.log"
    with gunicorn_site(env, log_path, ready_path=f"/api/boards/{board['code']}", threads=threads) as base:
        yield {"base": base, "board": board, "env": env, "log": log_path}


def _post_all(requests: list[tuple[str, dict, dict]]) -> list[tuple[int, dict]]:
    """POST every (url, body, headers) at once: the threads wait at a barrier first."""
    barrier = threading.Barrier(len(requests))

    def post(item: tuple[str, dict, dict]) -> tuple[int, dict]:
        url, body, headers = item
        request = urllib.request.Request(  # noqa: S310
            url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json", **headers}, method="POST"
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=120) as resp:  # noqa: S310
                return resp.status, json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                return exc.code, json.loads(raw or b"{}")
            except ValueError:
                return exc.code, {"raw": raw[:300].decode(errors="replace")}

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(post, requests))


def test_sixty_people_voting_all_their_dots_at_once_lose_and_double_none(board_site):
    base, board = board_site["base"], board_site["board"]
    joined = _post_all([(f"{base}/api/boards/{board['code']}/join", {}, {})] * PARTICIPANTS)
    assert Counter(code for code, _ in joined) == {201: PARTICIPANTS}, joined[:3]
    keys = [body["participant_key"] for _, body in joined]
    assert len(set(keys)) == PARTICIPANTS

    # Each person sends one vote more than they have dots, spread over the ideas, all at once.
    votes = [
        (
            f"{base}/api/boards/{board['code']}/votes",
            {"idea_id": board["ideas"][(n + k) % IDEAS]},
            {"Authorization": f"Bearer {key}"},
        )
        for n, key in enumerate(keys)
        for k in range(DOTS + 1)
    ]
    started = time.monotonic()
    answers = _post_all(votes)
    took = time.monotonic() - started

    codes = Counter(code for code, _ in answers)
    assert codes == {201: PARTICIPANTS * DOTS, 409: PARTICIPANTS}, f"{codes}: {[a for a in answers if a[0] >= 500][:3]}"
    by_person: dict[str, Counter] = {}
    for (_, _, headers), (code, _) in zip(votes, answers, strict=True):
        by_person.setdefault(headers["Authorization"], Counter())[code] += 1
    assert all(c == {201: DOTS, 409: 1} for c in by_person.values())

    code = (
        "import json\n"
        "from django.db.models import Count\n"
        "from roundtable.board.models import Dot\n"
        f"per = Dot.objects.filter(board_id={board['id']}).values('participant_id').annotate(n=Count('id'))\n"
        "print(json.dumps(sorted(row['n'] for row in per)))"
    )
    per_participant = json.loads(_manage(board_site["env"], "shell", "-v0", "-c", code).strip().splitlines()[-1])
    # The person who added the ideas never voted, so exactly the 60 voters hold dots, 3 each.
    assert per_participant == [DOTS] * PARTICIPANTS

    stage = urllib.request.Request(  # noqa: S310
        f"{base}/api/boards/{board['id']}/stage", data=b'{"stage": "closed"}', method="POST"
    )
    token = _manage(board_site["env"], "api_token", "coordinator@example.org").strip()
    stage.add_header("Authorization", f"Bearer {token}")
    stage.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(stage, timeout=30) as resp:  # noqa: S310
        assert json.loads(resp.read())["stage"] == "closed"
    with urllib.request.urlopen(f"{base}/api/boards/{board['code']}", timeout=30) as resp:  # noqa: S310
        state = json.loads(resp.read())
    assert sum(idea["votes"] for idea in state["ideas"]) == PARTICIPANTS * DOTS

    log = board_site["log"].read_text()
    assert "database is locked" not in log
    assert "Traceback" not in log
    print(f"\n{len(votes)} votes at once answered in {took:.1f}s")
