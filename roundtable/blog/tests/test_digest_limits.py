"""What a visitor who is not signed in can make the server build: a month, the latest posts, and
sets the team has made; nothing else. Rate limited per client, and the stored PDFs are capped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from roundtable.accounts.testing import make_facilitator
from roundtable.blog import digest as digests
from roundtable.blog import views
from roundtable.blog.models import Digest
from roundtable.blog.tests.factories import make_post
from roundtable.core.testing import run_tasks

pytestmark = pytest.mark.django_db(transaction=True)

CHOSEN_PDF = reverse("blog:chosen_digest_pdf")
CHOSEN_PRINT = reverse("blog:chosen_digest_print")


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()  # rate-limit counts from other tests must not spill into these


@pytest.fixture
def posts(coordinator):
    # Twelve posts a day apart: more than the latest set holds.
    return [make_post(coordinator, title=f"Post number {n}", days_ago=n + 0.5) for n in range(12)]


def chosen(url: str, *posts) -> str:
    return url + "?" + "&".join(f"post={p.pk}" for p in posts)


def month_pdf(post) -> str:
    when = timezone.localtime(post.publish_at)
    return reverse("blog:month_digest_pdf", args=[when.year, when.month])


def test_a_visitor_cannot_make_a_pdf_of_posts_they_choose(client, posts):
    response = client.get(chosen(CHOSEN_PDF, posts[0], posts[3]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Only the team can make a PDF of posts you choose" in page
    assert 'class="govuk-error-summary"' in page and 'href="#choose-posts"' in page
    assert not Digest.objects.exists() and not DBTaskResult.objects.exists()
    # The printable page of the same posts stores nothing and stays open to everyone.
    printable = client.get(chosen(CHOSEN_PRINT, posts[0], posts[3]))
    assert printable.status_code == 200 and "Post number 3" in printable.content.decode()
    assert not Digest.objects.exists()


def test_the_choosing_page_offers_visitors_the_printable_page_and_the_team_the_pdf(client, posts, coordinator):
    page = client.get(reverse("blog:digest_choose")).content.decode()
    assert f'action="{CHOSEN_PRINT}"' in page and "Get the PDF" not in page
    assert reverse("blog:latest_digest_pdf") in page
    client.force_login(make_facilitator())
    page = client.get(reverse("blog:digest_choose")).content.decode()
    assert f'action="{CHOSEN_PDF}"' in page and "Get the PDF" in page


def test_a_set_the_team_made_can_be_downloaded_by_anyone(client, posts, coordinator):
    url = chosen(CHOSEN_PDF, posts[1], posts[5])
    client.force_login(coordinator)
    assert client.get(url).status_code == 202
    run_tasks()
    client.logout()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert Digest.objects.count() == 1
    # A different set is still refused.
    assert client.get(chosen(CHOSEN_PDF, posts[1], posts[6])).status_code == 403


def test_everyone_can_download_the_latest_posts(client, posts):
    response = client.get(reverse("blog:latest_digest_pdf"))
    assert response.status_code == 202
    digest = Digest.objects.get()
    assert digest.scope == "latest"
    assert digest.post_ids == [p.pk for p in reversed(posts[: digests.LATEST_POSTS])]  # oldest first
    printable = client.get(reverse("blog:latest_digest_print")).content.decode()
    assert "Post number 0" in printable and "Post number 11" not in printable


@pytest.mark.parametrize("signed_in", [False, True])
def test_nothing_chosen_or_nonsense_says_what_to_choose(client, posts, coordinator, signed_in):
    if signed_in:
        client.force_login(coordinator)
    for url in (CHOSEN_PDF, CHOSEN_PRINT):
        nothing = client.get(url)
        assert nothing.status_code == 400
        assert views.NOTHING_CHOSEN in nothing.content.decode()
        for bad in ("abc", "99999999999999999999999", "-5", "1e3", "NaN"):
            response = client.get(f"{url}?post={posts[0].pk}&post={bad}")
            assert response.status_code == 400, (url, bad)
            assert views.NOT_POSTS in response.content.decode()
        gone = client.get(f"{url}?post=9223372036854775807")
        assert gone.status_code == 404 and "None of the posts you chose can be found" in gone.content.decode()
    assert not Digest.objects.exists()


def test_visitors_asking_for_new_pdfs_are_rate_limited(client, settings, coordinator, posts):
    settings.DIGEST_RATE_LIMIT = (2, 3600)
    months = [make_post(coordinator, title=f"Old {n}", days_ago=40 * n + 60) for n in range(3)]
    assert client.get(month_pdf(months[0])).status_code == 202
    assert client.get(month_pdf(months[1])).status_code == 202
    refused = client.get(month_pdf(months[2]))
    assert refused.status_code == 429 and views.TOO_MANY in refused.content.decode()
    assert Digest.objects.count() == 2
    # Asking again for a PDF that exists (the page checking whether it is ready) is not limited.
    for _ in range(5):
        assert client.get(month_pdf(months[0]), HTTP_ACCEPT="application/json").json()["state"] == "pending"
    assert client.get(chosen(CHOSEN_PRINT, posts[0])).status_code == 429
    # Another client is counted on its own, and the team is not limited.
    assert client.get(month_pdf(months[2]), REMOTE_ADDR="192.0.2.7").status_code == 202
    client.force_login(coordinator)
    assert client.get(reverse("blog:latest_digest_pdf")).status_code == 202


def stored_digest(n: int, size: int) -> Digest:
    digest = Digest.objects.create(
        key=f"k{n}", scope=f"scope-{n}", title=f"Digest {n}", state=Digest.State.READY, size=size,
        finished_at=timezone.now() - timedelta(minutes=100 - n),
    )  # fmt: skip
    digest.file.save(f"digest-{n}.pdf", ContentFile(b"%PDF-" + b"x" * (size - 5)), save=True)
    return digest


def test_stored_pdfs_are_capped_in_number_and_size_oldest_first(settings):
    made = [stored_digest(n, 1000) for n in range(5)]
    names = [d.file.name for d in made]
    storage = made[0].file.storage
    assert digests.prune_stored(max_files=3, max_bytes=10**9) == 2
    assert sorted(Digest.objects.values_list("key", flat=True)) == ["k2", "k3", "k4"]
    assert not storage.exists(names[0]) and not storage.exists(names[1]) and storage.exists(names[2])
    assert digests.prune_stored(max_files=10, max_bytes=2500) == 1
    assert sorted(Digest.objects.values_list("key", flat=True)) == ["k3", "k4"]
    # The newest stays even when it alone is over the size limit: someone is waiting for it.
    assert digests.prune_stored(max_files=10, max_bytes=10) == 1
    assert list(Digest.objects.values_list("key", flat=True)) == ["k4"]


def test_the_worker_keeps_the_stored_pdfs_within_the_setting(client, settings, coordinator):
    settings.DIGEST_MAX_FILES = 1
    old = make_post(coordinator, title="An older month", days_ago=70)
    new = make_post(coordinator, title="This month", days_ago=0.1)
    client.get(month_pdf(old))
    run_tasks()
    client.get(month_pdf(new))
    run_tasks()
    assert list(Digest.objects.values_list("title", flat=True)) == [Digest.objects.get().title]
    assert client.get(month_pdf(new)).status_code == 200
