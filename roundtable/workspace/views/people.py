"""People, for coordinators: the directory of everyone who has taken part, and each person's page
(their details, what they have done with the centre). Coordinators only: names and email
addresses, never anything about health (access needs stay on their own audited page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from roundtable.accounts.permissions import coordinator_required
from roundtable.people.models import Perspective
from roundtable.workspace import directory

PER_PAGE = 50


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Name or email", required=False, max_length=100)
    perspective = forms.ChoiceField(
        label="Perspective",
        required=False,
        choices=[("", "Any perspective")] + list(Perspective.choices),
        error_messages={"invalid_choice": "Choose a perspective from the list"},
    )
    came = forms.ChoiceField(
        label="Newcomer or returning",
        required=False,
        choices=[
            ("", "Everyone"),
            (directory.NEWCOMER, "Newcomers (came once or not yet)"),
            (directory.RETURNING, "Returning (came twice or more)"),
        ],
        error_messages={"invalid_choice": "Choose newcomers, returning or everyone"},
    )
    last_seen = forms.ChoiceField(
        label="Last came",
        required=False,
        choices=[
            ("", "Any time"),
            ("3", "In the last 3 months"),
            ("6", "In the last 6 months"),
            ("12", "In the last 12 months"),
            (directory.LONGER_AGO, "More than 12 months ago"),
            (directory.NEVER_CAME, "Has not come to a session yet"),
        ],
        error_messages={"invalid_choice": "Choose when they last came from the list"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].error_messages["max_length"] = "Search for 100 characters or fewer"


@require_GET
@coordinator_required
def people_list(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET)
    status = 200
    filtered = False
    if form.is_valid():
        data = form.cleaned_data
        filtered = any(data.values())
        people = directory.directory_people(
            query=data["q"], perspective=data["perspective"], came=data["came"], last_seen=data["last_seen"]
        )
    else:
        status = 400
        filtered = True
        people = directory.directory_people().none()
    page = Paginator(people, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "people/coordinator/list.html", {"form": form, "page": page, "filtered": filtered}, status=status
    )


@require_GET
@coordinator_required(hide=True)
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = directory.get_person_for_coordinator(person_id)
    involvement = directory.person_involvement(person)
    return render(request, "people/coordinator/detail.html", {"person": person, "involvement": involvement})
