"""Settings for the test suite: the real settings, with only what a test run needs changed."""

import os

os.environ.setdefault("STATIC_MANIFEST", "false")

from config.settings import *  # noqa: E402,F403

# Existing tests sign coordinators in without an authenticator app; the two-factor tests turn
# this on themselves.
TWO_FACTOR_REQUIRED = False

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Each test run gets its own test database, so several runs at once (engineers, CI steps) never
# share one file or one PostgreSQL database.
_run = os.environ.get("PYTEST_XDIST_WORKER", "") + str(os.getpid())
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{_run}.sqlite3")}  # noqa: F405
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_roundtable_{_run}"}  # noqa: F405
