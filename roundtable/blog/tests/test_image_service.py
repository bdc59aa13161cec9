"""Images through the service: limits on pixels, and large photos scaled down (the upload page
is tested in roundtable/workspace/tests/test_blog_images.py)."""

from __future__ import annotations

import pytest

from roundtable.blog import services
from roundtable.blog.tests.factories import image_bytes, make_post, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(coordinator):
    return make_post(coordinator)


def test_a_decompression_bomb_is_refused(coordinator, post, monkeypatch):
    monkeypatch.setattr(services, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(services.ValidationError):
        services.image_add(post=post, actor=coordinator, upload=upload(data=image_bytes(size=(100, 100))), alt_text="x")


def test_large_photos_are_scaled_down(coordinator, post):
    image = services.image_add(
        post=post, actor=coordinator, upload=upload(data=image_bytes(fmt="PNG", size=(3000, 1500))), alt_text="Wide"
    )
    assert (image.width, image.height) == (2000, 1000)
