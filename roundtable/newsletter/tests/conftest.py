import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    # The rate limit counts in the database cache, which outlives each test's own data.
    from django.core.cache import cache

    cache.clear()
