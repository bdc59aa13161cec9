"""The evaluation framework's pages for coordinators: aims and what success looks like, indicators
and their values, evidence of every kind, and Most Significant Change stories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from roundtable.accounts.permissions import acting_user, coordinator_required
from roundtable.evaluation import exports
from roundtable.evaluation import framework_services as services
from roundtable.evaluation.indicators import METRICS, indicator_series
from roundtable.evaluation.models import (
    Aim,
    Evidence,
    EvidenceKind,
    Indicator,
    IndicatorValue,
    Level,
    SignificantChangeStory,
)
from roundtable.workspace.forms.evaluation_framework import (
    SOURCE_TITLES,
    AimForm,
    EvidenceForm,
    IndicatorForm,
    StoryForm,
    ValueForm,
)
from roundtable.workspace.forms.evaluation_reports import default_period
from roundtable.workspace.views.common import confirm_delete, form_page

SOURCE_SLUGS = {
    "story": Evidence.Source.STORY,
    "output": Evidence.Source.OUTPUT,
    "document": Evidence.Source.DOCUMENT,
    "link": Evidence.Source.LINK,
}


# --- Loading, one helper per thing ------------------------------------------------------------


def _get_aim_for_user(request: HttpRequest, aim_id: int) -> Aim:
    aim = Aim.objects.select_related("programme").filter(pk=aim_id).first()
    if aim is None:
        raise Http404("No such aim")
    return aim


def _get_indicator_for_user(request: HttpRequest, indicator_id: int) -> Indicator:
    indicator = Indicator.objects.select_related("aim").filter(pk=indicator_id).first()
    if indicator is None:
        raise Http404("No such indicator")
    return indicator


def _get_value_for_user(request: HttpRequest, value_id: int) -> IndicatorValue:
    value = IndicatorValue.objects.select_related("indicator__aim").filter(pk=value_id).first()
    if value is None:
        raise Http404("No such value")
    return value


def _get_evidence_for_user(request: HttpRequest, evidence_id: int) -> Evidence:
    evidence = Evidence.objects.select_related("output__session").filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404("No such evidence")
    return evidence


def _get_story_for_user(request: HttpRequest, story_id: int) -> SignificantChangeStory:
    story = SignificantChangeStory.objects.select_related("aim").filter(pk=story_id).first()
    if story is None:
        raise Http404("No such story")
    return story


def _put_errors(form, error: ValidationError) -> None:
    """A service's field errors go next to the field they are about (or to the top)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages[0])
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors[0])


def _form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    save: Callable[[], HttpResponse],
    title: str,
    back_url: str,
    back_label: str,
    caption: str = "",
    intro: str = "",
    multipart: bool = False,
    button: str = "Save",
) -> HttpResponse:
    return form_page(
        request,
        form=form,
        template="evaluation/framework/form.html",
        save=save,
        put_errors=_put_errors,
        context={
            "title": title,
            "back_url": back_url,
            "back_label": back_label,
            "caption": caption,
            "intro": intro,
            "multipart": multipart,
            "button": button,
        },
    )


def _last_year() -> tuple[date, date]:
    """The same default period as the dashboard, funder report and GRIPP2 (the last 12 months,
    this one so far)."""
    return default_period()


# --- Aims -------------------------------------------------------------------------------------


@coordinator_required
def aim_list(request: HttpRequest) -> HttpResponse:
    aims = (
        Aim.objects.select_related("programme")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("position", "id")))
        .annotate(evidence_count=Count("evidence", distinct=True))
        .order_by("position", "id")
    )
    return render(request, "evaluation/framework/aim_list.html", {"aims": list(aims), "metrics": METRICS})


@coordinator_required(hide=True)
def aim_detail(request: HttpRequest, aim_id: int) -> HttpResponse:
    aim = _get_aim_for_user(request, aim_id)
    indicators = list(aim.indicators.order_by("position", "id"))
    start, end = _last_year()
    series = indicator_series(indicators, start=start, end=end, programme=aim.programme_id)
    evidence = list(aim.evidence.select_related("output__session").order_by("-happened_on", "-id")[:50])
    stories = list(aim.change_stories.order_by("-collected_on", "-id")[:50])
    return render(
        request,
        "evaluation/framework/aim_detail.html",
        {
            "aim": aim,
            "rows": [(i, series[i.pk]) for i in indicators],
            "evidence": evidence,
            "stories": stories,
            "start": start,
            "end": end,
        },
    )


@coordinator_required
def aim_add(request: HttpRequest) -> HttpResponse:
    form = AimForm(request.POST or None)

    def save() -> HttpResponse:
        aim = services.aim_create(actor=acting_user(request), **form.cleaned_data)
        messages.success(request, f"Added the aim “{aim.title}”. Now add the indicators that would show progress.")
        return redirect("evaluation:aim_detail", aim_id=aim.pk)

    return _form_page(
        request,
        form,
        save=save,
        title="Add an aim",
        back_url=reverse("evaluation:aim_list"),
        back_label="Back to aims",
        intro="An aim is something the centre wants to achieve. Saying what it would look like if "
        "you achieved it helps everyone see which evidence matters.",
    )


@coordinator_required(hide=True)
def aim_edit(request: HttpRequest, aim_id: int) -> HttpResponse:
    aim = _get_aim_for_user(request, aim_id)
    form = AimForm(request.POST or None, initial=AimForm.initial_for(aim))

    def save() -> HttpResponse:
        services.aim_update(aim=aim, actor=acting_user(request), **form.cleaned_data)
        messages.success(request, "Saved the aim.")
        return redirect("evaluation:aim_detail", aim_id=aim.pk)

    return _form_page(
        request,
        form,
        save=save,
        title="Change the aim",
        back_url=reverse("evaluation:aim_detail", args=[aim.pk]),
        back_label="Back to the aim",
    )


@coordinator_required(hide=True)
def aim_delete(request: HttpRequest, aim_id: int) -> HttpResponse:
    aim = _get_aim_for_user(request, aim_id)
    if request.method == "POST":
        services.aim_delete(aim=aim, actor=acting_user(request))
        messages.success(request, f"Deleted the aim “{aim.title}”.")
        return redirect("evaluation:aim_list")
    return confirm_delete(
        request,
        thing=f"the aim “{aim.title}”",
        warning="Its indicators and their recorded values are deleted too. Evidence and stories stay.",
        cancel_url=reverse("evaluation:aim_detail", args=[aim.pk]),
    )


# --- Indicators and values --------------------------------------------------------------------


@coordinator_required(hide=True)
def indicator_add(request: HttpRequest, aim_id: int) -> HttpResponse:
    aim = _get_aim_for_user(request, aim_id)
    form = IndicatorForm(request.POST or None)

    def save() -> HttpResponse:
        indicator = services.indicator_create(aim=aim, actor=acting_user(request), fields=form.fields_for_service())
        messages.success(request, f"Added the indicator “{indicator.title}”.")
        return redirect("evaluation:indicator_detail", indicator_id=indicator.pk)

    return _form_page(
        request,
        form,
        save=save,
        title="Add an indicator",
        caption=aim.title,
        back_url=reverse("evaluation:aim_detail", args=[aim.pk]),
        back_label="Back to the aim",
        intro="Roundtable can work many indicators out from what it already records. Others, like "
        "'pilot projects funded', you record by hand with a date and a source.",
    )


@coordinator_required(hide=True)
def indicator_detail(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = _get_indicator_for_user(request, indicator_id)
    start, end = _last_year()
    series = indicator_series([indicator], start=start, end=end, programme=indicator.aim.programme_id)[indicator.pk]
    values = list(indicator.values.order_by("-recorded_on", "-id")[:200]) if not indicator.is_computed else []
    return render(
        request,
        "evaluation/framework/indicator_detail.html",
        {
            "indicator": indicator,
            "aim": indicator.aim,
            "series": series,
            "values": values,
            "metric": METRICS.get(indicator.metric),
            "start": start,
            "end": end,
        },
    )


@coordinator_required(hide=True)
def indicator_edit(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = _get_indicator_for_user(request, indicator_id)
    form = IndicatorForm(request.POST or None, initial=IndicatorForm.initial_for(indicator))

    def save() -> HttpResponse:
        services.indicator_update(indicator=indicator, actor=acting_user(request), fields=form.fields_for_service())
        messages.success(request, "Saved the indicator.")
        return redirect("evaluation:indicator_detail", indicator_id=indicator.pk)

    return _form_page(
        request,
        form,
        save=save,
        title="Change the indicator",
        caption=indicator.aim.title,
        back_url=reverse("evaluation:indicator_detail", args=[indicator.pk]),
        back_label="Back to the indicator",
    )


@coordinator_required(hide=True)
def indicator_delete(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = _get_indicator_for_user(request, indicator_id)
    if request.method == "POST":
        services.indicator_delete(indicator=indicator, actor=acting_user(request))
        messages.success(request, f"Deleted the indicator “{indicator.title}”.")
        return redirect("evaluation:aim_detail", aim_id=indicator.aim_id)
    return confirm_delete(
        request,
        thing=f"the indicator “{indicator.title}”",
        caption=indicator.aim.title,
        warning="Any values recorded for it are deleted too. This cannot be undone.",
        cancel_url=reverse("evaluation:indicator_detail", args=[indicator.pk]),
    )


@coordinator_required(hide=True)
def value_add(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = _get_indicator_for_user(request, indicator_id)
    if indicator.is_computed:
        raise Http404("Values of computed indicators are worked out, not typed in")
    form = ValueForm(request.POST or None)

    def save() -> HttpResponse:
        services.value_record(indicator=indicator, actor=acting_user(request), **form.cleaned_data)
        messages.success(request, "Recorded the value.")
        return redirect("evaluation:indicator_detail", indicator_id=indicator.pk)

    return _form_page(
        request,
        form,
        save=save,
        title="Record a value",
        caption=indicator.title,
        back_url=reverse("evaluation:indicator_detail", args=[indicator.pk]),
        back_label="Back to the indicator",
    )


@coordinator_required(hide=True)
def value_delete(request: HttpRequest, value_id: int) -> HttpResponse:
    value = _get_value_for_user(request, value_id)
    back = reverse("evaluation:indicator_detail", args=[value.indicator_id])
    if request.method == "POST":
        services.value_delete(value=value, actor=acting_user(request))
        messages.success(request, "Deleted the value.")
        return redirect(back)
    return confirm_delete(
        request,
        thing=f"the value recorded for {value.recorded_on:%-d %B %Y}",
        caption=value.indicator.title,
        warning="This cannot be undone.",
        cancel_url=back,
    )


def _period(request: HttpRequest) -> tuple[date, date]:
    default_start, default_end = _last_year()
    try:
        start = date.fromisoformat(request.GET.get("start", "")[:10]) if request.GET.get("start") else default_start
        end = date.fromisoformat(request.GET.get("end", "")[:10]) if request.GET.get("end") else default_end
    except ValueError:
        raise Http404("Dates must look like 2026-03-27") from None
    if end < start or (end - start).days > 366 * 20:
        raise Http404("The period must end after it starts and be under 20 years")
    return start, end


@coordinator_required
def indicators_csv(request: HttpRequest) -> StreamingHttpResponse:
    start, end = _period(request)
    indicators = list(Indicator.objects.select_related("aim").order_by("aim__position", "aim_id", "position", "id"))
    return exports.indicator_values_csv(indicators=indicators, start=start, end=end)


# --- Evidence ---------------------------------------------------------------------------------


@coordinator_required
def evidence_list(request: HttpRequest) -> HttpResponse:
    level, kind, aim_id = (request.GET.get(k, "") for k in ("level", "kind", "aim"))
    evidence = (
        Evidence.objects.select_related("output__session").prefetch_related("aims").order_by("-happened_on", "-id")
    )
    if level in Level.values:
        evidence = evidence.filter(level=level)
    if kind in EvidenceKind.values:
        evidence = evidence.filter(kind=kind)
    aims = list(Aim.objects.order_by("position", "id"))
    if aim_id.isdigit() and len(aim_id) < 19:
        evidence = evidence.filter(aims__id=int(aim_id))
    page = Paginator(evidence, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/framework/evidence_list.html",
        {
            "page": page,
            "aims": aims,
            "levels": Level.choices,
            "kinds": EvidenceKind.choices,
            "chosen": {"level": level, "kind": kind, "aim": aim_id},
            "filtered": bool(level or kind or aim_id),
            "sources": [(slug, SOURCE_TITLES[source]) for slug, source in SOURCE_SLUGS.items()],
        },
    )


@coordinator_required
def evidence_add(request: HttpRequest, source: str) -> HttpResponse:
    if source not in SOURCE_SLUGS:
        raise Http404("No such kind of evidence")
    source = SOURCE_SLUGS[source]
    initial = {"aims": [request.GET["aim"]]} if request.GET.get("aim", "").isdigit() else {}
    form = EvidenceForm(request.POST or None, request.FILES or None, source=source, initial=initial)

    def save() -> HttpResponse:
        evidence = services.evidence_create(
            actor=acting_user(request),
            source=source,
            fields=form.fields_for_service(),
            upload=form.cleaned_data.get("document"),
        )
        messages.success(request, f"Added “{evidence.title}” to the evidence.")
        return redirect("evaluation:evidence_list")

    return _form_page(
        request,
        form,
        save=save,
        title=SOURCE_TITLES[source],
        back_url=reverse("evaluation:evidence_list"),
        back_label="Back to evidence",
        multipart=source == Evidence.Source.DOCUMENT,
    )


@coordinator_required(hide=True)
def evidence_edit(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _get_evidence_for_user(request, evidence_id)
    form = EvidenceForm(
        request.POST or None,
        request.FILES or None,
        source=evidence.source,
        editing=True,
        initial=EvidenceForm.initial_for(evidence),
    )

    def save() -> HttpResponse:
        services.evidence_update(
            evidence=evidence,
            actor=acting_user(request),
            fields=form.fields_for_service(),
            upload=form.cleaned_data.get("document"),
        )
        messages.success(request, "Saved the evidence.")
        return redirect("evaluation:evidence_list")

    return _form_page(
        request,
        form,
        save=save,
        title="Change the evidence",
        caption=evidence.title,
        back_url=reverse("evaluation:evidence_list"),
        back_label="Back to evidence",
        multipart=evidence.source == Evidence.Source.DOCUMENT,
    )


@coordinator_required(hide=True)
def evidence_delete(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _get_evidence_for_user(request, evidence_id)
    if request.method == "POST":
        services.evidence_delete(evidence=evidence, actor=acting_user(request))
        messages.success(request, f"Deleted “{evidence.title}” from the evidence.")
        return redirect("evaluation:evidence_list")
    warning = "The document is deleted too. " if evidence.document else ""
    if evidence.output_id:
        warning = "The output stays in its session record. "
    return confirm_delete(
        request,
        thing=f"“{evidence.title}”",
        warning=warning + "This cannot be undone.",
        cancel_url=reverse("evaluation:evidence_list"),
    )


@coordinator_required(hide=True)
def evidence_document(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = _get_evidence_for_user(request, evidence_id)
    name = evidence.document.name
    if not name:
        raise Http404("No document")
    ext = name.rsplit(".", 1)[-1].lower()
    content_type = services.DOCUMENT_TYPES.get(ext, ("application/octet-stream", None))[0]
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("The document is missing from storage") from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.document_name or f"document.{ext}", content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Most Significant Change stories ----------------------------------------------------------


@coordinator_required
def story_list(request: HttpRequest) -> HttpResponse:
    stories = SignificantChangeStory.objects.select_related("aim").order_by("-collected_on", "-id")
    page = Paginator(stories, 50).get_page(request.GET.get("page"))
    return render(request, "evaluation/framework/story_list.html", {"page": page})


@coordinator_required
def story_add(request: HttpRequest) -> HttpResponse:
    form = StoryForm(request.POST or None)

    def save() -> HttpResponse:
        story = services.story_create(actor=acting_user(request), fields=form.fields_for_service())
        messages.success(request, f"Added the story “{story.title}”.")
        return redirect(reverse("evaluation:story_list") + f"#story-{story.pk}")

    return _form_page(
        request,
        form,
        save=save,
        title="Add a most significant change story",
        back_url=reverse("evaluation:story_list"),
        back_label="Back to stories",
        intro="Collect stories of change in people's own words. Later, a group reads them together, "
        "selects the most significant and says why: record that here too.",
    )


@coordinator_required(hide=True)
def story_edit(request: HttpRequest, story_id: int) -> HttpResponse:
    story = _get_story_for_user(request, story_id)
    form = StoryForm(request.POST or None, initial=StoryForm.initial_for(story))

    def save() -> HttpResponse:
        services.story_update(story=story, actor=acting_user(request), fields=form.fields_for_service())
        messages.success(request, "Saved the story.")
        return redirect(reverse("evaluation:story_list") + f"#story-{story.pk}")

    return _form_page(
        request,
        form,
        save=save,
        title="Change the story",
        caption=story.title,
        back_url=reverse("evaluation:story_list"),
        back_label="Back to stories",
    )


@coordinator_required(hide=True)
def story_delete(request: HttpRequest, story_id: int) -> HttpResponse:
    story = _get_story_for_user(request, story_id)
    if request.method == "POST":
        services.story_delete(story=story, actor=acting_user(request))
        messages.success(request, f"Deleted the story “{story.title}”.")
        return redirect("evaluation:story_list")
    return confirm_delete(
        request,
        thing=f"the story “{story.title}”",
        warning="This cannot be undone.",
        cancel_url=reverse("evaluation:story_list"),
    )
