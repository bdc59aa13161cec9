"""People, for coordinators: the directory of everyone who has taken part, each person's page
(their details, what they have done with the centre) and the team's notes about them.
Coordinators only: names and email addresses, never anything about health (access needs stay on
their own audited page). Every page that shows notes writes "person_notes.viewed" to the audit
log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.accounts.permissions import coordinator_required
from roundtable.core import audit
from roundtable.core.merging import MergeError, preview_merge
from roundtable.core.pdf import pdf_response
from roundtable.people.models import Person, PersonNote, Perspective
from roundtable.people.services import note_add, note_delete, person_merge
from roundtable.records.recognition import recognition_for
from roundtable.workspace import directory
from roundtable.workspace.views.common import confirm_delete

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


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note for the team",
        help_text="Only coordinators see notes. The person can ask for everything we hold about them, notes included, so write only what you would be happy for them to read.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Write the note", "max_length": "Write the note in 2,000 characters or fewer"},
    )


def _person_page(request: HttpRequest, person: Person, *, form: NoteForm, status: int = 200) -> HttpResponse:
    involvement = directory.person_involvement(person)
    notes = directory.person_notes(person)
    if notes:
        audit.log(request.user, "person_notes.viewed", person, count=len(notes))
    context = {"person": person, "involvement": involvement, "notes": notes, "form": form}
    return render(request, "people/coordinator/detail.html", context, status=status)


@require_GET
@coordinator_required(hide=True)
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = directory.get_person_for_coordinator(person_id)
    return _person_page(request, person, form=NoteForm())


@require_POST
@coordinator_required(hide=True)
def note_add_view(request: HttpRequest, person_id: int) -> HttpResponse:
    person = directory.get_person_for_coordinator(person_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note_add(person=person, author=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error.message_dict.get("text", error.messages))
        else:
            messages.success(request, "Note added.")
            return redirect(reverse("directory:person", args=[person.pk]) + "#notes")
    return _person_page(request, person, form=form, status=400)


@require_http_methods(["GET", "POST"])
@coordinator_required(hide=True)
def note_delete_view(request: HttpRequest, person_id: int, note_id: int) -> HttpResponse:
    person = directory.get_person_for_coordinator(person_id)
    note = get_object_or_404(PersonNote, pk=note_id, person=person)
    back = reverse("directory:person", args=[person.pk]) + "#notes"
    if request.method == "POST":
        note_delete(note=note, actor=request.user)
        messages.success(request, "Note deleted.")
        return redirect(back)
    # The confirmation quotes the note, so it is a look at notes too.
    audit.log(request.user, "person_notes.viewed", person, count=1)
    return confirm_delete(
        request,
        thing=f"the note of {formats.date_format(timezone.localtime(note.created_at), 'j F Y')}",
        warning=f"“{note.text}” will be deleted for the whole team. This cannot be undone.",
        cancel_url=back,
        caption=person.name,
        back_label=f"Back to {person.name}",
    )


@require_GET
@coordinator_required(hide=True)
def recognition_letter(request: HttpRequest, person_id: int) -> HttpResponse:
    """A letter of involvement (PDF) for the person's CV or a job application. Audited: it names
    them and what they did."""
    person = directory.get_person_for_coordinator(person_id)
    letter = recognition_for(person)
    if not letter.sessions:
        messages.error(request, f"{person.name} has not come to a session yet, so there is nothing to put in a letter.")
        return redirect("directory:person", person.pk)
    audit.log(request.user, "person.recognition_letter", person, count=len(letter.sessions))
    return pdf_response(
        "records/recognition.pdf.html",
        {"letter": letter},
        filename=f"letter-of-involvement-{person.name}",
        request=request,
    )


class MergeForm(forms.Form):
    other = forms.EmailField(
        label="Email address of the other record",
        max_length=254,
        error_messages={
            "required": "Enter the email address of the other record",
            "invalid": "Enter an email address, like name@example.org",
        },
    )
    keep = forms.ChoiceField(
        label="Which record do you want to keep?",
        widget=forms.RadioSelect,
        choices=[("this", "This one"), ("other", "The other one")],
        error_messages={"required": "Choose the record to keep", "invalid_choice": "Choose the record to keep"},
        help_text="The kept record's email address and name stay; everything else joins it.",
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.other_person: Person | None = None

    def clean_other(self) -> str:
        email = self.cleaned_data["other"].strip().lower()
        if email == self.person.email:
            raise ValidationError("Enter the address of a different record: this is the record you are on")
        found = directory.directory_people().filter(email=email).first()
        if found is None:
            raise ValidationError("There is no one with that email address in People")
        self.other_person = found
        return email


@require_http_methods(["GET", "POST"])
@coordinator_required(hide=True)
def person_merge_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """Step one (GET): find the other record and choose the one to keep; step two shows what will
    move (the mergers run and are rolled back) and asks to confirm (POST)."""
    person = directory.get_person_for_coordinator(person_id)
    data = request.POST if request.method == "POST" else (request.GET if "other" in request.GET else None)
    form = MergeForm(data, person=person)
    if data is None:
        return render(request, "people/coordinator/merge.html", {"person": person, "form": form})
    if not form.is_valid() or form.other_person is None:
        return render(request, "people/coordinator/merge.html", {"person": person, "form": form}, status=400)
    other = form.other_person
    keep, drop = (person, other) if form.cleaned_data["keep"] == "this" else (other, person)
    if request.method == "POST":
        try:
            person_merge(keep=keep, drop=drop, actor=request.user)
        except MergeError as error:
            messages.error(request, str(error))
            return redirect("directory:person", person.pk)
        messages.success(request, f"The records are merged: everything is now with {keep.name} ({keep.email}).")
        return redirect("directory:person", keep.pk)
    try:
        preview = preview_merge(keep_id=keep.pk, drop_id=drop.pk)
    except MergeError as error:
        form.add_error(None, str(error))
        return render(request, "people/coordinator/merge.html", {"person": person, "form": form}, status=400)
    lines = [line for part in preview.values() for line in part]
    context = {"person": person, "form": form, "keep": keep, "drop": drop, "lines": lines}
    return render(request, "people/coordinator/merge_confirm.html", context)
