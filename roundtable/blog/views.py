"""Public blog pages: the list, a post with its replies, tags, month archives, images and digests."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from roundtable.accounts.permissions import is_coordinator
from roundtable.blog import digest as digests
from roundtable.blog import services
from roundtable.blog.forms import CommentForm
from roundtable.blog.models import Comment, Digest, Post, PostImage, Tag
from roundtable.blog.selectors import post_page_context
from roundtable.core.ratelimit import allow, client_key

logger = logging.getLogger("roundtable.blog")
PAGE_SIZE = 10


def _listing(qs):
    """The posts of a list page: authors, tags and reply counts in a fixed number of queries."""
    return (
        qs.select_related("author")
        .prefetch_related("tags")
        .annotate(reply_count=Count("comments", filter=Q(comments__status=Comment.Status.APPROVED)))
    )


def _page(request, qs):
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return page


def _months():
    """Months that have posts, newest first, as London-time datetimes."""
    return Post.objects.published().datetimes("publish_at", "month", order="DESC")


@require_GET
def post_list(request):
    page = _page(request, _listing(Post.objects.published()))
    return render(request, "blog/post_list.html", {"page": page, "posts": page.object_list, "months": _months()})


@require_GET
def tag_posts(request, slug: str):
    tag = get_object_or_404(Tag, slug=slug)
    page = _page(request, _listing(Post.objects.published().filter(tags=tag)))
    return render(request, "blog/tag.html", {"tag": tag, "page": page, "posts": page.object_list})


def _month(year: int, month: int) -> datetime:
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404("No such month")
    return timezone.make_aware(datetime(year, month, 1))


@require_GET
def month_archive(request, year: int, month: int):
    start = _month(year, month)
    posts = list(_listing(Post.objects.published().in_month(year, month)).order_by("publish_at", "id"))
    if not posts:
        raise Http404("No posts that month")
    return render(request, "blog/month.html", {"month": start, "posts": posts, "months": _months()})


@require_GET
def archive(request):
    months = [{"month": m, "count": n} for m, n in _month_counts()]
    return render(request, "blog/archive.html", {"months": months})


def _month_counts():
    counts: dict[tuple[int, int], int] = {}
    for when in Post.objects.published().values_list("publish_at", flat=True):
        local = timezone.localtime(when)
        counts[(local.year, local.month)] = counts.get((local.year, local.month), 0) + 1
    return [(timezone.make_aware(datetime(y, m, 1)), n) for (y, m), n in sorted(counts.items(), reverse=True)]


def _get_post_for_user(request, slug: str) -> Post:
    """Public posts for everyone; a coordinator may also open drafts and scheduled posts."""
    qs = Post.objects.select_related("author").prefetch_related("tags", "images")
    post = get_object_or_404(qs, slug=slug)
    if not post.is_public and not is_coordinator(request.user):
        raise Http404("No such post")
    return post


@require_http_methods(["GET", "POST"])
def post_detail(request, slug: str):
    post = _get_post_for_user(request, slug)
    if not post.is_public:
        # Drafts open only as a preview, so nobody mistakes one for the live post.
        return redirect("blog:manage_preview", post_id=post.pk)
    status = 200
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_bot:
            # Tell the bot nothing useful: the same thanks a person sees, but nothing is stored.
            logger.info("Blog reply discarded by the honeypot on post %s", post.pk)
            messages.success(request, "Thank you. Your reply will appear once a coordinator has checked it.")
            return redirect(post.get_absolute_url() + "#replies")
        if not allow("blog-comment:" + client_key(request), services.comment_rate()):
            form.is_valid()
            form.add_error(
                None, "You have sent several replies in a short time. Wait an hour and try again, or email us instead."
            )
            status = 429
        elif form.is_valid():
            try:
                comment = services.comment_submit(
                    post=post,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    body=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
                status = 400
            else:
                if comment.status == Comment.Status.APPROVED:
                    messages.success(request, "Thank you. Your reply is on the post.")
                else:
                    messages.success(request, "Thank you. Your reply will appear once a coordinator has checked it.")
                return redirect(post.get_absolute_url() + "#replies")
        else:
            status = 400
    else:
        form = CommentForm()
    return render(request, "blog/post_detail.html", post_page_context(post, form), status=status)


@require_GET
def image(request, image_id: int):
    """Post images are served through Django (from whatever storage is configured), and only
    for posts the visitor may read."""
    img = get_object_or_404(PostImage.objects.select_related("post"), pk=image_id)
    if not img.post.is_public and not is_coordinator(request.user):
        raise Http404("No such image")
    try:
        fh = img.file.open("rb")
    except FileNotFoundError:
        raise Http404("Image file missing") from None
    response = FileResponse(fh, content_type=digests._mime(img.file.name or ""))
    response["Cache-Control"] = "public, max-age=3600" if img.post.is_public else "private, no-store"
    return response


# --- Offline digest ---------------------------------------------------------------------------


def _digest_scope(request, year: int | None, month: int | None) -> tuple[list[Post], str, str, dict]:
    """The posts a digest covers: a month, or the posts chosen on the digest page."""
    published = Post.objects.published().select_related("author").prefetch_related("images", "tags")
    if year is not None and month is not None:
        start = _month(year, month)
        posts = list(published.in_month(year, month).order_by("publish_at", "id"))
        title = f"{settings.CENTRE_NAME} blog: {start:%B %Y}"
        scope = f"{year:04d}-{month:02d}"
        urls = {
            "pdf": reverse("blog:month_digest_pdf", args=[year, month]),
            "print": reverse("blog:month_digest_print", args=[year, month]),
        }
    else:
        try:
            ids = sorted({int(i) for i in request.GET.getlist("post")})[: digests.MAX_CHOSEN_POSTS]
        except ValueError:
            raise Http404("No such posts") from None
        posts = list(published.filter(pk__in=ids).order_by("publish_at", "id"))
        title = f"{settings.CENTRE_NAME} blog: selected posts"
        scope = "posts:" + ",".join(str(p.pk) for p in posts)
        query = "&".join(f"post={p.pk}" for p in posts)
        urls = {
            "pdf": reverse("blog:chosen_digest_pdf") + "?" + query,
            "print": reverse("blog:chosen_digest_print") + "?" + query,
        }
    if not posts:
        raise Http404("No posts to put in a digest")
    return posts, title, scope, urls


@require_GET
def digest_pdf(request, year: int | None = None, month: int | None = None):
    posts, title, scope, urls = _digest_scope(request, year, month)
    digest = digests.request_digest(posts=posts, scope=scope, title=title)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if digest.state == Digest.State.READY and digest.file and wants_json:
        return JsonResponse({"state": digest.state})
    if digest.state == Digest.State.READY and digest.file:
        try:
            fh = digest.file.open("rb")
        except FileNotFoundError:
            # The file went missing (e.g. storage cleaned): make it again.
            Digest.objects.filter(pk=digest.pk).delete()
            digest = digests.request_digest(posts=posts, scope=scope, title=title)
        else:
            filename = (digest.file.name or "").rsplit("/", 1)[-1]
            return FileResponse(fh, content_type="application/pdf", as_attachment=True, filename=filename)
    if wants_json:
        return JsonResponse({"state": digest.state})
    return render(
        request,
        "blog/digest_wait.html",
        {"digest": digest, "title": title, "posts": posts, "urls": urls},
        status=202,
    )


@require_GET
def digest_print(request, year: int | None = None, month: int | None = None):
    posts, title, scope, urls = _digest_scope(request, year, month)
    context = digests.document_context(posts=posts, title=title, for_web=True)
    context["urls"] = urls
    return render(request, "blog/digest_document.html", context)


@require_GET
def digest_choose(request):
    """Pick posts for a digest, or a whole month. A GET form, so it works without JavaScript."""
    posts = list(Post.objects.published().only("title", "slug", "publish_at")[:200])
    return render(request, "blog/digest_choose.html", {"posts": posts, "months": _month_counts()})
