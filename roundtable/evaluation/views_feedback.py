"""The participant's feedback form behind a private link, and its thank-you page. The coordinators'
summaries, paper entry and exports are in roundtable.workspace.views.evaluation_feedback."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from roundtable.core.privatelinks import private_link_view, private_page
from roundtable.evaluation import feedback
from roundtable.evaluation.forms_feedback import FeedbackForm
from roundtable.evaluation.models import FeedbackLink, FeedbackRequest

# --- The participant's form -------------------------------------------------------------------


@private_link_view(FeedbackLink.request_for, not_found_template="evaluation/feedback/link_not_working.html")
@require_http_methods(["GET", "POST"])
def give(request: HttpRequest, feedback_request: FeedbackRequest, token: str) -> HttpResponse:
    session = feedback_request.session
    if feedback_request.answered:
        return render(request, "evaluation/feedback/already_given.html", {"session": session})
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback.feedback_submit(request=feedback_request, answers=form.answers(), anonymous=form.is_anonymous)
        except feedback.FeedbackAlreadyGiven:
            return render(request, "evaluation/feedback/already_given.html", {"session": session})
        except ValidationError as error:
            _put_errors(form, error)
        else:
            return redirect("evaluation:feedback_thanks")
    return render(
        request,
        "evaluation/feedback/give.html",
        {
            "form": form,
            "session": session,
            "person": feedback_request.booking.person,
        },
        status=400 if form.errors else 200,
    )


@private_page
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluation/feedback/thanks.html")


def _put_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors[0])
    else:
        form.add_error(None, error.messages[0])
