"""The coordinating team's newsletter pages (workspace): subscribers, export, the issue editor, preview, test and send."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.accounts.permissions import coordinator_required
from roundtable.core import audit
from roundtable.newsletter import sending, services
from roundtable.newsletter.models import Delivery, Issue, Subscriber
from roundtable.newsletter.rendering import issue_content
from roundtable.workspace.forms.newsletter import IssueForm

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _get_issue_for_user(request, issue_id: int) -> Issue:
    # The decorator has already let only coordinators in; every coordinator may see every issue.
    return get_object_or_404(Issue, pk=issue_id)


def _subscriber_counts() -> dict[str, int]:
    counts = dict(Subscriber.objects.values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in Subscriber.Status.values} | {"all": sum(counts.values())}


@coordinator_required
@require_GET
def issue_list(request):
    page = Paginator(Issue.objects.only("id", "subject", "status", "created_at", "send_started_at"), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "newsletter/coordinator/issue_list.html", {"page": page, "counts": _subscriber_counts()})


@coordinator_required
@require_GET
def subscriber_list(request):
    status = request.GET.get("status", "")
    subscribers = Subscriber.objects.only("email", "name", "status", "created_at", "confirmed_at")
    if status in Subscriber.Status.values:
        subscribers = subscribers.filter(status=status)
    else:
        status = ""
    page = Paginator(subscribers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "newsletter/coordinator/subscriber_list.html",
        {"page": page, "counts": _subscriber_counts(), "status": status, "statuses": Subscriber.Status.choices},
    )


def csv_cell(value) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula; a leading ' keeps it text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Echo:
    def write(self, value):
        return value


@coordinator_required
@require_GET
def subscriber_export(request):
    audit.log(request.user, "newsletter.subscribers_exported")
    rows = (
        Subscriber.objects.order_by("email")
        .values_list("email", "name", "status", "created_at", "confirmed_at", "unsubscribed_at")
        .iterator(chunk_size=2000)
    )
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(["Email", "Name", "Status", "Signed up", "Confirmed", "Unsubscribed"])
        for email, name, status, created, confirmed, unsubscribed in rows:
            yield writer.writerow(
                [
                    csv_cell(email),
                    csv_cell(name),
                    status,
                    *(
                        timezone.localtime(t).strftime("%Y-%m-%d %H:%M") if t else ""
                        for t in (created, confirmed, unsubscribed)
                    ),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="newsletter-subscribers-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    return response


def _issue_form_values(form: IssueForm) -> dict:
    data = form.cleaned_data
    return {
        "subject": data["subject"],
        "body_markdown": data["body_markdown"],
        "include_sessions": data["include_sessions"],
        "include_posts": data["include_posts"],
    }


@coordinator_required
@require_http_methods(["GET", "POST"])
def issue_new(request):
    if request.method == "POST":
        form = IssueForm(request.POST)
        if form.is_valid():
            issue = services.issue_create(actor=request.user, **_issue_form_values(form))
            return redirect("newsletter:issue_preview", issue.pk)
        return render(request, "newsletter/coordinator/issue_form.html", {"form": form}, status=400)
    form = IssueForm(initial={"include_sessions": True})
    return render(request, "newsletter/coordinator/issue_form.html", {"form": form})


@coordinator_required(hide=True)
@require_http_methods(["GET", "POST"])
def issue_edit(request, issue_id: int):
    issue = _get_issue_for_user(request, issue_id)
    if not issue.is_draft:
        messages.info(request, "This issue has been sent, so it can no longer be changed.")
        return redirect("newsletter:issue_detail", issue.pk)
    if request.method == "POST":
        form = IssueForm(request.POST)
        if form.is_valid():
            try:
                services.issue_update(issue=issue, actor=request.user, **_issue_form_values(form))
            except services.NewsletterError as exc:
                messages.info(request, exc.message)
                return redirect("newsletter:issue_detail", issue.pk)
            return redirect("newsletter:issue_preview", issue.pk)
        return render(request, "newsletter/coordinator/issue_form.html", {"form": form, "issue": issue}, status=400)
    form = IssueForm(
        initial={
            "subject": issue.subject,
            "body_markdown": issue.body_markdown,
            "include_sessions": issue.include_sessions,
            "include_posts": issue.include_posts,
        }
    )
    return render(request, "newsletter/coordinator/issue_form.html", {"form": form, "issue": issue})


@coordinator_required(hide=True)
@require_GET
def issue_preview(request, issue_id: int):
    issue = _get_issue_for_user(request, issue_id)
    return render(
        request,
        "newsletter/coordinator/issue_preview.html",
        {"issue": issue, "content": issue_content(issue), "active_count": Subscriber.objects.active().count()},
    )


@coordinator_required(hide=True)
@require_GET
def issue_detail(request, issue_id: int):
    issue = _get_issue_for_user(request, issue_id)
    context = {"issue": issue, "active_count": Subscriber.objects.active().count()}
    if not issue.is_draft:
        context["progress"] = sending.progress(issue)
        context["failures"] = (
            Delivery.objects.filter(issue=issue, status=Delivery.Status.FAILED)
            .select_related("subscriber")
            .only("error", "subscriber__email")
            .order_by("id")[:20]
        )
    return render(request, "newsletter/coordinator/issue_detail.html", context)


@coordinator_required(hide=True)
@require_POST
def issue_send_test(request, issue_id: int):
    issue = _get_issue_for_user(request, issue_id)
    services.issue_send_test(issue=issue, actor=request.user)
    messages.success(request, f"A test copy is on its way to {request.user.email}.")
    return redirect("newsletter:issue_detail", issue.pk)


@coordinator_required(hide=True)
@require_http_methods(["GET", "POST"])
def issue_send(request, issue_id: int):
    issue = _get_issue_for_user(request, issue_id)
    if not issue.is_draft:
        return redirect("newsletter:issue_detail", issue.pk)
    active_count = Subscriber.objects.active().count()
    error = ""
    if request.method == "POST":
        try:
            count = services.issue_send_start(issue=issue, actor=request.user)
        except services.NewsletterError as exc:
            error = exc.message
        else:
            messages.success(request, f"Sending started to {count} subscriber{'s' if count != 1 else ''}.")
            return redirect("newsletter:issue_detail", issue.pk)
    return render(
        request,
        "newsletter/coordinator/issue_send.html",
        {"issue": issue, "active_count": active_count, "error": error},
        status=409 if error else 200,
    )
