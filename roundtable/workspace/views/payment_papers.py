"""The letter for a benefits adviser or work coach, downloaded by a coordinator from the person's
page (the person downloads the same letter from their Payments page). Audited: it says what they
were paid."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from roundtable.accounts.permissions import coordinator_required
from roundtable.core import audit
from roundtable.core.pdf import pdf_response
from roundtable.payments.statements import benefit_letter_for
from roundtable.workspace import directory


@require_GET
@coordinator_required(hide=True)
def benefit_letter(request: HttpRequest, person_id: int) -> HttpResponse:
    person = directory.get_person_for_coordinator(person_id)
    letter = benefit_letter_for(person)
    audit.log(request.user, "payment_letter.downloaded", person, count=len(letter.sessions))
    return pdf_response(
        "payments/benefit_letter.pdf.html",
        {"letter": letter},
        filename=f"letter-for-benefits-adviser-{person.name}",
        request=request,
    )
