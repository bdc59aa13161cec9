"""The team's side of people's data rights, mounted at /coordinator/requests/: subject access,
correction and erasure requests that arrived by email, letter or phone, each due one calendar
month after it arrived. Answering one uses the same export and the same forgetting as the
person's own pages. Coordinators only."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.accounts.permissions import coordinator_required
from roundtable.core import audit
from roundtable.core.forms import parse_id
from roundtable.involvement.datafile import data_file_current, data_file_request
from roundtable.involvement.forms import DataRequestDoneForm, DataRequestForm
from roundtable.involvement.models import DataFile, DataRequest
from roundtable.involvement.selectors import involvement_for
from roundtable.involvement.services import (
    data_request_complete,
    data_request_forget,
    data_request_person,
    data_request_record,
    data_request_send_data,
    person_data_download,
)
from roundtable.people.models import Person

DUE_SOON_DAYS = 7
DONE_SHOWN = 50


def _get_request_for_user(request, request_id: int) -> DataRequest:
    data_request = DataRequest.objects.select_related("person").filter(pk=request_id).first()
    if data_request is None:
        raise Http404("No such request")
    return data_request


@require_GET
@coordinator_required
def request_list(request):
    today = timezone.localdate()
    open_requests = list(DataRequest.objects.open().select_related("person").order_by("due_on", "id"))
    for item in open_requests:
        item.overdue = item.due_on < today
        item.due_soon = not item.overdue and item.due_on <= today + timedelta(days=DUE_SOON_DAYS)
    done = list(
        DataRequest.objects.filter(completed_on__isnull=False)
        .select_related("person")
        .order_by("-completed_on", "-id")[:DONE_SHOWN]
    )
    context = {"open_requests": open_requests, "done": done, "today": today}
    return render(request, "involvement/team/request_list.html", context)


@require_http_methods(["GET", "POST"])
@coordinator_required
def request_add(request):
    person = None
    if (person_id := parse_id(request.GET.get("person", ""))) is not None:
        person = Person.objects.filter(pk=person_id).first()
    form = DataRequestForm(request.POST if request.method == "POST" else None, person=person)
    if request.method == "POST" and form.is_valid():
        data_request = data_request_record(actor=request.user, person=person, **form.cleaned_data)
        messages.success(request, f"The request is recorded. It is due by {data_request.due_on:%-d %B %Y}.")
        return redirect("involvement:request_detail", request_id=data_request.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "involvement/team/request_form.html", {"form": form, "person": person}, status=status)


def _detail(request, data_request: DataRequest, *, done_form: DataRequestDoneForm | None = None, status: int = 200):
    today = timezone.localdate()
    person = data_request_person(data_request)
    context = {
        "data_request": data_request,
        "person": person,
        "data_file": data_file_current(person=person) if person is not None else None,
        "overdue": data_request.completed_on is None and data_request.due_on < today,
        "done_form": done_form or DataRequestDoneForm(data_request=data_request, initial={"completed_on": today}),
    }
    return render(request, "involvement/team/request_detail.html", context, status=status)


@require_GET
@coordinator_required(hide=True)
def request_detail(request, request_id: int):
    data_request = _get_request_for_user(request, request_id)
    if data_request.from_person and data_request.notes:
        # What the person wrote about their own data may be about their health: every look is logged.
        audit.log(request.user, "data_request.viewed", data_request)
    return _detail(request, data_request)


@require_POST
@coordinator_required(hide=True)
def request_done(request, request_id: int):
    data_request = _get_request_for_user(request, request_id)
    form = DataRequestDoneForm(request.POST, data_request=data_request)
    if not form.is_valid():
        return _detail(request, data_request, done_form=form, status=400)
    data_request_complete(
        actor=request.user,
        data_request=data_request,
        completed_on=form.cleaned_data["completed_on"],
        note=form.cleaned_data["note"],
    )
    messages.success(request, "The request is marked as done.")
    return redirect("involvement:request_list")


@require_POST
@coordinator_required(hide=True)
def request_send_data(request, request_id: int):
    data_request = _get_request_for_user(request, request_id)
    if data_request_send_data(actor=request.user, data_request=data_request):
        messages.success(
            request,
            "We emailed them a link to their involvement page, where they can download everything we hold.",
        )
    else:
        messages.error(request, "Nobody who has taken part has this email address, so there is nothing to send.")
    return redirect("involvement:request_detail", request_id=data_request.pk)


@require_GET
@coordinator_required(hide=True)
def request_download(request, request_id: int) -> HttpResponse:
    """The same file as the person's own "download my data", for sending another way (by post,
    or handed over); audited as the coordinator."""
    person = data_request_person(_get_request_for_user(request, request_id))
    if person is None:
        raise Http404("Nobody to download")
    response = JsonResponse(
        person_data_download(person=person, actor=request.user), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="data-request-{request_id}.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@coordinator_required(hide=True)
def request_readable(request, request_id: int):
    """Ask the worker for the readable copy (PDF): the same file as the person's own "download my
    data, readable", made once and kept briefly for whichever of them downloads it."""
    data_request = _get_request_for_user(request, request_id)
    person = data_request_person(data_request)
    if person is None:
        raise Http404("Nobody to download")
    data_file_request(person=person)
    messages.success(request, "The readable copy is being prepared. Reload this page in a minute to download it.")
    return redirect(reverse("involvement:request_detail", args=[data_request.pk]) + "#readable")


@require_GET
@coordinator_required(hide=True)
def request_readable_file(request, request_id: int):
    """The readable copy, once the worker has made it; audited as the coordinator."""
    person = data_request_person(_get_request_for_user(request, request_id))
    data_file = data_file_current(person=person) if person is not None else None
    if person is None or data_file is None or data_file.state != DataFile.State.READY or not data_file.file:
        raise Http404("No file ready")
    audit.log(request.user, "person.data_downloaded", person, format="pdf")
    response = FileResponse(data_file.file.open("rb"), content_type="application/pdf", as_attachment=True)
    response["Content-Disposition"] = f'attachment; filename="data-request-{request_id}.pdf"'
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
@coordinator_required(hide=True)
def request_forget(request, request_id: int):
    """The same confirmation as "remove my details", then the same forgetting."""
    data_request = _get_request_for_user(request, request_id)
    person = data_request_person(data_request)
    if person is None or data_request.completed_on is not None:
        return redirect("involvement:request_detail", request_id=data_request.pk)
    if request.method == "POST":
        data_request_forget(actor=request.user, data_request=data_request, completed_on=timezone.localdate())
        messages.success(request, "Their details are removed everywhere, and the request is marked as done.")
        return redirect("involvement:request_detail", request_id=data_request.pk)
    context = {"data_request": data_request, "person": person, "involvement": involvement_for(person=person)}
    return render(request, "involvement/team/request_forget.html", context)
