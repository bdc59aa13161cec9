"""The schemathesis run of tests/test_fuzz_api.py, longer and with fresh random cases: `make bench`.

    .venv/bin/python bench/fuzz_api.py                 # 500 examples per operation and caller, SQLite
    .venv/bin/python bench/fuzz_api.py --examples 300 --db postgres

CI runs the same test bounded (60 examples, the same cases every run). This prints the test's
summary line (cases, server errors, statuses, failures) and exits non-zero if the test failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/roundtable_bench_fuzz"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=500, help="examples per operation and caller")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "FUZZ_API_EXAMPLES": str(args.examples),
        "FUZZ_API_RANDOM": "1",
    }
    if args.db == "postgres":
        env["DATABASE_URL"] = POSTGRES_URL
    else:
        env.pop("DATABASE_URL", None)
    started = time.monotonic()
    command = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:logging", "-p", "no:warnings"]
    result = subprocess.run(  # noqa: S603 - our own interpreter and test file
        [*command, "tests/test_fuzz_api.py"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    summary = [line for line in result.stdout.splitlines() + result.stderr.splitlines() if "schemathesis:" in line]
    print(
        f"fuzz_api ({args.db}, {args.examples} examples per operation and caller, {time.monotonic() - started:.0f} s)"
    )
    print("\n".join(summary) or "(no summary: the test did not reach its end)")
    if result.returncode != 0:
        print(result.stdout[-6000:])
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
