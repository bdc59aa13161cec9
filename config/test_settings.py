"""Settings for the test suite: the real settings, with only what a test run needs changed."""

import os

os.environ.setdefault("STATIC_MANIFEST", "false")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
