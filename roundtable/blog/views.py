"""Public blog pages: the list, a post with its replies, tags, month archives, images and digests."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import wraps

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

from roundtable.accounts.permissions import is_coordinator, is_team_member
from roundtable.blog import digest as digests
from roundtable.blog import services
from roundtable.blog.forms import CommentForm
from roundtable.blog.models import Comment, Digest, Post, PostImage, Tag
from roundtable.blog.selectors import post_page_context
from roundtable.core.forms import parse_ids
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
#
# A PDF costs the worker seconds and the disk megabytes, so what a visitor who is not signed in
# may ask for is bounded: a month's posts, the latest posts, and sets of posts the team has
# already made a PDF of (a link they share). Any other set of posts is a PDF only for signed-in
# members of the team; everyone can open any set as the printable page, which stores nothing.
# Requests from visitors that would start a new PDF, or open a chosen printable page, are rate
# limited per client (DIGEST_RATE_LIMIT), and the stored files are capped (digest.prune_stored).


class DigestRefused(Exception):
    """The digest page answers with the choosing page and this message instead of a document."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


NOTHING_CHOSEN = "Choose at least one post, or download a whole month or the latest posts"
NOT_POSTS = "Choose posts from the list"
NONE_FOUND = "None of the posts you chose can be found. Choose posts from the list"
TEAM_ONLY = (
    "Only the team can make a PDF of posts you choose. Open the posts as a printable page instead "
    "(your browser can save it as a PDF), or download a whole month or the latest posts as a PDF."
)
TOO_MANY = "You have asked for several digests in a short time. Wait an hour and try again."


def _digest_scope(
    request, year: int | None, month: int | None, latest: bool = False
) -> tuple[list[Post], str, str, dict]:
    """The posts a digest covers: a month, the latest posts, or the posts chosen on the digest page."""
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
    elif latest:
        posts = sorted(published[: digests.LATEST_POSTS], key=lambda p: (p.publish_at, p.pk))
        title = f"{settings.CENTRE_NAME} blog: the latest posts"
        scope = "latest"
        urls = {"pdf": reverse("blog:latest_digest_pdf"), "print": reverse("blog:latest_digest_print")}
    else:
        chosen = request.GET.getlist("post")
        if not chosen:
            raise DigestRefused(NOTHING_CHOSEN, 400)
        ids = parse_ids(chosen)
        if ids is None:
            raise DigestRefused(NOT_POSTS, 400)
        ids = sorted(set(ids))[: digests.MAX_CHOSEN_POSTS]
        posts = list(published.filter(pk__in=ids).order_by("publish_at", "id"))
        title = f"{settings.CENTRE_NAME} blog: selected posts"
        scope = "posts:" + ",".join(str(p.pk) for p in posts)
        query = "&".join(f"post={p.pk}" for p in posts)
        urls = {
            "pdf": reverse("blog:chosen_digest_pdf") + "?" + query,
            "print": reverse("blog:chosen_digest_print") + "?" + query,
        }
    if not posts and year is None and not latest:
        raise DigestRefused(NONE_FOUND, 404)
    if not posts:
        raise Http404("No posts to put in a digest")
    return posts, title, scope, urls


def _digest_allowed(request) -> bool:
    return allow("digest:" + client_key(request), settings.DIGEST_RATE_LIMIT)


def _choose_page(request, *, error: str = "", status: int = 200):
    posts = list(Post.objects.published().only("title", "slug", "publish_at")[:200])
    context = {
        "posts": posts,
        "months": _month_counts(),
        "error": error,
        "errors": [("choose-posts", error)] if error else [],
        "is_team": is_team_member(request.user),
        "latest_count": min(len(posts), digests.LATEST_POSTS),
    }
    return render(request, "blog/digest_choose.html", context, status=status)


def _refusable(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DigestRefused as refused:
            return _choose_page(request, error=refused.message, status=refused.status)

    return wrapped


@require_GET
@_refusable
def digest_pdf(request, year: int | None = None, month: int | None = None, latest: bool = False):
    posts, title, scope, urls = _digest_scope(request, year, month, latest)
    if not is_team_member(request.user):
        chosen = year is None and not latest
        if chosen and not Digest.objects.filter(scope=scope).exists():
            raise DigestRefused(TEAM_ONLY, 403)
        if not Digest.objects.filter(key=digests.digest_key(posts, title)).exists() and not _digest_allowed(request):
            raise DigestRefused(TOO_MANY, 429)
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
    left = digests.seconds_left(digest)
    if wants_json:
        return JsonResponse({"state": digest.state, "seconds_left": left, "wait": digests.wait_in_words(left)})
    return render(
        request,
        "blog/digest_wait.html",
        {"digest": digest, "title": title, "posts": posts, "urls": urls, "wait": digests.wait_in_words(left)},
        status=202,
    )


@require_GET
@_refusable
def digest_print(request, year: int | None = None, month: int | None = None, latest: bool = False):
    posts, title, scope, urls = _digest_scope(request, year, month, latest)
    if year is None and not latest and not is_team_member(request.user) and not _digest_allowed(request):
        raise DigestRefused(TOO_MANY, 429)
    context = digests.document_context(posts=posts, title=title, for_web=True)
    context["urls"] = urls
    return render(request, "blog/digest_document.html", context)


@require_GET
def digest_choose(request):
    """Pick posts for a digest, or a whole month. A GET form, so it works without JavaScript."""
    return _choose_page(request)
