"""Posts: who sees what and when, the public pages, feeds and the coordinators' editor."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.blog.models import Post
from roundtable.blog.tests.factories import add_image, make_post

pytestmark = pytest.mark.django_db

SCRIPT_POST = "Before <script>alert('post')</script> after <img src=x onerror=alert(1)>\n\n[click](javascript:alert(2))"


class _Tags(HTMLParser):
    """Collects the real elements and attributes of an HTML document (not escaped text)."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def assert_no_script(html: str) -> None:
    for tag, attrs in elements(html):
        assert tag != "script" or attrs.get("src", "").startswith("/static/"), f"a <script> from content: {attrs}"
        assert not any(name.startswith("on") for name in attrs), f"an event handler attribute on <{tag}>"
        assert not any("javascript:" in (value or "") for value in attrs.values()), f"a javascript: URL on <{tag}>"


# --- Visibility -------------------------------------------------------------------------------


def test_scheduled_post_stays_hidden_until_its_time_then_appears_by_itself(client, coordinator):
    post = make_post(
        coordinator, status=Post.Status.SCHEDULED, publish_at=timezone.now() + timedelta(hours=2), title="Coming soon"
    )
    assert post not in Post.objects.published()
    assert client.get(post.get_absolute_url()).status_code == 404
    assert "Coming soon" not in client.get(reverse("blog:list")).content.decode()
    assert "Coming soon" not in client.get(reverse("blog:feed_rss")).content.decode()

    Post.objects.filter(pk=post.pk).update(publish_at=timezone.now() - timedelta(minutes=1))

    assert post in Post.objects.published()
    assert client.get(post.get_absolute_url()).status_code == 200
    assert "Coming soon" in client.get(reverse("blog:list")).content.decode()


def test_author_is_shown_by_chosen_name_only(client, coordinator):
    coordinator.name = "Priya"
    coordinator.save()
    post = make_post(coordinator)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "By Priya" in page
    assert coordinator.email not in page


# --- Public pages -----------------------------------------------------------------------------


def test_blog_list_is_paginated_and_costs_the_same_queries_for_any_number_of_posts(
    client, coordinator, django_assert_num_queries
):
    for _ in range(3):
        make_post(coordinator)
    # paginator count, the posts (with author and reply counts), their tags, the months list,
    # plus the session and user lookups of the layout.
    with django_assert_num_queries(4):
        client.get(reverse("blog:list"))
    for _ in range(12):
        make_post(coordinator, tags=["access", "food"])
    with django_assert_num_queries(4):
        first = client.get(reverse("blog:list"))
    second = client.get(reverse("blog:list") + "?page=2")
    assert first.content.decode().count('class="rt-post-card"') == 10
    assert second.content.decode().count('class="rt-post-card"') == 5
    assert "page 2 of 2" in second.content.decode()


def test_tag_page_and_month_archive_list_the_right_posts(client, coordinator):
    tagged = make_post(coordinator, title="About access", tags=["Access needs"])
    other = make_post(coordinator, title="About food", tags=["Food"])
    page = client.get(reverse("blog:tag", args=["access-needs"])).content.decode()
    assert tagged.title in page and other.title not in page

    old = make_post(coordinator, title="Long ago", days_ago=400)
    when = timezone.localtime(old.publish_at)
    page = client.get(reverse("blog:month", args=[when.year, when.month])).content.decode()
    assert "Long ago" in page and "About food" not in page
    assert client.get(reverse("blog:month", args=[1999, 1])).status_code == 404
    assert client.get(reverse("blog:month", args=[2024, 13])).status_code == 404
    archive = client.get(reverse("blog:archive")).content.decode()
    assert f"{when:%B %Y}" in archive


def test_post_page_has_open_graph_and_feed_links(client, coordinator):
    post = make_post(coordinator, title="Sharing well", summary="What we shared")
    add_image(post, coordinator, alt_text="A sculpture made of Play-Doh")
    page = client.get(post.get_absolute_url()).content.decode()
    assert '<meta property="og:title" content="Sharing well">' in page
    assert '<meta property="og:description" content="What we shared">' in page
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:image:alt" content="A sculpture made of Play-Doh">' in page
    assert f'href="{reverse("blog:feed_rss")}"' in page and 'type="application/rss+xml"' in page
    assert f'href="{reverse("blog:feed_atom")}"' in page and 'type="application/atom+xml"' in page


def test_header_has_a_blog_link_on_every_page(client):
    page = client.get(reverse("cocreation:session_list")).content.decode()
    assert f'href="{reverse("blog:list")}"' in page and ">Blog</a>" in page


def test_script_in_a_post_is_shown_as_text_on_the_page_and_never_runs(client, coordinator):
    post = make_post(coordinator, title="<script>alert('title')</script>", body_markdown=SCRIPT_POST)
    html = client.get(post.get_absolute_url()).content.decode()
    assert_no_script(html)
    assert "&lt;script&gt;alert(&#x27;post&#x27;)&lt;/script&gt;" in html or "&lt;script&gt;alert('post')" in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html
    list_html = client.get(reverse("blog:list")).content.decode()
    assert_no_script(list_html)


def test_links_in_posts_are_nofollow_and_images_must_be_the_posts_own(client, coordinator):
    post = make_post(
        coordinator,
        body_markdown="[Our partner](https://example.org/partner)\n\n![tracker](https://evil.example/pixel.png)",
    )
    html = client.get(post.get_absolute_url()).content.decode()
    links = [a for tag, a in elements(html) if tag == "a" and a.get("href") == "https://example.org/partner"]
    assert links and links[0]["rel"] == "nofollow noopener"
    assert "evil.example" not in html


def test_uploaded_image_appears_with_its_alt_text(client, coordinator):
    post = make_post(coordinator)
    image = add_image(post, coordinator, alt_text="Two people laughing", caption="The first session")
    post.body_markdown = f"Look:\n\n{image.markdown}"
    post.save()
    html = client.get(post.get_absolute_url()).content.decode()
    imgs = [a for tag, a in elements(html) if tag == "img"]
    assert imgs == [
        {
            "alt": "Two people laughing",
            "class": "rt-blog-image",
            "height": "48",
            "loading": "lazy",
            "src": reverse("blog:image", args=[image.pk]),
            "width": "64",
        }
    ]
    assert "<figcaption" in html and "The first session" in html
    response = client.get(reverse("blog:image", args=[image.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_images_of_drafts_are_not_served_to_the_public(client, coordinator):
    post = make_post(coordinator, status=Post.Status.DRAFT)
    image = add_image(post, coordinator)
    assert client.get(reverse("blog:image", args=[image.pk])).status_code == 404


# --- Feeds ------------------------------------------------------------------------------------


def test_rss_feed_is_valid_rss_2_with_escaped_content(client, coordinator):
    make_post(coordinator, title="First <b>bold</b>", body_markdown=SCRIPT_POST, tags=["access"])
    make_post(coordinator, title="Second")
    make_post(coordinator, status=Post.Status.DRAFT, title="Secret draft")
    response = client.get(reverse("blog:feed_rss"))
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed, not untrusted input)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert channel.find(required) is not None and channel.find(required).text
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Second", "First <b>bold</b>"]
    for item in items:
        assert item.findtext("link").startswith("http")
        assert item.findtext("guid") and item.findtext("pubDate")
    description = items[1].findtext("description")
    assert_no_script(description)
    assert "&lt;script&gt;" in description
    assert items[1].findtext("category") == "access"
    assert coordinator.email not in response.content.decode()


def test_atom_feed_is_valid_atom(client, coordinator):
    make_post(coordinator, title="Hello", body_markdown=SCRIPT_POST)
    response = client.get(reverse("blog:feed_atom"))
    assert response["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed, not untrusted input)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for required in ("a:id", "a:title", "a:updated"):
        assert root.find(required, ns) is not None and root.find(required, ns).text
    assert root.find("a:link[@rel='self']", ns) is not None
    entry = root.find("a:entry", ns)
    for required in ("a:id", "a:title", "a:updated", "a:author/a:name"):
        assert entry.find(required, ns) is not None and entry.find(required, ns).text, required
    assert entry.find("a:link[@rel='alternate']", ns).get("href").startswith("http")
    assert_no_script(entry.find("a:summary", ns).text)
