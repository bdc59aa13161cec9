"""Coordinators' report pages: the impact dashboard, the funder report (PDF), GRIPP2-SF reports
(draft, edit, PDF and Markdown) and the UK Standards self-assessment. All coordinator-only;
URLs naming an object 404 for visitors who are not signed in."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.text import slugify

from roundtable.accounts.permissions import acting_user, coordinator_required
from roundtable.cocreation.models import Programme
from roundtable.core.pdf import pdf_response
from roundtable.evaluation import dashboard as dashboards
from roundtable.evaluation import reports_assessment, reports_funder, reports_gripp2
from roundtable.evaluation.models import Gripp2Report, Rating, SelfAssessment, Standard
from roundtable.workspace.forms.evaluation_reports import (
    FunderReportForm,
    Gripp2Form,
    Gripp2StartForm,
    PeriodForm,
    SelfAssessmentForm,
    period_params,
)
from roundtable.workspace.views.common import confirm_delete

T = "evaluation/reports/"


def _programmes() -> list[Programme]:
    return list(Programme.objects.order_by("name"))


def _put_errors(form, error: ValidationError) -> None:
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors[0])


def _period_query(start, end, programme) -> str:
    """The filter as a query string, so links carry the same period and programme."""
    return urlencode(period_params(start, end, programme))


# --- Impact dashboard -------------------------------------------------------------------------


@coordinator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    programmes = _programmes()
    form = PeriodForm(request.GET or None, programmes=programmes)
    if form.is_bound and not form.is_valid():
        return render(request, T + "dashboard.html", {"form": form, "board": None}, status=400)
    start, end, programme = form.period()
    board = dashboards.build(start=start, end=end, programme=programme)
    return render(
        request,
        T + "dashboard.html",
        {
            "form": form,
            "board": board,
            "query": _period_query(start, end, programme),
            "period_query": _period_query(start, end, None),
        },
    )


# --- Funder report ----------------------------------------------------------------------------


def _data_uri(field, content_type: str) -> str:
    """PDFs embed their photos: the renderer fetches nothing (core.pdf), wherever files live."""
    if not field:
        return ""
    try:
        with default_storage.open(field.name, "rb") as handle:
            return f"data:{content_type or 'image/jpeg'};base64,{base64.b64encode(handle.read()).decode()}"
    except OSError:
        return ""  # a missing file leaves the caption and alt text, never a failed report


@coordinator_required
def funder_report(request: HttpRequest) -> HttpResponse:
    """Choose the period, programme and evidence, then download the PDF. The evidence on offer
    depends on the period, so "Show evidence for this period" reloads the list (all ticked)."""
    programmes = _programmes()
    data = request.GET or None
    period = PeriodForm(data, programmes=programmes)
    if period.is_bound and not period.is_valid():
        form = FunderReportForm(data, programmes=programmes, evidence_choices=[])
        form.is_valid()
        form.errors.pop("evidence", None)
        return render(request, T + "funder.html", {"form": form, "candidates": []}, status=400)
    start, end, programme = period.period()
    candidates = reports_funder.evidence_candidates(start=start, end=end, programme=programme)
    choices = [(str(e.pk), e.title) for e in candidates]
    downloading = bool(data and data.get("download"))
    initial = {
        "start": start,
        "end": end,
        "programme": str(programme.pk) if programme else "",
        "evidence": [c for c, _ in choices],
    }
    form = FunderReportForm(
        data if downloading else None, programmes=programmes, evidence_choices=choices, initial=initial
    )
    if downloading:
        if not form.is_valid():
            return render(request, T + "funder.html", {"form": form, "candidates": candidates}, status=400)
        chosen = {int(pk) for pk in form.cleaned_data["evidence"]}
        context = reports_funder.report_context(start=start, end=end, programme=programme, evidence_ids=chosen)
        for aim in context["board"].aims:
            for item in aim.evidence:
                if item.output is not None and item.output.kind == "image":
                    item.data_uri = _data_uri(item.output.large or item.output.file, item.output.content_type)
        return pdf_response(
            T + "funder.pdf.html",
            context,
            filename=f"impact-report-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}",
            request=request,
        )
    return render(
        request,
        T + "funder.html",
        {
            "form": form,
            "candidates": candidates,
            "start": start,
            "end": end,
            "programme": programme,
        },
    )


# --- GRIPP2-SF --------------------------------------------------------------------------------


def _get_gripp2_for_user(request: HttpRequest, report_id: int) -> Gripp2Report:
    report = Gripp2Report.objects.select_related("programme").filter(pk=report_id).first()
    if report is None:
        raise Http404("No such report")
    return report


@coordinator_required
def gripp2_list(request: HttpRequest) -> HttpResponse:
    programmes = _programmes()
    form = Gripp2StartForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        try:
            report = reports_gripp2.gripp2_start(
                actor=acting_user(request),
                title=form.cleaned_data["title"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                programme=form.cleaned_data.get("programme"),
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(
                request,
                "Your draft is ready. It was filled in from what Roundtable recorded: check and edit each part.",
            )
            return redirect("evaluation:gripp2_edit", report.pk)
    reports = list(Gripp2Report.objects.select_related("programme").order_by("-period_end", "-id")[:200])
    return render(
        request, T + "gripp2_list.html", {"form": form, "reports": reports}, status=400 if form.errors else 200
    )


@coordinator_required(hide=True)
def gripp2_edit(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _get_gripp2_for_user(request, report_id)
    form = Gripp2Form(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            reports_gripp2.gripp2_update(
                actor=acting_user(request),
                report=report,
                title=form.cleaned_data["title"],
                **{name: form.cleaned_data[name] for name, _h, _p in Gripp2Report.ITEMS},
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("evaluation:gripp2_edit", report.pk)
    context = {"form": form, "report": report, "costs": reports_gripp2.report_costs(report)}
    return render(request, T + "gripp2_edit.html", context, status=400 if form.errors else 200)


@coordinator_required(hide=True)
def gripp2_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _get_gripp2_for_user(request, report_id)
    context = {"report": report, "costs": reports_gripp2.report_costs(report)}
    return pdf_response(T + "gripp2.pdf.html", context, filename=f"gripp2-{report.title}", request=request)


@coordinator_required(hide=True)
def gripp2_markdown(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _get_gripp2_for_user(request, report_id)
    body = reports_gripp2.to_markdown(report, centre_name=settings.CENTRE_NAME)
    response = HttpResponse(body, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify("gripp2-" + report.title) or "gripp2"}.md"'
    add_never_cache_headers(response)
    return response


@coordinator_required(hide=True)
def gripp2_delete(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _get_gripp2_for_user(request, report_id)
    if request.method == "POST":
        reports_gripp2.gripp2_delete(actor=acting_user(request), report=report)
        messages.success(request, f"Deleted “{report.title}”.")
        return redirect("evaluation:gripp2_list")
    return confirm_delete(
        request,
        thing=f"“{report.title}”",
        warning="Are you sure? The report and everything written in it will be gone. "
        "Sessions, decisions and feedback stay as they are.",
        cancel_url=reverse("evaluation:gripp2_edit", args=[report.pk]),
        back_label="Back to the report",
    )


# --- UK Standards self-assessment -------------------------------------------------------------


def _get_assessment_for_user(request: HttpRequest, assessment_id: int) -> SelfAssessment:
    assessment = SelfAssessment.objects.filter(pk=assessment_id).first()
    if assessment is None:
        raise Http404("No such self-assessment")
    return assessment


@coordinator_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        T + "assessment_list.html",
        {
            "history": reports_assessment.assessment_history(),
            "scale": Rating.choices,
        },
    )


def _assessment_form_page(request: HttpRequest, *, assessment: SelfAssessment | None) -> HttpResponse:
    latest = SelfAssessment.objects.order_by("-assessed_on")
    if assessment is not None:
        latest = latest.filter(assessed_on__lt=assessment.assessed_on)
    previous = latest.prefetch_related("ratings").first()
    before = {r.standard: r for r in previous.ratings.all()} if previous else {}
    if request.method == "POST":
        form = SelfAssessmentForm(request.POST)
    elif assessment is not None:
        form = SelfAssessmentForm(initial=SelfAssessmentForm.initial_from(assessment, assessment.ratings.all()))
    else:
        form = SelfAssessmentForm(initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            saved = reports_assessment.assessment_save(
                actor=acting_user(request),
                assessed_on=form.cleaned_data["assessed_on"],
                notes=form.cleaned_data["notes"],
                ratings=form.ratings(),
                assessment=assessment,
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, f"Saved the self-assessment of {saved.assessed_on:%-d %B %Y}.")
            return redirect("evaluation:assessment_detail", saved.pk)
    groups = [(group, before.get(group.standard)) for group in form.standards()]
    return render(
        request,
        T + "assessment_form.html",
        {
            "form": form,
            "assessment": assessment,
            "groups": groups,
            "previous": previous,
        },
        status=400 if form.errors else 200,
    )


@coordinator_required
def assessment_create(request: HttpRequest) -> HttpResponse:
    return _assessment_form_page(request, assessment=None)


@coordinator_required(hide=True)
def assessment_edit(request: HttpRequest, assessment_id: int) -> HttpResponse:
    return _assessment_form_page(request, assessment=_get_assessment_for_user(request, assessment_id))


@coordinator_required(hide=True)
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _get_assessment_for_user(request, assessment_id)
    ratings, previous, before = reports_assessment.assessment_with_ratings(assessment)
    return render(
        request,
        T + "assessment_detail.html",
        {
            "assessment": assessment,
            "rows": [(r, before.get(r.standard)) for r in ratings],
            "previous": previous,
            "standards": dict(Standard.choices),
        },
    )


@coordinator_required(hide=True)
def assessment_delete(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _get_assessment_for_user(request, assessment_id)
    if request.method == "POST":
        reports_assessment.assessment_delete(actor=acting_user(request), assessment=assessment)
        messages.success(request, f"Deleted the self-assessment of {assessment.assessed_on:%-d %B %Y}.")
        return redirect("evaluation:assessment_list")
    return confirm_delete(
        request,
        thing=f"the self-assessment of {assessment.assessed_on:%-d %B %Y}",
        warning="Are you sure? Its ratings, reflections and follow-up actions will be gone, "
        "and it will no longer show in the comparison.",
        cancel_url=reverse("evaluation:assessment_detail", args=[assessment.pk]),
        back_label="Back to the self-assessment",
    )
