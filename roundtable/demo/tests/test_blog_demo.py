import pytest
from django.urls import reverse

from roundtable.blog.models import Comment, Post, PostImage
from roundtable.demo.blog import seed_blog

pytestmark = pytest.mark.django_db


def test_demo_blog_has_every_state_and_can_be_loaded_twice(client):
    first = seed_blog()
    second = seed_blog()
    assert first == second
    assert Post.objects.published().count() == 3
    assert set(Post.objects.values_list("status", flat=True)) == {"published", "scheduled", "draft"}
    assert set(Comment.objects.values_list("status", flat=True)) == {"pending", "approved", "rejected"}
    with_images = Post.objects.get(images__isnull=False, images__alt_text__startswith="A Play-Doh")
    assert PostImage.objects.filter(post=with_images).count() == 2
    page = client.get(with_images.get_absolute_url()).content.decode()
    assert page.count('alt="A Play-Doh question mark') == 1 and "](image:" not in page
    assert client.get(reverse("blog:list")).status_code == 200
