"""The offline digest: a PDF (and a printable page) of a month's posts or a chosen set.

A PDF is made once by the worker and kept until a post in it changes. The cache key is a hash
of the posts' ids and updated_at (plus the digest's title and a layout version), so asking
again for unchanged posts finds the ready file, and editing any post simply asks for a new one.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.text import slugify

from roundtable.blog.models import Digest, Post, PostImage
from roundtable.blog.rendering import render_post_body

logger = logging.getLogger("roundtable.blog")

# Bump when the digest's template or stylesheet changes, so every cached PDF is made again.
LAYOUT_VERSION = "1"
# A request the worker has not answered in this long is handed to it again (e.g. after a crash).
STALE_AFTER = timedelta(minutes=10)
RETRY_FAILED_AFTER = timedelta(minutes=1)
MAX_CHOSEN_POSTS = 60
# The curated set everyone may download: the latest this many posts.
LATEST_POSTS = 10


# Until a few PDFs have been made, a guess at how long one takes: a little to start, and per post.
GUESS_START_SECONDS = 5.0
GUESS_SECONDS_PER_POST = 2.0
RECENT_FOR_ESTIMATE = 20


def seconds_left(digest: Digest) -> int:
    """Roughly how many seconds until this digest is ready, from how long recent ones took.

    Recent ready digests give a time per post (finished - requested); with none yet, a guess.
    What has already passed since the request is taken off; never less than 5 seconds."""
    recent = Digest.objects.filter(state=Digest.State.READY, finished_at__isnull=False).order_by("-finished_at")[
        :RECENT_FOR_ESTIMATE
    ]
    per_post = []
    for started, finished, post_ids in recent.values_list("requested_at", "finished_at", "post_ids"):
        took = (finished - started).total_seconds() if finished else 0
        if took > 0 and post_ids:
            per_post.append(took / len(post_ids))
    count = max(len(digest.post_ids or []), 1)
    if per_post:
        per_post.sort()
        estimate = per_post[len(per_post) // 2] * count + GUESS_START_SECONDS
    else:
        estimate = GUESS_START_SECONDS + GUESS_SECONDS_PER_POST * count
    passed = (timezone.now() - digest.requested_at).total_seconds()
    return max(5, round(estimate - passed))


def wait_in_words(seconds: int) -> str:
    """'about 20 seconds', 'about a minute', 'about 3 minutes': rough on purpose."""
    if seconds < 55:
        return f"about {max(5, round(seconds / 5) * 5)} seconds"
    minutes = round(seconds / 60)
    return "about a minute" if minutes <= 1 else f"about {minutes} minutes"


def digest_key(posts: list[Post], title: str) -> str:
    parts = [LAYOUT_VERSION, title] + [f"{p.pk}:{p.updated_at.isoformat()}" for p in posts]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def request_digest(*, posts: list[Post], scope: str, title: str) -> Digest:
    """Find the digest for exactly these post versions, asking the worker to make it if needed."""
    key = digest_key(posts, title)
    now = timezone.now()
    with transaction.atomic():
        digest, created = Digest.objects.get_or_create(
            key=key,
            defaults={"scope": scope, "title": title, "post_ids": [p.pk for p in posts], "requested_at": now},
        )
        ask_again = (digest.state == Digest.State.PENDING and digest.requested_at < now - STALE_AFTER) or (
            digest.state == Digest.State.FAILED and (digest.finished_at or now) < now - RETRY_FAILED_AFTER
        )
        if ask_again:
            Digest.objects.filter(pk=digest.pk).update(state=Digest.State.PENDING, requested_at=now, error="")
            digest.state = Digest.State.PENDING
        if created or ask_again:
            transaction.on_commit(lambda: _enqueue(digest.pk))
    return digest


def _enqueue(digest_id: int) -> None:
    from roundtable.blog.tasks import generate_digest

    generate_digest.enqueue(digest_id)


def digest_posts(digest: Digest) -> list[Post]:
    by_id = {
        p.pk: p
        for p in Post.objects.filter(pk__in=digest.post_ids).select_related("author").prefetch_related("images", "tags")
    }
    return [by_id[pk] for pk in digest.post_ids if pk in by_id]


def document_context(*, posts: list[Post], title: str, for_web: bool) -> dict:
    for post in posts:
        # In the document post titles are <h2>, so a post's "# Heading" becomes <h3>.
        post.digest_html = render_post_body(post, heading_shift=2)
    return {
        "posts": posts,
        "title": title,
        "for_web": for_web,
        "site_name": settings.SITE_NAME,
        "centre_name": settings.CENTRE_NAME,
        "site_url": settings.SITE_URL,
        "made_at": timezone.now(),
    }


def stylesheet_text() -> str:
    path = finders.find("blog/digest.css")
    if not isinstance(path, str):
        raise FileNotFoundError("blog/digest.css is not among the static files")
    return Path(path).read_text(encoding="utf-8")


PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


def build_document(posts: list[Post], title: str):
    """Lay the digest out (a WeasyPrint Document): what the PDF will hold, page by page."""
    from weasyprint import CSS, HTML

    html = render_to_string("blog/digest_document.html", document_context(posts=posts, title=title, for_web=False))
    allowed = {image.pk for post in posts for image in post.images.all()}
    document = HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=_storage_fetcher(allowed))
    # PDF/UA-1: tagged structure, /Alt on images, /Lang and the title shown as the window title.
    return document.render(stylesheets=[CSS(string=stylesheet_text())], **PDF_OPTIONS)


def build_pdf(posts: list[Post], title: str) -> bytes:
    return build_document(posts, title).write_pdf(**PDF_OPTIONS)


def _storage_fetcher(allowed_image_ids: set[int]):
    """Images come straight from storage; nothing else is fetched, so a post can never make
    the worker request a URL on the network."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StorageFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = urlsplit(url).path
            try:
                match = resolve(path)
            except Resolver404:
                raise ValueError(f"The digest does not fetch {url}") from None
            if match.view_name != "blog:image" or match.kwargs.get("image_id") not in allowed_image_ids:
                raise ValueError(f"The digest does not fetch {url}")
            image = PostImage.objects.get(pk=match.kwargs["image_id"])
            with image.file.open("rb") as fh:
                body = fh.read()
            return URLFetcherResponse(url, body=body, headers={"Content-Type": _mime(image.file.name)})

    return StorageFetcher(fail_on_errors=False)


def _mime(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower()
    return {
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "png": "image/png",
        "gif": "image/gif",
        "webp": "image/webp",
    }.get(ext, "application/octet-stream")


def generate(digest_id: int) -> str:
    """Make the PDF for one digest. Safe to run twice: a ready digest is left alone."""
    digest = Digest.objects.filter(pk=digest_id).first()
    if digest is None or digest.state == Digest.State.READY:
        return "skipped"
    posts = digest_posts(digest)
    try:
        pdf = build_pdf(posts, digest.title)
    except Exception as exc:  # a broken image or font must not leave the page waiting forever
        logger.exception("Digest %s failed", digest_id)
        Digest.objects.filter(pk=digest_id).update(
            state=Digest.State.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return "failed"
    name = f"{slugify(digest.title)[:80] or 'digest'}-{digest.key[:12]}.pdf"
    stored = Digest.file.field.storage.save(Digest.file.field.generate_filename(digest, name), ContentFile(pdf))
    with transaction.atomic():
        Digest.objects.filter(pk=digest_id).update(
            state=Digest.State.READY, file=stored, size=len(pdf), finished_at=timezone.now(), error=""
        )
        # Older versions of the same month or selection will never be asked for again. (Only
        # older ones: a newer request, made while this one was being built, is still wanted.)
        old = list(Digest.objects.filter(scope=digest.scope, created_at__lte=digest.created_at).exclude(pk=digest_id))
        for stale in old:
            stale.delete()
        names = [d.file.name for d in old if d.file.name]
        storage = Digest.file.field.storage

        def delete_old_files() -> None:
            for name in names:
                storage.delete(name)

        transaction.on_commit(delete_old_files)
    prune_stored()
    return "ready"


def prune_stored(max_files: int | None = None, max_bytes: int | None = None) -> int:
    """Keep the stored PDFs within DIGEST_MAX_FILES and DIGEST_MAX_MB: the newest are kept, the
    oldest removed (row and file; asking for one again simply makes it again). How many went."""
    max_files = settings.DIGEST_MAX_FILES if max_files is None else max_files
    max_bytes = settings.DIGEST_MAX_MB * 1024 * 1024 if max_bytes is None else max_bytes
    ready = Digest.objects.filter(state=Digest.State.READY).order_by("-finished_at", "-pk").values_list("pk", "size")
    kept = total = 0
    doomed: list[int] = []
    for pk, size in ready:
        # The newest always stays, however large: it is the one somebody is waiting for.
        if kept == 0 or (kept < max_files and total + size <= max_bytes):
            kept += 1
            total += size
        else:
            doomed.append(pk)
    if not doomed:
        return 0
    storage = Digest.file.field.storage
    with transaction.atomic():
        gone = list(Digest.objects.filter(pk__in=doomed))
        Digest.objects.filter(pk__in=doomed).delete()
        names = [d.file.name for d in gone if d.file.name]

        def delete_files() -> None:
            for name in names:
                storage.delete(name)

        transaction.on_commit(delete_files)
    logger.info("Removed %s stored digest(s) to stay within the limits", len(gone))
    return len(gone)
