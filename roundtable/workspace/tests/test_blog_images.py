"""Images: real images only, within limits, no hidden metadata, and never without alt text."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from roundtable.blog import services
from roundtable.blog.models import PostImage
from roundtable.blog.tests.factories import image_bytes, make_post, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(coordinator):
    return make_post(coordinator)


def add(coordinator_client, post, **data):
    data.setdefault("alt_text", "A group photo")
    return coordinator_client.post(reverse("blog:manage_image_add", args=[post.pk]), data)


def test_uploading_an_image_strips_its_exif_and_gives_it_a_random_name(coordinator_client, post):
    original = image_bytes(exif=True)
    assert b"SecretCam" in original
    response = add(coordinator_client, post, file=upload("my-home-address.jpg", original))
    assert response.status_code == 302
    image = PostImage.objects.get()
    assert image.alt_text == "A group photo" and (image.width, image.height) == (64, 48)
    assert "my-home-address" not in image.file.name
    stored = image.file.read()
    assert b"SecretCam" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert response.wsgi_request._messages  # the banner tells the coordinator the code to paste


def test_an_image_without_alt_text_is_refused(coordinator_client, post):
    response = add(coordinator_client, post, file=upload(), alt_text="   ")
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("Enter alt text that describes the image") == 2
    assert "<title>Error: " in page
    assert PostImage.objects.count() == 0


def test_a_file_that_is_not_an_image_is_refused_with_a_clear_message(coordinator_client, post):
    fake = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not really a jpeg", content_type="image/jpeg")
    response = add(coordinator_client, post, file=fake)
    assert response.status_code == 400
    assert "The file is not an image we can read" in response.content.decode()
    assert PostImage.objects.count() == 0


def test_an_svg_is_refused_because_it_can_carry_script(coordinator_client, post):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
    response = add(coordinator_client, post, file=SimpleUploadedFile("x.svg", svg, content_type="image/svg+xml"))
    assert response.status_code == 400
    assert PostImage.objects.count() == 0


def test_an_image_over_the_size_limit_is_refused(coordinator_client, post, monkeypatch):
    monkeypatch.setattr(services, "MAX_IMAGE_BYTES", 100)
    response = add(coordinator_client, post, file=upload())
    assert response.status_code == 400
    assert "The image must be smaller than" in response.content.decode()


def test_removing_an_image_deletes_its_file(coordinator_client, coordinator, post, django_capture_on_commit_callbacks):
    image = services.image_add(post=post, actor=coordinator, upload=upload(), alt_text="Gone soon")
    name, storage = image.file.name, image.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(reverse("blog:manage_image_delete", args=[post.pk, image.pk]))
    assert response.status_code == 302
    assert not PostImage.objects.exists()
    assert not storage.exists(name)
