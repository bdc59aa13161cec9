"""The coordinators' feedback pages: past sessions with their counts, one session's summary, typing in
paper forms and the CSV export. The participant's own form stays in roundtable.evaluation.views_feedback."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from roundtable.accounts.permissions import coordinator_required
from roundtable.cocreation.models import Session
from roundtable.cocreation.selectors import get_session_for_user
from roundtable.evaluation import exports, feedback
from roundtable.evaluation.forms_feedback import FeedbackForm
from roundtable.evaluation.models import AccessMet, FeedbackRequest, FeedbackResponse
from roundtable.workspace.forms.evaluation_feedback import PaperFeedbackForm
from roundtable.workspace.views.common import confirm_delete


def _put_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors[0])
    else:
        form.add_error(None, error.messages[0])


def _get_response_for_user(request: HttpRequest, response_id: int) -> FeedbackResponse:
    response = FeedbackResponse.objects.select_related("session").filter(pk=response_id).first()
    if response is None:
        raise Http404("No such feedback")
    return response


def _count(model, **lookups):
    """A correlated count, so several counts on one row never multiply each other as joins would."""
    qs = model.objects.filter(session=OuterRef("pk"), **lookups).order_by().values("session").annotate(n=Count("pk"))
    return Coalesce(Subquery(qs.values("n"), output_field=IntegerField()), Value(0))


@coordinator_required
def index(request: HttpRequest) -> HttpResponse:
    """Past sessions, newest first, with how many were asked, answered and raised access concerns."""
    sessions = (
        Session.objects.exclude(status=Session.Status.DRAFT)
        .filter(starts_at__lt=timezone.now())
        .annotate(
            asked=_count(FeedbackRequest),
            responses=_count(FeedbackResponse),
            concerns=_count(FeedbackResponse, access_met__in=[AccessMet.PARTLY, AccessMet.NO]),
        )
        .select_related("programme")
        .order_by("-starts_at", "-id")[:100]
    )
    return render(request, "evaluation/feedback/index.html", {"sessions": list(sessions)})


@coordinator_required(hide=True)
def session_summary(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id)
    return render(
        request,
        "evaluation/feedback/session.html",
        {
            "session": session,
            "summary": feedback.session_feedback(session),
            "access": feedback.access_feedback(session, actor=request.user),
        },
    )


@coordinator_required(hide=True)
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, session_id: int) -> HttpResponse:
    """The participant's feedback form exactly as it is sent, for the team to try: its answers
    are checked as a participant's would be, and never saved."""
    session = get_session_for_user(request.user, session_id)
    form = FeedbackForm(request.POST or None)
    tried = request.method == "POST" and form.is_valid()
    return render(
        request,
        "evaluation/feedback/give.html",
        {"form": form, "session": session, "person": None, "preview": True, "tried": tried},
        status=400 if form.errors else 200,
    )


@coordinator_required(hide=True)
def paper_add(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id)
    form = PaperFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback.paper_feedback_enter(session=session, answers=form.answers(), actor=request.user)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, "Added the paper feedback form.")
            if "another" in request.POST:
                return redirect("evaluation:feedback_paper_add", session_id=session.pk)
            return redirect("evaluation:feedback_session", session_id=session.pk)
    return render(
        request,
        "evaluation/feedback/paper_form.html",
        {"session": session, "form": form},
        status=400 if form.errors else 200,
    )


@coordinator_required(hide=True)
def paper_delete(request: HttpRequest, response_id: int) -> HttpResponse:
    response = _get_response_for_user(request, response_id)
    if response.source != FeedbackResponse.Source.PAPER:
        raise Http404("Only paper forms can be deleted")
    back = reverse("evaluation:feedback_session", args=[response.session_id])
    if request.method == "POST":
        feedback.paper_feedback_delete(response=response, actor=request.user)
        messages.success(request, "Deleted the paper feedback form.")
        return redirect(back)
    return confirm_delete(
        request,
        thing=f"the paper form typed in on {response.submitted_on:%-d %B %Y}",
        caption=response.session.title,
        warning="Its answers leave every report. This cannot be undone.",
        cancel_url=back,
    )


@coordinator_required
@require_http_methods(["GET"])
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    session_id = request.GET.get("session", "")
    session = None
    if session_id:
        if not session_id.isdigit() or len(session_id) > 18:
            raise Http404("No such session")
        session = get_session_for_user(request.user, int(session_id))
    return exports.feedback_csv(session=session, actor=request.user)
