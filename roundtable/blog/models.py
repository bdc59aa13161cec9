"""The blog: posts written by coordinators, images with required alt text, moderated comments,
and cached offline digests (PDF) of a month or a chosen set of posts.

Other apps (the newsletter) read posts only through `Post.objects.published()` and the plain
fields/properties below; that is the stable API.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=70, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("blog:tag", args=[self.slug])


class PostQuerySet(models.QuerySet["Post"]):
    def published(self) -> PostQuerySet:
        """What the public may read now: published posts, and scheduled ones whose time has come.

        A scheduled post becomes visible on its own at publish_at, with no worker involved, so a
        stopped worker can never hold a post back.
        """
        now = timezone.now()
        return self.filter(status__in=[Post.Status.PUBLISHED, Post.Status.SCHEDULED], publish_at__lte=now).order_by(
            "-publish_at", "-id"
        )

    def in_month(self, year: int, month: int) -> PostQuerySet:
        # Months are Europe/London months: a post at 00:30 BST on 1 October belongs to October.
        start = timezone.make_aware(datetime(year, month, 1))
        end = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1))
        return self.filter(publish_at__gte=start, publish_at__lt=end)


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.TextField(max_length=500, help_text="One or two sentences shown in lists, feeds and link previews")
    body_markdown = models.TextField("post", help_text="Written in Markdown")
    # Shown by the author's chosen name (User.name); a post outlives its author's account.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="blog_posts"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # When the post went (or goes) public; set by the services on publishing and scheduling.
    publish_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Part of the digest cache key: any change to a post or its images must move it.
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    # Not columns: set on the posts a digest document or a newsletter issue shows.
    digest_html: SafeString
    absolute_url: str

    class Meta:
        ordering = ["-publish_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("blog:post", args=[self.slug])

    @property
    def author_name(self) -> str:
        return self.author.name if self.author and self.author.name else "The centre team"

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT and self.publish_at is not None and self.publish_at <= timezone.now()

    def body_html(self) -> str:
        """The post as sanitised HTML (Markdown rendered, then cleaned with an allow-list)."""
        from roundtable.blog.rendering import render_post_body

        return render_post_body(self)


def _image_path(instance: PostImage, filename: str) -> str:
    # Never trust the uploaded name: the services pick the name and format.
    return f"blog/{timezone.now():%Y/%m}/{filename}"


class PostImage(models.Model):
    """An image in a post. Written into the Markdown as ![](image:<id>); alt text is required."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    # Dimensions are set by the services from the re-encoded image (they go into <img> so the
    # page does not jump as images load).
    file = models.ImageField(upload_to=_image_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    alt_text = models.CharField(max_length=300, help_text="Describe the image for people who cannot see it")
    caption = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.alt_text

    @property
    def markdown(self) -> str:
        return f"![{self.alt_text}](image:{self.pk})"


class CommentQuerySet(models.QuerySet["Comment"]):
    def visible(self) -> CommentQuerySet:
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self) -> CommentQuerySet:
        return self.filter(status=Comment.Status.PENDING)


class Comment(models.Model):
    """A reply to a post. Plain text; the email address is never shown to anyone but coordinators."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    name = models.CharField(max_length=100)
    email = models.EmailField(db_index=True)
    body = models.TextField(max_length=5000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment by {self.name} on {self.post_id}"


class Digest(models.Model):
    """A generated offline PDF for one exact set of post versions.

    `key` is a hash of the posts' ids and updated_at, so editing any post gives a new key and
    a fresh PDF, while asking again for unchanged posts reuses the file.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=64, unique=True)
    # What was asked for ("2025-09" or "posts:1,2,3"); older digests of the same scope are removed.
    scope = models.CharField(max_length=200, db_index=True)
    title = models.CharField(max_length=200)
    post_ids = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    file = models.FileField(upload_to="blog/digests/", blank=True)
    size = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the worker was last asked to make it; a request long unanswered is asked again.
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.state})"
