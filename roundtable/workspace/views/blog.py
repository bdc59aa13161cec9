"""The coordinators' side of the blog: posts, the editor, images, preview and reply moderation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.accounts.permissions import coordinator_required
from roundtable.blog import services
from roundtable.blog.forms import CommentForm
from roundtable.blog.models import Comment, Post, PostImage
from roundtable.blog.selectors import post_page_context
from roundtable.workspace.forms.blog import ImageForm, PostForm
from roundtable.workspace.views.common import confirm_delete


def _get_post_for_user(request, post_id: int) -> Post:
    # Every coordinator edits every post: the team writes the blog together.
    return get_object_or_404(Post.objects.select_related("author").prefetch_related("tags", "images"), pk=post_id)


def _get_comment_for_user(request, comment_id: int) -> Comment:
    return get_object_or_404(Comment.objects.select_related("post"), pk=comment_id)


@coordinator_required
@require_GET
def post_list(request):
    posts = (
        Post.objects.select_related("author")
        .annotate(waiting=Count("comments", filter=Q(comments__status=Comment.Status.PENDING)))
        .order_by("-updated_at", "-id")
    )
    waiting = Comment.objects.pending().count()
    return render(request, "blog/manage/post_list.html", {"posts": posts, "waiting": waiting})


def _save_post(request, form: PostForm, post: Post | None):
    data = form.cleaned_data
    fields = {
        "title": data["title"],
        "summary": data["summary"],
        "body_markdown": data["body_markdown"],
        "tags": data["tags"],
        "status": data["status"],
        "publish_at": data["publish_at"],
    }
    if post is None:
        return services.post_create(author=request.user, **fields)
    return services.post_update(post=post, actor=request.user, **fields)


def _after_save(request, post: Post):
    if request.POST.get("then") == "preview":
        return redirect("blog:manage_preview", post_id=post.pk)
    saved: dict[str, str] = {
        Post.Status.DRAFT: "The post is saved as a draft.",
        Post.Status.SCHEDULED: "The post is scheduled.",
        Post.Status.PUBLISHED: "The post is published.",
    }
    messages.success(request, saved[post.status])
    return redirect("blog:manage_edit", post_id=post.pk)


@coordinator_required
@require_http_methods(["GET", "POST"])
def post_create(request):
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = _save_post(request, form, None)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _after_save(request, post)
    status = 400 if form.errors else 200
    return render(request, "blog/manage/editor.html", {"form": form, "post": None}, status=status)


@coordinator_required(hide=True)
@require_http_methods(["GET", "POST"])
def post_edit(request, post_id: int):
    post = _get_post_for_user(request, post_id)
    form = PostForm(request.POST or None, post=post)
    if request.method == "POST" and form.is_valid():
        try:
            post = _save_post(request, form, post)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _after_save(request, post)
    status = 400 if form.errors else 200
    return render(
        request,
        "blog/manage/editor.html",
        {"form": form, "post": post, "image_form": ImageForm(), "images": post.images.all()},
        status=status,
    )


@coordinator_required(hide=True)
@require_http_methods(["GET", "POST"])
def image_add(request, post_id: int):
    post = _get_post_for_user(request, post_id)
    form = ImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            image = services.image_add(
                post=post,
                actor=request.user,
                upload=form.cleaned_data["file"],
                alt_text=form.cleaned_data["alt_text"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field, errors)
            else:
                form.add_error("file", exc)
        else:
            messages.success(request, f"Image added. To show it in the post, paste {image.markdown}")
            return redirect("blog:manage_edit", post_id=post.pk)
    status = 400 if form.errors else 200
    return render(request, "blog/manage/image_add.html", {"form": form, "post": post}, status=status)


@coordinator_required(hide=True)
@require_POST
def image_delete(request, post_id: int, image_id: int):
    post = _get_post_for_user(request, post_id)
    image = get_object_or_404(PostImage, pk=image_id, post=post)
    services.image_delete(image=image, actor=request.user)
    messages.success(request, "The image is removed.")
    return redirect("blog:manage_edit", post_id=post.pk)


@coordinator_required(hide=True)
@require_GET
def post_preview(request, post_id: int):
    post = _get_post_for_user(request, post_id)
    context = post_page_context(post, CommentForm(), preview=True)
    return render(request, "blog/post_detail.html", context)


@coordinator_required
@require_GET
def moderation(request):
    pending = list(Comment.objects.pending().select_related("post").order_by("created_at", "id"))
    recent = list(
        Comment.objects.exclude(status=Comment.Status.PENDING)
        .select_related("post", "moderated_by")
        .order_by("-moderated_at", "-created_at")[:20]
    )
    return render(request, "blog/manage/moderation.html", {"pending": pending, "recent": recent})


@coordinator_required(hide=True)
@require_POST
def comment_moderate(request, comment_id: int):
    comment = _get_comment_for_user(request, comment_id)
    decision = request.POST.get("decision")
    if decision not in {"approve", "reject"}:
        messages.error(request, "Choose approve or reject.")
        return redirect("blog:moderation")
    services.comment_moderate(comment=comment, actor=request.user, approve=decision == "approve")
    verb = "approved and is on the post" if decision == "approve" else "rejected and stays hidden"
    messages.success(request, f"The reply from {comment.name} is {verb}.")
    return redirect("blog:moderation")


@coordinator_required(hide=True)
@require_http_methods(["GET", "POST"])
def comment_delete(request, comment_id: int):
    comment = _get_comment_for_user(request, comment_id)
    if request.method == "POST":
        name = comment.name
        services.comment_delete(comment=comment, actor=request.user)
        messages.success(request, f"The reply from {name} is deleted.")
        return redirect("blog:moderation")
    return confirm_delete(
        request,
        thing=f"the reply from {comment.name}",
        warning="Deleting cannot be undone. To hide a reply but keep a record of it, reject it instead.",
        cancel_url=reverse("blog:moderation"),
        caption=f"On “{comment.post.title}”",
        back_label="Back to replies",
    )
