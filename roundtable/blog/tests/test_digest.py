"""The offline digest: made once by the worker, cached until a post changes, accessible PDF."""

from __future__ import annotations

import re
import zlib

import pytest
from django.urls import reverse
from django.utils import timezone
from weasyprint.formatting_structure import boxes

from roundtable.blog import digest as digests
from roundtable.blog import services
from roundtable.blog.models import Digest, Post
from roundtable.blog.tests.factories import add_image, make_post
from roundtable.blog.tests.test_posts import assert_no_script
from roundtable.core.testing import run_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF with its compressed object streams opened, so dictionary keys can be searched."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    return b"\n".join(chunks)


def layout_text(document) -> str:
    def walk(box):
        if isinstance(box, boxes.TextBox):
            yield box.text
        for child in getattr(box, "children", []):
            yield from walk(child)

    return " ".join(t for page in document.pages for t in walk(page._page_box))


def month_urls(post: Post) -> tuple[str, str]:
    when = timezone.localtime(post.publish_at)
    return (
        reverse("blog:month_digest_pdf", args=[when.year, when.month]),
        reverse("blog:month_digest_print", args=[when.year, when.month]),
    )


@pytest.fixture
def month_posts(coordinator):
    first = make_post(coordinator, title="Building the Centre together", days_ago=0.2)
    second = make_post(coordinator, title="What the Play-Doh told us", days_ago=0.1)
    image = add_image(second, coordinator, alt_text="A Play-Doh model of a bridge between two houses")
    second.body_markdown = f"## The models\n\n{image.markdown}\n\nWe made things."
    second.save()
    return [first, second]


def test_month_digest_is_prepared_by_the_worker_then_downloaded_as_an_accessible_pdf(client, month_posts):
    pdf_url, _ = month_urls(month_posts[0])
    waiting = client.get(pdf_url)
    assert waiting.status_code == 202
    page = waiting.content.decode()
    assert "Your PDF is being prepared" in page
    assert f'href="{pdf_url}" id="check-again"' in page and "Check again" in page
    assert 'http-equiv="refresh"' not in page
    # It says roughly how long: with no PDF made yet, a guess from the number of posts.
    assert 'It should be ready in <strong id="digest-wait">about 10 seconds</strong>' in page
    assert "Choose “Check again” in about 10 seconds" in page
    answer = client.get(pdf_url, HTTP_ACCEPT="application/json").json()
    assert answer["state"] == "pending" and answer["wait"].startswith("about ")

    run_tasks()

    response = client.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF-")
    objects = pdf_objects(pdf)
    assert b"/Lang (en-GB)" in objects
    title = digests.Digest.objects.get().title
    assert re.search(rb"/Title \(" + re.escape(title.encode()), objects), "the document title is set"
    assert b"/DisplayDocTitle true" in objects
    assert b"/StructTreeRoot" in objects and b"pdfuaid" in objects  # tagged, PDF/UA-1
    assert b"/Subtype /Image" in objects
    assert b"/Alt (A Play-Doh model of a bridge between two houses)" in objects


def test_digest_is_cached_and_made_again_only_when_a_post_changes(client, month_posts, coordinator):
    pdf_url, _ = month_urls(month_posts[0])
    client.get(pdf_url)
    run_tasks()
    first = Digest.objects.get()
    assert first.state == "ready"
    first_file = first.file.name

    # Asking again for the same posts: the same file, nothing new for the worker to do.
    assert client.get(pdf_url).status_code == 200
    assert client.get(pdf_url).status_code == 200
    assert Digest.objects.count() == 1

    post = month_posts[0]
    services.post_update(
        post=post,
        actor=coordinator,
        title=post.title,
        summary="A changed summary",
        body_markdown="New words",
        tags=[],
        status=Post.Status.PUBLISHED,
    )
    assert client.get(pdf_url).status_code == 202
    run_tasks()
    assert client.get(pdf_url).status_code == 200
    latest = Digest.objects.get()  # the old version of the same month is gone
    assert latest.pk != first.pk and latest.file.name != first_file
    assert not latest.file.storage.exists(first_file)


def test_adding_an_image_to_a_post_makes_a_new_digest(client, month_posts, coordinator):
    pdf_url, _ = month_urls(month_posts[0])
    client.get(pdf_url)
    run_tasks()
    key = Digest.objects.get().key
    add_image(month_posts[0], coordinator)
    assert client.get(pdf_url).status_code == 202
    assert Digest.objects.exclude(key=key).exists()


def test_chosen_posts_get_their_own_digest(client, coordinator, month_posts):
    client.force_login(coordinator)  # a set of posts nobody made before is a PDF only for the team
    other = make_post(coordinator, title="Another month", days_ago=60)
    url = reverse("blog:chosen_digest_pdf") + f"?post={other.pk}&post={month_posts[1].pk}&post=999999"
    assert client.get(url).status_code == 202
    run_tasks()
    assert client.get(url).status_code == 200
    digest = Digest.objects.get()
    assert digest.post_ids == [other.pk, month_posts[1].pk]  # oldest first; unknown ids ignored
    assert client.get(reverse("blog:chosen_digest_pdf") + "?post=abc").status_code == 400
    assert client.get(reverse("blog:chosen_digest_pdf")).status_code == 400


def test_drafts_never_go_into_a_digest(client, coordinator, month_posts):
    draft = make_post(coordinator, status=Post.Status.DRAFT, title="Secret")
    url = reverse("blog:chosen_digest_pdf") + f"?post={draft.pk}"
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    assert client.get(url).status_code == 404
    client.logout()
    printable = client.get(reverse("blog:chosen_digest_print") + f"?post={draft.pk}&post={month_posts[0].pk}")
    assert "Secret" not in printable.content.decode()


def test_script_in_a_post_is_text_in_the_pdf_and_the_printable_page(client, coordinator):
    post = make_post(
        coordinator,
        title="<script>alert('t')</script>",
        body_markdown="Hello <script>alert('b')</script> <img src=x onerror=alert(1)>",
        days_ago=0.1,
    )
    _, print_url = month_urls(post)
    html = client.get(print_url).content.decode()
    assert_no_script(html)
    assert "&lt;script&gt;alert(" in html

    document = digests.build_document([post], "Test digest")
    text = layout_text(document)
    assert "<script>alert('b')</script>" in text  # laid out as visible characters, not run
    assert "<script>alert('t')</script>" in text


def test_pdf_never_fetches_anything_but_the_posts_own_images(coordinator):
    fetcher = digests._storage_fetcher(allowed_image_ids=set())
    for url in ("https://evil.example/x.png", "file:///etc/passwd", "http://127.0.0.1:8000/blog/images/1/"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_printable_page_is_plain_large_type_with_contents(client, month_posts):
    _, print_url = month_urls(month_posts[0])
    response = client.get(print_url)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en-GB">' in page and page.count("<h1") == 1
    assert 'id="contents-title">Contents</h2>' in page
    for post in month_posts:
        assert f'href="#post-{post.pk}"' in page
    assert 'alt="A Play-Doh model of a bridge between two houses"' in page
    assert "blog/digest.css" in page


def test_a_stuck_request_is_handed_to_the_worker_again(client, month_posts):
    pdf_url, _ = month_urls(month_posts[0])
    client.get(pdf_url)
    Digest.objects.update(requested_at=timezone.now() - digests.STALE_AFTER * 2)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # the worker lost the job (e.g. it crashed)
    client.get(pdf_url)
    run_tasks()
    assert Digest.objects.get().state == "ready"


def test_the_time_left_comes_from_how_long_recent_pdfs_took(db):
    from datetime import timedelta

    from django.utils import timezone

    from roundtable.blog import digest as digests
    from roundtable.blog.models import Digest

    now = timezone.now()
    # Recent digests took 6 seconds per post.
    for n in range(3):
        Digest.objects.create(
            key=f"done{n}",
            scope=f"s{n}",
            title="t",
            post_ids=[1, 2],
            state=Digest.State.READY,
            requested_at=now - timedelta(seconds=100),
            finished_at=now - timedelta(seconds=88),
        )
    waiting = Digest.objects.create(key="new", scope="x", title="t", post_ids=list(range(10)), requested_at=now)
    assert digests.seconds_left(waiting) in (64, 65)  # 10 posts x 6 s + 5 s to start
    assert digests.wait_in_words(digests.seconds_left(waiting)) == "about a minute"
    waiting.requested_at = now - timedelta(seconds=50)
    assert digests.wait_in_words(digests.seconds_left(waiting)) == "about 15 seconds"
    waiting.requested_at = now - timedelta(minutes=5)
    assert digests.seconds_left(waiting) == 5  # overdue: never "0" or negative
    assert digests.wait_in_words(200) == "about 3 minutes"
