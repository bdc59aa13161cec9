"""A contributor claims expenses from their private link; the team sees the claim and its receipt."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from roundtable.accounts.testing import make_coordinator
from roundtable.bookings.models import Booking, ManageLink
from roundtable.bookings.services import booking_mark_attendance
from roundtable.bookings.testing import signup
from roundtable.cocreation.testing import make_session
from roundtable.core.forgetting import forget_everywhere
from roundtable.core.merging import merge_everywhere
from roundtable.core.models import AuditEntry
from roundtable.core.personaldata import export_everywhere
from roundtable.involvement.models import PersonLink
from roundtable.payments.models import Payment, Rate, TravelRequest
from roundtable.payments.testing import make_offer, make_rate
from roundtable.records.tests.factories import image_bytes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
    return image_bytes(exif=exif)


@pytest.fixture
def claimant():
    coordinator = make_coordinator()
    session = make_session(title="Planning the garden")
    make_offer(session, actor=coordinator)
    booking = signup(session, name="Priya Shah", email="priya@example.org").booking
    token = PersonLink.mint(person=booking.person)
    return {"booking": booking, "token": token, "coordinator": coordinator, "session": session}


def _claim_url(c, booking=None):
    return reverse("involvement:expense_claim", args=[c["token"], (booking or c["booking"]).pk])


def _files():
    return (
        sorted(
            name
            for folder in default_storage.listdir("receipts")[0]
            for name in default_storage.listdir(f"receipts/{folder}")[1]
        )
        if default_storage.exists("receipts")
        else []
    )


def test_a_bus_fare_with_a_photo_of_the_receipt_is_claimed_and_the_photo_loses_its_exif(client, claimant):
    page = client.get(_claim_url(claimant))
    assert page.status_code == 200 and "Claim an expense" in page.content.decode()
    receipt = SimpleUploadedFile("IMG_0042.jpg", _photo_with_gps(), content_type="image/jpeg")
    response = client.post(
        _claim_url(claimant),
        {"expense_kind": "travel", "amount": "4.50", "description": "Bus there and back", "receipt": receipt},
    )
    assert response.status_code == 302 and response["Location"].endswith("?saved=claim")
    claim = Payment.objects.get(kind="expense")
    assert (claim.amount_pence, claim.status, claim.description) == (450, "accepted", "Bus there and back")
    assert claim.receipt.startswith("receipts/") and "IMG_0042" not in claim.receipt
    with default_storage.open(claim.receipt, "rb") as stored:
        image = Image.open(stored)
        assert image.format == "JPEG" and not image.getexif()
    text = client.get(response["Location"]).content.decode()
    assert "Expense: travel" in text and "£4.50" in text and "Waiting for the session" in text
    own = client.get(reverse("involvement:expense_receipt", args=[claimant["token"], claim.pk]))
    assert own.status_code == 200 and own["Content-Type"] == "image/jpeg"
    booking_mark_attendance(booking_id=claimant["booking"].pk, attended=True, actor=claimant["coordinator"])
    assert "Due: we will pay it soon" in client.get(response["Location"]).content.decode()


def test_a_pdf_receipt_is_kept_as_a_pdf(client, claimant):
    receipt = SimpleUploadedFile("childminder.pdf", PDF, content_type="application/pdf")
    data = {"expense_kind": "childcare", "amount": "30", "description": "Childminder", "receipt": receipt}
    assert client.post(_claim_url(claimant), data).status_code == 302
    assert Payment.objects.get(kind="expense").receipt_type == "application/pdf"


def test_a_program_renamed_as_a_photo_is_refused_by_the_field_and_nothing_is_written(client, claimant):
    receipt = SimpleUploadedFile("receipt.jpg", b"MZ\x90\x00\x03" + b"\x00" * 500, content_type="image/jpeg")
    data = {"expense_kind": "travel", "amount": "4.50", "description": "Bus", "receipt": receipt}
    response = client.post(_claim_url(claimant), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="id_receipt-error"' in text and "The receipt must be a photo (JPG, PNG or WebP) or a PDF" in text
    assert 'href="#id_receipt"' in text
    assert not Payment.objects.filter(kind="expense").exists()
    assert _files() == []


def test_a_receipt_over_the_size_limit_is_refused_by_the_field(client, claimant, settings):
    settings.RECEIPT_MAX_UPLOAD_MB = 1
    receipt = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf")
    data = {"expense_kind": "accommodation", "amount": "80", "description": "Hotel", "receipt": receipt}
    response = client.post(_claim_url(claimant), data)
    assert response.status_code == 400
    assert "The receipt must be smaller than 1 MB" in response.content.decode()
    assert not Payment.objects.filter(kind="expense").exists() and _files() == []


def test_an_amount_needs_a_receipt_but_miles_do_not(client, claimant):
    response = client.post(_claim_url(claimant), {"expense_kind": "carer", "amount": "40", "description": "Carer"})
    assert response.status_code == 400
    assert "Add a photo or PDF of the receipt" in response.content.decode()
    make_rate(name="Mileage", unit=Rate.Unit.MILE, amount_pence=45)
    data = {"expense_kind": "travel", "miles": "12.5", "description": "Drove from Leeds"}
    assert client.post(_claim_url(claimant), data).status_code == 302
    claim = Payment.objects.get(kind="expense")
    assert (claim.amount_pence, claim.miles, claim.receipt) == (563, Decimal("12.50"), "")  # 12.5 × 45p, half up


def test_miles_with_no_mileage_rate_are_refused_by_the_field(client, claimant):
    data = {"expense_kind": "travel", "miles": "10", "description": "Drove"}
    response = client.post(_claim_url(claimant), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="id_miles-error"' in text and "We cannot pay mileage for this session" in text
    assert not Payment.objects.filter(kind="expense").exists()


def test_miles_are_only_for_travel(client, claimant):
    make_rate(name="Mileage", unit=Rate.Unit.MILE, amount_pence=45)
    response = client.post(_claim_url(claimant), {"expense_kind": "childcare", "miles": "3", "description": "x"})
    assert response.status_code == 400 and "Miles are only for travel by car" in response.content.decode()


def test_someone_elses_booking_claim_and_receipt_are_not_found(client, claimant):
    other = signup(claimant["session"], name="Ola", email="ola@example.org").booking
    receipt = SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf")
    data = {"expense_kind": "travel", "amount": "2", "description": "Bus", "receipt": receipt}
    assert client.post(_claim_url(claimant, other), data).status_code == 404
    assert not Payment.objects.filter(kind="expense").exists()
    other_token = PersonLink.mint(person=other.person)
    receipt = SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf")
    data["receipt"] = receipt
    client.post(reverse("involvement:expense_claim", args=[other_token, other.pk]), data)
    theirs = Payment.objects.get(kind="expense", person=other.person)
    assert client.get(reverse("involvement:expense_receipt", args=[claimant["token"], theirs.pk])).status_code == 404
    assert client.post(reverse("involvement:expense_withdraw", args=[claimant["token"], theirs.pk])).status_code == 404
    assert Payment.objects.filter(pk=theirs.pk).exists()


def test_a_claim_can_be_withdrawn_until_it_is_approved_and_its_receipt_goes_with_it(
    client, claimant, django_capture_on_commit_callbacks
):
    receipt = SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf")
    client.post(
        _claim_url(claimant), {"expense_kind": "travel", "amount": "2", "description": "Bus", "receipt": receipt}
    )
    claim = Payment.objects.get(kind="expense")
    url = reverse("involvement:expense_withdraw", args=[claimant["token"], claim.pk])
    Payment.objects.filter(pk=claim.pk).update(status=Payment.Status.APPROVED)
    assert client.post(url).status_code == 302
    assert Payment.objects.filter(pk=claim.pk).exists()
    Payment.objects.filter(pk=claim.pk).update(status=Payment.Status.DUE)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url)["Location"].endswith("?saved=withdrawn")
    assert not Payment.objects.filter(pk=claim.pk).exists()
    assert not default_storage.exists(claim.receipt)


def test_the_team_sees_the_claim_and_every_look_at_the_receipt_is_audited(client, claimant):
    receipt = SimpleUploadedFile("r.jpg", image_bytes(), content_type="image/jpeg")
    data = {"expense_kind": "support_worker", "amount": "60", "description": "Support worker, 3 hours"}
    client.post(_claim_url(claimant), {**data, "receipt": receipt})
    claim = Payment.objects.get(kind="expense")
    client.force_login(claimant["coordinator"])
    page = client.get(reverse("payments:detail", args=[claim.pk])).content.decode()
    assert "Expense: support worker" in page and "Support worker, 3 hours" in page
    assert reverse("payments:receipt", args=[claim.pk]) in page
    response = client.get(reverse("payments:receipt", args=[claim.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert AuditEntry.objects.filter(verb="payment.receipt_viewed").count() == 1
    fee = Payment.objects.get(kind="fee")
    assert client.get(reverse("payments:receipt", args=[fee.pk])).status_code == 404


def test_please_book_my_travel_is_shown_to_the_team_and_can_be_withdrawn(client, claimant):
    url = reverse("involvement:travel_request", args=[claimant["token"], claimant["booking"].pk])
    prefix = f"t{claimant['booking'].pk}"
    too_long = client.post(url, {"action": "request", f"{prefix}-details": "x" * 501})
    assert too_long.status_code == 400 and "Say it in 500 characters or fewer" in too_long.content.decode()
    assert not TravelRequest.objects.exists()
    assert client.post(url, {"action": "request", f"{prefix}-details": "From Hull, by train"}).status_code == 302
    assert (
        "You asked us to book your travel"
        in client.get(reverse("involvement:payments", args=[claimant["token"]])).content.decode()
    )
    client.force_login(claimant["coordinator"])
    team = client.get(reverse("payments:session", args=[claimant["session"].pk])).content.decode()
    assert "Priya Shah: From Hull, by train" in team
    client.logout()
    assert client.post(url, {"action": "withdraw"}).status_code == 302
    assert not TravelRequest.objects.exists()


def test_the_bookings_own_page_shows_the_offer_and_leads_to_the_payments_page(client, claimant):
    manage = ManageLink.mint(booking=claimant["booking"])
    text = client.get(reverse("bookings:manage", args=[manage])).content.decode()
    assert "We pay £82.50 for this session and repay travel and care costs." in text
    assert "You have not chosen yet" in text and "Waiting for your choice" in text
    response = client.post(reverse("involvement:booking_payments", args=[manage]), {"next": "claim"})
    assert response.status_code == 302 and "/claim/" in response["Location"]
    assert client.get(response["Location"]).status_code == 200
    response = client.post(reverse("involvement:booking_payments", args=[manage]), {"next": "choose"})
    assert "Planning the garden" in client.get(response["Location"]).content.decode()


def test_a_bookings_page_without_an_offer_says_nothing_about_payment(client):
    booking = signup(make_session()).booking
    text = client.get(reverse("bookings:manage", args=[ManageLink.mint(booking=booking)])).content.decode()
    assert "Payment for your time" not in text


@pytest.mark.parametrize("sessions", [2, 20])
def test_the_payments_page_only_reads_and_costs_the_same_with_2_or_20_payments(
    client, django_assert_num_queries, sessions
):
    coordinator = make_coordinator()
    person_email = "many@example.org"
    for _ in range(sessions):
        session = make_session()
        make_offer(session, actor=coordinator)
        signup(session, name="Many", email=person_email)
    booking = Booking.objects.filter(person__email=person_email).first()
    token = PersonLink.mint(person=booking.person)
    url = reverse("involvement:payments", args=[token])
    client.get(url)  # the link's last use is written at most once an hour
    # The link (1), the bookings with their sessions (1), the payments (1), travel requests (1).
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.content.decode().count("Waiting for your choice") == sessions
    assert Payment.objects.count() == sessions


def test_forgetting_deletes_receipts_and_the_data_download_lists_claims(
    client, claimant, django_capture_on_commit_callbacks
):
    receipt = SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf")
    client.post(
        _claim_url(claimant), {"expense_kind": "travel", "amount": "2", "description": "Bus", "receipt": receipt}
    )
    person = claimant["booking"].person
    claim = Payment.objects.get(kind="expense")
    data = export_everywhere(person_id=person.pk, email=person.email, name=person.name)
    assert any(
        row["expense_kind"] == "travel" and row["description"] == "Bus"
        for row in data["payments"]["payments_and_expenses"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        forget_everywhere(person_id=person.pk, email=person.email, name=person.name, actor=claimant["coordinator"])
    claim.refresh_from_db()
    assert (claim.receipt, claim.description) == ("", "")
    assert _files() == []


def test_merging_moves_claims_and_travel_requests(client, claimant):
    receipt = SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf")
    client.post(
        _claim_url(claimant), {"expense_kind": "travel", "amount": "2", "description": "Bus", "receipt": receipt}
    )
    client.post(
        reverse("involvement:travel_request", args=[claimant["token"], claimant["booking"].pk]), {"action": "request"}
    )
    keep = signup(make_session(), name="Priya Shah", email="priya.home@example.org").booking.person
    drop = claimant["booking"].person
    merge_everywhere(keep_id=keep.pk, drop_id=drop.pk)
    assert Payment.objects.get(kind="expense").person_id == keep.pk
    assert TravelRequest.objects.get().person_id == keep.pk


def test_reading_the_payments_page_writes_nothing(client, claimant):
    Payment.objects.all().delete()  # as if the fee had never been made at sign-up
    client.get(reverse("involvement:payments", args=[claimant["token"]]))
    assert not Payment.objects.exists()


def test_a_photo_cut_off_halfway_is_refused_when_it_is_decoded_and_nothing_is_written(client, claimant):
    whole = image_bytes(size=(800, 600))
    receipt = SimpleUploadedFile("receipt.jpg", whole[: len(whole) // 2], content_type="image/jpeg")
    data = {"expense_kind": "subsistence", "amount": "6.20", "description": "Lunch", "receipt": receipt}
    response = client.post(_claim_url(claimant), data)
    assert response.status_code == 400
    assert 'id="id_receipt-error"' in response.content.decode()
    assert not Payment.objects.filter(kind="expense").exists() and _files() == []


def test_travel_is_not_booked_for_a_session_that_has_started_or_a_place_given_up(client, claimant):
    from roundtable.bookings.services import booking_cancel

    past = make_session(title="Last month", days_ahead=-30)
    booking = Booking.objects.create(session=past, person=claimant["booking"].person, status="attended")
    url = reverse("involvement:travel_request", args=[claimant["token"], booking.pk])
    page = client.get(reverse("involvement:payments", args=[claimant["token"]])).content.decode()
    assert url not in page  # no "book my travel" for a session that has happened
    response = client.post(url, {"action": "request"})
    assert response.status_code == 400 and "This session has started" in response.content.decode()
    mine = reverse("involvement:travel_request", args=[claimant["token"], claimant["booking"].pk])
    assert client.post(mine, {"action": "request"}).status_code == 302
    booking_cancel(booking_id=claimant["booking"].pk)
    assert client.get(reverse("involvement:payments", args=[claimant["token"]])).status_code == 200
    client.force_login(claimant["coordinator"])
    team = client.get(reverse("payments:session", args=[claimant["session"].pk])).content.decode()
    assert "Nobody has asked us to book their travel." in team
