"""The coordinating team's record pages: record a session, follow actions through, and choose
what the story so far shows. Every view is coordinator-only; object URLs 404 for strangers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from roundtable.accounts.permissions import acting_user, coordinator_required
from roundtable.cocreation.selectors import get_session_for_user
from roundtable.records import digest, selectors, services
from roundtable.records.models import Action, ActionStatus, Decision, Output, StoryChoice, UpdateBatch
from roundtable.workspace.forms.records import ActionForm, DecisionForm, OutputForm
from roundtable.workspace.views.common import confirm_delete, form_page

KIND_SLUGS = {"photo": Output.Kind.IMAGE, "text": Output.Kind.TEXT, "audio": Output.Kind.AUDIO}
KIND_NAMES: dict[str, str] = {
    Output.Kind.IMAGE: "a photo",
    Output.Kind.TEXT: "a text or quote",
    Output.Kind.AUDIO: "an audio recording",
}


def _get_output_for_user(request: HttpRequest, output_id: int) -> Output:
    output = Output.objects.select_related("session").filter(pk=output_id).first()
    if output is None:
        raise Http404("No such output")
    return output


def _get_decision_for_user(request: HttpRequest, decision_id: int) -> Decision:
    decision = Decision.objects.select_related("session").filter(pk=decision_id).first()
    if decision is None:
        raise Http404("No such decision")
    return decision


def _get_action_for_user(request: HttpRequest, action_id: int) -> Action:
    action = Action.objects.select_related("decision__session", "owner").filter(pk=action_id).first()
    if action is None:
        raise Http404("No such action")
    return action


def _put_errors(form, error: ValidationError) -> None:
    """A service's field errors go next to the field they are about (or to the top)."""
    for name, messages_ in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages_[0])


def _record_url(session_id: int, anchor: str = "") -> str:
    return reverse("records:record", args=[session_id]) + (f"#{anchor}" if anchor else "")


@coordinator_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "records/coordinator/index.html",
        {
            "sessions": list(selectors.sessions_to_record()[:100]),
            "overdue_actions": list(selectors.overdue_actions()[:20]),
        },
    )


@coordinator_required
def action_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in ActionStatus.values or status == "overdue" else ""
    if status == "overdue":
        actions = selectors.overdue_actions()
    else:
        actions = selectors.action_list(status=status)
    return render(
        request,
        "records/coordinator/actions.html",
        {
            "actions": list(actions[:500]),
            "status": status,
            "filters": [("", "All"), ("overdue", "Overdue")] + list(ActionStatus.choices),
        },
    )


@coordinator_required(hide=True)
def record(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id)
    data = selectors.session_record(session, include_private=True)
    batch = UpdateBatch.objects.filter(session=session, state=UpdateBatch.State.OPEN).first()
    return render(
        request,
        "records/coordinator/record.html",
        {
            "session": session,
            "record": data,
            "attendance": selectors.attendance_summary(session),
            "batch": batch,
            "batch_changes": batch.changes.count() if batch else 0,
            "recipients": digest.recipients(session.pk).count() if batch else 0,
            "is_past": session.signup_state() == "past",
        },
    )


@coordinator_required(hide=True)
def output_add(request: HttpRequest, session_id: int, kind: str) -> HttpResponse:
    session = get_session_for_user(request.user, session_id)
    if kind not in KIND_SLUGS:
        raise Http404("No such kind of output")
    kind = KIND_SLUGS[kind]
    form = OutputForm(request.POST or None, request.FILES or None, kind=kind)

    def save() -> HttpResponse:
        output = services.output_create(
            session=session,
            actor=acting_user(request),
            kind=kind,
            upload=form.cleaned_data.get("upload"),
            **{
                k: form.cleaned_data.get(k, "")
                for k in ("caption", "consent", "credit", "alt_text", "transcript", "body")
            },
        )
        messages.success(request, f"Added “{output.caption}”.")
        return redirect(_record_url(session.pk, "outputs"))

    return form_page(
        request,
        form=form,
        template="records/coordinator/output_form.html",
        save=save,
        put_errors=_put_errors,
        context={
            "session": session,
            "kind": kind,
            "title": f"Add {KIND_NAMES[kind]}",
        },
    )


@coordinator_required(hide=True)
def output_edit(request: HttpRequest, output_id: int) -> HttpResponse:
    output = _get_output_for_user(request, output_id)
    initial = {k: getattr(output, k) for k in ("caption", "consent", "credit", "alt_text", "transcript", "body")}
    form = OutputForm(request.POST or None, request.FILES or None, kind=output.kind, editing=True, initial=initial)

    def save() -> HttpResponse:
        services.output_update(
            output=output,
            actor=acting_user(request),
            upload=form.cleaned_data.get("upload"),
            **{
                k: form.cleaned_data.get(k, "")
                for k in ("caption", "consent", "credit", "alt_text", "transcript", "body")
            },
        )
        messages.success(request, "Saved your changes.")
        return redirect(_record_url(output.session_id, "outputs"))

    return form_page(
        request,
        form=form,
        template="records/coordinator/output_form.html",
        save=save,
        put_errors=_put_errors,
        context={
            "session": output.session,
            "kind": output.kind,
            "output": output,
            "title": f"Change {KIND_NAMES[output.kind]}",
        },
    )


@coordinator_required(hide=True)
def output_delete(request: HttpRequest, output_id: int) -> HttpResponse:
    output = _get_output_for_user(request, output_id)
    if request.method == "POST":
        services.output_delete(output=output, actor=acting_user(request))
        messages.success(request, f"Deleted “{output.caption}”.")
        return redirect(_record_url(output.session_id, "outputs"))
    return confirm_delete(
        request,
        thing=f"“{output.caption}”",
        warning="The file is deleted too. This cannot be undone.",
        cancel_url=_record_url(output.session_id, "outputs"),
        caption=output.session.title,
        back_label="Back to the record",
    )


def _decision_args(form: DecisionForm) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "question": data["question"],
        "options": data["options"],
        "method": data["method"],
        "method_other": data["method_other"],
        "votes": data["votes"],
        "took_part": form.took_part(),
    }


@coordinator_required(hide=True)
def decision_add(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id)
    attendance = selectors.attendance_summary(session)
    form = DecisionForm(request.POST or None)

    def save() -> HttpResponse:
        decision = services.decision_create(session=session, actor=acting_user(request), **_decision_args(form))
        messages.success(request, "Added the decision. Now add the actions the team will take.")
        return redirect(_record_url(session.pk, f"decision-{decision.pk}"))

    return form_page(
        request,
        form=form,
        template="records/coordinator/decision_form.html",
        save=save,
        put_errors=_put_errors,
        context={
            "session": session,
            "attendance": attendance,
            "title": "Add a decision",
        },
    )


@coordinator_required(hide=True)
def decision_edit(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = _get_decision_for_user(request, decision_id)
    form = DecisionForm(request.POST or None, initial=DecisionForm.initial_for(decision))

    def save() -> HttpResponse:
        services.decision_update(decision=decision, actor=acting_user(request), **_decision_args(form))
        messages.success(request, "Saved the decision.")
        return redirect(_record_url(decision.session_id, f"decision-{decision.pk}"))

    return form_page(
        request,
        form=form,
        template="records/coordinator/decision_form.html",
        save=save,
        put_errors=_put_errors,
        context={
            "session": decision.session,
            "decision": decision,
            "attendance": selectors.attendance_summary(decision.session),
            "title": "Change a decision",
        },
    )


@coordinator_required(hide=True)
def decision_delete(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = _get_decision_for_user(request, decision_id)
    if request.method == "POST":
        services.decision_delete(decision=decision, actor=acting_user(request))
        messages.success(request, "Deleted the decision and its actions.")
        return redirect(_record_url(decision.session_id, "decisions"))
    return confirm_delete(
        request,
        thing=f"the decision “{decision.title}”",
        warning="Its actions are deleted too, and it leaves the public “you said, we did” page.",
        cancel_url=_record_url(decision.session_id, f"decision-{decision.pk}"),
        caption=decision.session.title,
        back_label="Back to the record",
    )


def _action_args(form: ActionForm) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "owner": data["owner"],
        "due_on": data["due_on"],
        "status": data["status"],
        "not_doing_reason": data["not_doing_reason"],
        "outcome": data["outcome"],
    }


@coordinator_required(hide=True)
def action_add(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = _get_decision_for_user(request, decision_id)
    form = ActionForm(request.POST or None, initial={"owner": request.user.pk})

    def save() -> HttpResponse:
        services.action_create(decision=decision, actor=acting_user(request), **_action_args(form))
        messages.success(request, "Added the action.")
        return redirect(_record_url(decision.session_id, f"decision-{decision.pk}"))

    return form_page(
        request,
        form=form,
        template="records/coordinator/action_form.html",
        save=save,
        put_errors=_put_errors,
        context={
            "session": decision.session,
            "decision": decision,
            "title": "Add an action",
        },
    )


@coordinator_required(hide=True)
def action_edit(request: HttpRequest, action_id: int) -> HttpResponse:
    action = _get_action_for_user(request, action_id)
    decision = action.decision
    form = ActionForm(request.POST or None, initial=ActionForm.initial_for(action))

    def save() -> HttpResponse:
        updated = services.action_update(action=action, actor=acting_user(request), **_action_args(form))
        note = (
            " People who came and asked to hear back will get an update."
            if (updated.status != action.status and updated.status in (ActionStatus.DONE, ActionStatus.NOT_DOING))
            else ""
        )
        messages.success(request, "Saved the action." + note)
        if request.GET.get("next") == "actions":
            return redirect("records:actions")
        return redirect(_record_url(decision.session_id, f"decision-{decision.pk}"))

    return form_page(
        request,
        form=form,
        template="records/coordinator/action_form.html",
        save=save,
        put_errors=_put_errors,
        context={
            "session": decision.session,
            "decision": decision,
            "action": action,
            "title": "Update an action",
        },
    )


@coordinator_required(hide=True)
@require_POST
def send_update(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id)
    if digest.send_soon(session.pk):
        messages.success(request, "The update is on its way to everyone who came and asked to hear back.")
    else:
        messages.info(request, "There is no update waiting to be sent.")
    return redirect(_record_url(session.pk))


@coordinator_required(hide=True)
def story_choose(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(request.user, session_id)
    if request.method == "POST":
        kind, item_id, choice = request.POST.get("kind"), request.POST.get("item", ""), request.POST.get("choice", "")
        decisions, outputs, _ = selectors.story_candidates(session)
        pools: dict[str, dict[int, Decision | Output]] = {
            "decision": {d.pk: d for d in decisions},
            "output": {o.pk: o for o in outputs},
        }
        pool = pools.get(kind or "", {})
        item = pool.get(int(item_id)) if item_id.isdigit() and len(item_id) < 19 else None
        if item is None or (choice and choice not in StoryChoice.Choice.values):
            raise Http404("No such item in this story")
        services.story_choose(
            session=session,
            actor=acting_user(request),
            choice=choice,
            decision=item if isinstance(item, Decision) else None,
            output=item if isinstance(item, Output) else None,
        )
        label = {"pinned": "will always be shown", "hidden": "will be left out"}.get(
            choice, "will be picked automatically"
        )
        messages.success(request, f"“{item}” {label}.")
        return redirect(reverse("records:story_choose", args=[session.pk]) + f"#{kind}-{item.pk}")
    decisions, outputs, choices = selectors.story_candidates(session)
    return render(
        request,
        "records/coordinator/story_choose.html",
        {
            "session": session,
            "decisions": [(d, choices["decision"].get(d.pk, "")) for d in decisions],
            "outputs": [(o, choices["output"].get(o.pk, "")) for o in outputs],
            "programme": session.programme,
        },
    )
