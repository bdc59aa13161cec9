"""Every write to the blog goes through here (keyword-only, typed, atomic).

Emails and tasks are queued on commit from these functions, never from save() or signals.
"""

from __future__ import annotations

import io
import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageOps, UnidentifiedImageError

from roundtable.accounts.models import User
from roundtable.blog.models import Comment, Post, PostImage, Tag
from roundtable.core import audit
from roundtable.core.email import queue_email

# Limits on uploads. Generous for photos from a phone, small enough that nobody can fill the
# disk or make the worker decode a 100-megapixel "decompression bomb".
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 2000
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


# --- Posts ------------------------------------------------------------------------------------


def _unique_slug(title: str, *, exclude_id: int | None = None) -> str:
    base = slugify(title)[:200] or "post"
    slug, n = base, 2
    others = Post.objects.exclude(pk=exclude_id) if exclude_id is not None else Post.objects.all()
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _tags_from(names: list[str]) -> list[Tag]:
    tags = []
    for name in names:
        name = " ".join(name.split())[:60]
        slug = slugify(name)[:70]
        if not slug:
            continue
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.create(name=name, slug=slug)
        tags.append(tag)
    return tags


def _apply_status(post: Post, status: str, publish_at: datetime | None) -> None:
    now = timezone.now()
    if status == Post.Status.DRAFT:
        post.publish_at = None
    elif status == Post.Status.SCHEDULED:
        if publish_at is None:
            raise ValidationError({"publish_at": "Enter the date and time to publish the post"})
        post.publish_at = publish_at
    elif status == Post.Status.PUBLISHED:
        # Re-saving a published post keeps its original date, so archives and feeds stay put.
        was_live = post.pk and post.status != Post.Status.DRAFT and post.publish_at and post.publish_at <= now
        if not was_live:
            post.publish_at = now
    post.status = status


@transaction.atomic
def post_create(
    *,
    author: User,
    title: str,
    summary: str,
    body_markdown: str,
    tags: list[str] | None = None,
    status: str = Post.Status.DRAFT,
    publish_at: datetime | None = None,
) -> Post:
    post = Post(
        author=author,
        title=title.strip(),
        slug=_unique_slug(title),
        summary=summary.strip(),
        body_markdown=body_markdown,
    )
    _apply_status(post, status, publish_at)
    post.save()
    post.tags.set(_tags_from(tags or []))
    audit.log(author, "blog.post_created", post, status=post.status)
    return post


@transaction.atomic
def post_update(
    *,
    post: Post,
    actor: User,
    title: str,
    summary: str,
    body_markdown: str,
    tags: list[str] | None = None,
    status: str,
    publish_at: datetime | None = None,
) -> Post:
    post = Post.objects.select_for_update().get(pk=post.pk)
    old_status = post.status
    post.title = title.strip()
    # The address of a post that has been public never changes (links in emails and feeds).
    if post.status == Post.Status.DRAFT and post.publish_at is None:
        post.slug = _unique_slug(title, exclude_id=post.pk)
    post.summary = summary.strip()
    post.body_markdown = body_markdown
    _apply_status(post, status, publish_at)
    post.save()
    post.tags.set(_tags_from(tags or []))
    audit.log(actor, "blog.post_updated", post, status=post.status, previous_status=old_status)
    return post


def _touch(post: Post) -> None:
    # The digest cache key includes updated_at: a new or removed image must change it.
    Post.objects.filter(pk=post.pk).update(updated_at=timezone.now())


# --- Images -----------------------------------------------------------------------------------


def prepare_image(upload: File[Any]) -> tuple[bytes, str, tuple[int, int]]:
    """Check an upload is a real image within limits; return it re-encoded without metadata.

    Re-encoding drops EXIF (camera, time, often GPS position) and anything hidden after the
    image data; the orientation is applied first so the photo still stands the right way up.
    """
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(f"The image must be smaller than {MAX_IMAGE_BYTES // (1024 * 1024)}MB")
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise ValidationError("The image is too large. Use one under 40 megapixels")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if fmt not in IMAGE_FORMATS:
                raise ValidationError("The image must be a JPG, PNG, GIF or WebP")
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            out = io.BytesIO()
            if fmt == "JPEG":
                upright.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            elif fmt == "GIF":
                upright.save(out, "GIF")
            elif fmt == "WEBP":
                upright.save(out, "WEBP", quality=85)
            else:
                upright.save(out, "PNG", optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise ValidationError("The file is not an image we can read. Upload a JPG, PNG, GIF or WebP") from None
    return out.getvalue(), IMAGE_FORMATS[fmt], upright.size


@transaction.atomic
def image_add(*, post: Post, actor: User, upload: File[Any], alt_text: str, caption: str = "") -> PostImage:
    alt_text = " ".join((alt_text or "").split())
    if not alt_text:
        raise ValidationError({"alt_text": "Enter alt text that describes the image"})
    data, ext, (width, height) = prepare_image(upload)
    image = PostImage(post=post, alt_text=alt_text, caption=" ".join(caption.split()), width=width, height=height)
    # A random name: the uploaded name is the uploader's, and can say more than it should.
    image.file.save(f"{secrets.token_hex(12)}.{ext}", ContentFile(data), save=False)
    # If the row cannot be written, do not leave the file behind.
    name = image.file.name
    try:
        image.save()
    except Exception:
        if name:
            image.file.storage.delete(name)
        raise
    _touch(post)
    audit.log(actor, "blog.image_added", post, image_id=image.pk)
    return image


@transaction.atomic
def image_delete(*, image: PostImage, actor: User) -> None:
    post, name, storage = image.post, image.file.name, image.file.storage
    image_id = image.pk
    image.delete()
    _touch(post)
    audit.log(actor, "blog.image_deleted", post, image_id=image_id)
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- Comments ---------------------------------------------------------------------------------


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def is_known_commenter(email: str) -> bool:
    """Someone with an approved comment before has been checked by a person once already."""
    return Comment.objects.filter(email=_normalise_email(email), status=Comment.Status.APPROVED).exists()


@transaction.atomic
def comment_submit(*, post: Post, name: str, email: str, body: str) -> Comment:
    if not post.is_public:
        raise ValidationError("Replies are open only on published posts")
    email = _normalise_email(email)
    status = Comment.Status.APPROVED if is_known_commenter(email) else Comment.Status.PENDING
    comment = Comment.objects.create(post=post, name=name.strip(), email=email, body=body.strip(), status=status)
    audit.log(f"commenter:{comment.pk}", "blog.comment_submitted", post, comment_id=comment.pk, status=status)
    for to in User.objects.filter(role=User.Role.COORDINATOR, is_active=True).values_list("email", flat=True):
        queue_email(to=to, template="blog_new_comment", context={"comment_id": comment.pk})
    return comment


@transaction.atomic
def comment_moderate(*, comment: Comment, actor: User, approve: bool) -> Comment:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    comment.status = Comment.Status.APPROVED if approve else Comment.Status.REJECTED
    comment.moderated_at = timezone.now()
    comment.moderated_by = actor
    comment.save(update_fields=["status", "moderated_at", "moderated_by"])
    audit.log(
        actor, "blog.comment_approved" if approve else "blog.comment_rejected", comment.post, comment_id=comment.pk
    )
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, actor: User) -> None:
    post, comment_id = comment.post, comment.pk
    comment.delete()
    audit.log(actor, "blog.comment_deleted", post, comment_id=comment_id)


def comment_rate() -> tuple[int, int] | None:
    """Replies allowed per address: BLOG_COMMENT_RATE_LIMIT (e.g. "5/h", or "off"), read at start-up."""
    return settings.BLOG_COMMENT_RATE_LIMIT
