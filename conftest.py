import pytest


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SIGNUP_RATE_LIMIT = None
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def coordinator(db):
    from roundtable.core.testing import make_coordinator

    return make_coordinator()


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client
