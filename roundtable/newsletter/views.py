"""Public newsletter pages: sign up, confirm, unsubscribe (one click, no login) and the archive."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from roundtable.core import ratelimit
from roundtable.core.origin import posted_from_this_site
from roundtable.core.privatelinks import private_link_view, private_page
from roundtable.newsletter import services
from roundtable.newsletter.forms import SignupForm
from roundtable.newsletter.models import ConfirmationLink, Issue, Subscriber

RATE_LIMITED = (
    "You have tried to sign up too many times from this connection. Wait an hour and try again, "
    "or email us and we will add you."
)


def _signup_allowed(request) -> bool:
    return ratelimit.allow("newsletter-signup:" + ratelimit.client_key(request), settings.SIGNUP_RATE_LIMIT)


FROM_ANOTHER_SITE = (
    "We could not take this sign-up because it was sent from another website. "
    "If you want our newsletter, enter your email address here."
)


@csrf_exempt  # no token: the form acts on no one's authority; the origin check below does the rest
@require_http_methods(["GET", "POST"])
def signup(request):
    wording = services.consent_wording()
    if request.method == "POST":
        form = SignupForm(request.POST)
        if not posted_from_this_site(request):
            form.is_valid()
            form.add_error("email", FROM_ANOTHER_SITE)
            return render(request, "newsletter/signup.html", {"form": form, "wording": wording}, status=403)
        if not _signup_allowed(request):
            form.is_valid()
            form.add_error("email", RATE_LIMITED)
            return render(request, "newsletter/signup.html", {"form": form, "wording": wording}, status=429)
        if form.is_valid():
            services.subscriber_signup(
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                source=form.cleaned_data["source"],
                wording=wording,
            )
            # The same next page whether or not the address was already subscribed.
            return redirect("newsletter:check_email")
        return render(request, "newsletter/signup.html", {"form": form, "wording": wording}, status=400)
    return render(request, "newsletter/signup.html", {"form": SignupForm(), "wording": wording})


@require_GET
def check_email(request):
    return render(request, "newsletter/check_email.html")


def _link_not_working(request):
    return render(request, "newsletter/link_not_working.html", status=404)


@private_link_view(ConfirmationLink.find, not_found_template="newsletter/link_not_working.html")
@require_http_methods(["GET", "POST"])
def confirm(request, link: ConfirmationLink, token: str):
    subscriber = link.subscriber
    if subscriber.status == Subscriber.Status.ACTIVE:
        return render(request, "newsletter/confirmed.html", {"already": True})
    if subscriber.status != Subscriber.Status.PENDING:
        return _link_not_working(request)
    if request.method == "POST":
        services.subscriber_confirm(link=link)
        return render(request, "newsletter/confirmed.html", {"already": False})
    # A button rather than confirming on GET: mail scanners that open every link must not be
    # able to subscribe someone who never clicked.
    return render(request, "newsletter/confirm.html", {"subscriber": subscriber})


@private_page  # its own CSRF check respects the exemption below
@csrf_exempt  # RFC 8058: mail programs POST here with no cookies; this view can only ever unsubscribe.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    subscriber = services.subscriber_for_unsubscribe_token(token)
    if subscriber is None:
        return _link_not_working(request)
    if request.method == "POST":
        source = "unsubscribe page" if request.POST.get("from_page") else "one-click"
        services.subscriber_unsubscribe(subscriber=subscriber, source=source)
        return render(request, "newsletter/unsubscribed.html")
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        return render(request, "newsletter/unsubscribed.html")
    return render(request, "newsletter/manage.html", {"subscriber": subscriber, "token": token})


@require_GET
def archive(request):
    page = Paginator(Issue.objects.archived().only("id", "subject", "send_started_at"), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "newsletter/archive.html", {"page": page})


@require_GET
def archive_issue(request, issue_id: int):
    issue = get_object_or_404(Issue.objects.archived(), pk=issue_id)
    return render(request, "newsletter/archive_issue.html", {"issue": issue})
