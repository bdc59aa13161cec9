"""Who can open what: every URL pattern × every kind of visitor × GET and POST (issue 15, "keep the probe").

The patterns are enumerated from the resolver, so a new page is covered without anyone
remembering; `test_every_url_pattern_has_an_expected_answer` fails until the new page's URL name
has an entry in ACCESS. The answers are written down per kind of page:

- public: anyone reads it (GET 200); a POST may be refused or rejected (4xx), never a 5xx.
- team: coordinators; facilitators only for sessions they are assigned to. Anonymous visitors
  are sent to sign in (or get 404 where the URL names an object), the others get 403 or 404.
- coordinator: coordinators only.
- private-link: whoever holds the link (a participant's token, a signed reference); a forged
  link opens nothing.
- api-public / api-coordinator: the JSON API; coordinator operations need a coordinator's bearer
  token, and a signed-in browser session is not one.
- The Django admin (namespace `admin`) is one rule for all its pages: staff only.

POSTs are sent by a test client that skips CSRF checks, the strongest attacker there is. Each
request runs in a savepoint that is rolled back, so a coordinator's POST to a delete page leaves
the world as it was for the next request. The whole world is built once, in one test.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from roundtable.accounts.models import ApiToken
from roundtable.accounts.testing import make_coordinator, make_facilitator
from roundtable.blog.tests.factories import add_image as add_blog_image
from roundtable.blog.tests.factories import make_post, make_reply
from roundtable.board import services as board_services
from roundtable.board.testing import join as join_board
from roundtable.board.testing import make_board
from roundtable.bookings.models import AccessNeeds, Booking, ManageLink
from roundtable.bookings.services import AccessNeedsAnswer
from roundtable.bookings.testing import signup
from roundtable.bookings.views import CANCELLED_SALT, SIGNED_UP_CACHE_PREFIX
from roundtable.cocreation.models import Session
from roundtable.cocreation.testing import add_agenda, make_programme, make_session, make_venue
from roundtable.core.models import OutboundEmail
from roundtable.core.privatelinks import hash_token
from roundtable.evaluation.models import (
    Aim,
    Evidence,
    FeedbackLink,
    FeedbackRequest,
    FeedbackResponse,
    Gripp2Report,
    Indicator,
    IndicatorValue,
    SelfAssessment,
    SignificantChangeStory,
)
from roundtable.involvement.models import DataRequest, PersonLink
from roundtable.newsletter.models import ConfirmationLink, Delivery, Issue, Subscriber
from roundtable.payments.models import Payment
from roundtable.payments.testing import make_offer
from roundtable.people.models import PersonNote
from roundtable.people.updates import stop_updates_url
from roundtable.records.tests.factories import add_action, add_decision, add_image, add_text, attend
from roundtable.records.tests.factories import upload as record_upload

pytestmark = pytest.mark.django_db

# What people wrote about their access needs: special category data that no page may show to
# anyone but the team members allowed to read it.
HEALTH_TEXT = "Needs a hoist and a carer alongside (health detail 7731)"
HEALTH_TEXT_UNASSIGNED = "Uses a wheelchair and tires quickly (health detail 8842)"

ROLES = ("anonymous", "facilitator_assigned", "facilitator_unassigned", "coordinator")
API_ROLES = ROLES + ("coordinator_token", "forged_token")
METHODS = ("GET", "POST")

# --- The expected answers ------------------------------------------------------------------------

PUBLIC = "public"
TEAM = "team"
COORDINATOR = "coordinator"
PRIVATE_LINK = "private-link"
API_PUBLIC = "api-public"
API_COORDINATOR = "api-coordinator"

# Each URL name: (kind, what an allowed visitor's GET answers where it is not 200). The keys of
# that second part are tried in this order: "role@variant", role, variant, "*"; a variant is the
# session the URL names (upcoming, past, draft_unassigned, past_unassigned) or, for private links,
# "valid"/"forged".
ONLY_POST = {"*": 405}  # actions: a GET is refused by every visitor alike
NO_DRAFT = {"draft_unassigned": 404}  # public session pages: a draft does not exist for the public
SIGNED_IN_GO_HOME = {role: 302 for role in ("facilitator_assigned", "facilitator_unassigned", "coordinator")}
# The world's board belongs to the past session: on any other session's address it does not exist.
OTHER_SESSION = {"upcoming": 404, "draft_unassigned": 404, "past_unassigned": 404}
BEFORE_THE_SESSION = {"past": 404, "draft_unassigned": 404, "past_unassigned": 404}  # the story so far

ACCESS: dict[str, tuple[str, dict[str, int]]] = {
    # Sessions, sign-up and the private pages of a booking
    "cocreation:session_list": (PUBLIC, {}),
    "cocreation:past_sessions": (PUBLIC, {}),
    "cocreation:session_calendar": (PUBLIC, NO_DRAFT),
    "bookings:session_detail": (PUBLIC, NO_DRAFT),
    "bookings:signup": (PUBLIC, NO_DRAFT),
    "bookings:send_link": (PUBLIC, NO_DRAFT),
    "bookings:link_sent": (PUBLIC, NO_DRAFT),
    "bookings:signed_up": (PRIVATE_LINK, {"forged": 404}),
    "bookings:cancelled": (PRIVATE_LINK, {"forged": 404}),
    "bookings:manage": (PRIVATE_LINK, {"forged": 404}),
    "bookings:cancel": (PRIVATE_LINK, {"forged": 404}),
    "bookings:manage_dietary": (PRIVATE_LINK, {"*": 405, "forged": 404}),  # the form posts; the link is checked first
    # A person's own involvement pages (issue 13)
    "involvement:get_link": (PUBLIC, {}),
    "involvement:link_sent": (PUBLIC, {}),
    "involvement:forgotten": (PUBLIC, {}),
    "involvement:home": (PRIVATE_LINK, {"forged": 404}),
    "involvement:manage_booking": (PRIVATE_LINK, {"*": 405, "forged": 404}),
    "involvement:details": (PRIVATE_LINK, {"forged": 404}),
    "involvement:consents": (PRIVATE_LINK, {"forged": 404}),
    "involvement:withdraw": (PRIVATE_LINK, {"*": 405, "forged": 404}),
    "involvement:forget_me": (PRIVATE_LINK, {"forged": 404}),
    # The world's person has not come to a session yet: no letter, back to their page.
    "involvement:letter": (PRIVATE_LINK, {"valid": 302, "forged": 404}),
    "involvement:correction": (PRIVATE_LINK, {"forged": 404}),
    # The world's request is the team's erasure request, not a correction the person sent.
    "involvement:correction_sent": (PRIVATE_LINK, {"*": 404}),
    "involvement:download": (PRIVATE_LINK, {"forged": 404}),
    "involvement:download_readable": (PRIVATE_LINK, {"forged": 404}),
    "involvement:download_readable_file": (PRIVATE_LINK, {"*": 404}),  # nothing has been prepared
    # The team's side: requests about people's data
    "involvement:request_list": (COORDINATOR, {}),
    "involvement:request_add": (COORDINATOR, {}),
    "involvement:request_detail": (COORDINATOR, {}),
    "involvement:request_done": (COORDINATOR, ONLY_POST),
    "involvement:request_send_data": (COORDINATOR, ONLY_POST),
    "involvement:request_download": (COORDINATOR, {}),
    "involvement:request_readable": (COORDINATOR, ONLY_POST),
    "involvement:request_readable_file": (COORDINATOR, {"*": 404}),  # nothing has been prepared
    "involvement:request_forget": (COORDINATOR, {}),
    "involvement:payments": (PRIVATE_LINK, {"forged": 404}),
    "involvement:payment_choice": (PRIVATE_LINK, {"*": 405, "forged": 404}),
    "involvement:expense_claim": (PRIVATE_LINK, {"forged": 404}),
    "involvement:travel_request": (PRIVATE_LINK, {"*": 405, "forged": 404}),
    # The world's payment is someone else's fee: nothing to withdraw, and no receipt for anyone.
    "involvement:expense_withdraw": (PRIVATE_LINK, {"*": 405, "forged": 404}),
    "involvement:expense_receipt": (PRIVATE_LINK, {"*": 404}),
    "involvement:booking_payments": (PRIVATE_LINK, {"*": 405, "forged": 404}),
    "involvement:payment_profile": (PRIVATE_LINK, {"forged": 404}),
    # The world's payment belongs to someone other than the link's holder: not found, even with a
    # valid link (the page's own answers are in involvement/tests/test_benefit_safe.py).
    "involvement:benefit_check": (PRIVATE_LINK, {"valid": 404, "forged": 404}),
    "involvement:benefit_letter": (PRIVATE_LINK, {"forged": 404}),
    "involvement:payment_statement": (PRIVATE_LINK, {"forged": 404}),
    # What happened: public records, stories and files
    "records:programme": (PUBLIC, {}),
    "records:you_said_we_did": (PUBLIC, {}),
    "records:feed_rss": (PUBLIC, {}),
    "records:feed_atom": (PUBLIC, {}),
    "records:session_record": (PUBLIC, {"upcoming": 404, "draft_unassigned": 404}),  # no record yet
    "records:output_detail": (PUBLIC, {"upcoming": 404, "draft_unassigned": 404, "past_unassigned": 404}),
    "records:story": (PUBLIC, BEFORE_THE_SESSION),
    "records:story_present": (PUBLIC, BEFORE_THE_SESSION),
    "records:story_handout": (PUBLIC, BEFORE_THE_SESSION),
    "records:output_file": (PUBLIC, {}),
    # The team's records pages
    "records:index": (COORDINATOR, {}),
    "records:actions": (COORDINATOR, {}),
    "records:record": (COORDINATOR, {}),
    "records:output_add": (COORDINATOR, {}),
    "records:decision_add": (COORDINATOR, {}),
    "records:send_update": (COORDINATOR, ONLY_POST),
    "records:story_choose": (COORDINATOR, {}),
    "records:output_edit": (COORDINATOR, {}),
    "records:output_delete": (COORDINATOR, {}),
    "records:decision_edit": (COORDINATOR, {}),
    "records:decision_delete": (COORDINATOR, {}),
    "records:action_add": (COORDINATOR, {}),
    "records:action_edit": (COORDINATOR, {}),
    # The workspace: sessions, bookings, programmes, venues
    "coordinator:home": (TEAM, {}),
    "coordinator:session_create": (COORDINATOR, {}),
    "coordinator:session_detail": (COORDINATOR, {}),
    "coordinator:session_edit": (COORDINATOR, {}),
    "coordinator:session_publish": (COORDINATOR, ONLY_POST),
    "coordinator:session_unpublish": (COORDINATOR, ONLY_POST),
    "coordinator:session_duplicate": (COORDINATOR, {}),
    "coordinator:session_cancel": (COORDINATOR, {"past": 302, "past_unassigned": 302}),  # too late to cancel
    "coordinator:session_message": (COORDINATOR, {}),
    "coordinator:session_bookings": (COORDINATOR, {}),
    "coordinator:booking_add": (COORDINATOR, {"past": 302, "past_unassigned": 302, "draft_unassigned": 302}),
    "coordinator:bookings_export": (COORDINATOR, {}),
    "coordinator:session_access_needs": (COORDINATOR, {}),
    "coordinator:booking_cancel": (COORDINATOR, {}),
    "coordinator:booking_move": (COORDINATOR, ONLY_POST),
    "coordinator:booking_promote": (COORDINATOR, ONLY_POST),
    "coordinator:booking_attendance": (COORDINATOR, ONLY_POST),
    "coordinator:programme_list": (COORDINATOR, {}),
    "coordinator:programme_create": (COORDINATOR, {}),
    "coordinator:programme_edit": (COORDINATOR, {}),
    "coordinator:venue_list": (COORDINATOR, {}),
    "coordinator:venue_create": (COORDINATOR, {}),
    "coordinator:venue_edit": (COORDINATOR, {}),
    # The day: what a session's facilitators need
    "day:access_briefing": (TEAM, {}),
    "day:access_summary": (TEAM, {}),
    "day:access_summary_pdf": (TEAM, {}),
    "day:arrangement_update": (COORDINATOR, ONLY_POST),  # arranging an interpreter is a coordinator's job
    "day:check_in": (TEAM, {}),
    "day:walk_in": (TEAM, ONLY_POST),
    "day:check_in_no_shows": (TEAM, ONLY_POST),
    "day:check_in_mark": (TEAM, ONLY_POST),
    "day:agenda": (TEAM, {}),
    "day:agenda_pdf": (TEAM, {}),
    "day:printables": (TEAM, {}),
    "day:badges_pdf": (TEAM, {}),
    "day:sign_in_sheet_pdf": (TEAM, {}),
    # Running a live board: the session's team; a board is found only through its own session
    "boards:session_boards": (TEAM, {}),
    "boards:control": (TEAM, OTHER_SESSION),
    "boards:stage": (TEAM, ONLY_POST),
    "boards:arrange": (TEAM, ONLY_POST),
    "boards:groups": (TEAM, ONLY_POST),
    "boards:hide": (TEAM, ONLY_POST),
    "boards:type_up": (TEAM, ONLY_POST),
    "boards:record": (TEAM, ONLY_POST),
    "team:audit_log": (COORDINATOR, {}),
    "team:outbox": (COORDINATOR, {}),
    "team:outbox_send_again": (COORDINATOR, ONLY_POST),
    # People, for coordinators (issue 13)
    "directory:people": (COORDINATOR, {}),
    "directory:person": (COORDINATOR, {}),
    "directory:recognition_letter": (COORDINATOR, {}),
    "directory:benefit_letter": (COORDINATOR, {}),
    "directory:merge": (COORDINATOR, {}),
    "directory:note_add": (COORDINATOR, ONLY_POST),
    "directory:note_delete": (COORDINATOR, {}),
    # Evaluation: feedback by private link, everything else for coordinators
    "evaluation:feedback_give": (PRIVATE_LINK, {"forged": 404}),
    "evaluation:feedback_thanks": (PUBLIC, {}),
    "evaluation:dashboard": (COORDINATOR, {}),
    "evaluation:funder_report": (COORDINATOR, {}),
    "evaluation:gripp2_list": (COORDINATOR, {}),
    "evaluation:gripp2_edit": (COORDINATOR, {}),
    "evaluation:gripp2_pdf": (COORDINATOR, {}),
    "evaluation:gripp2_markdown": (COORDINATOR, {}),
    "evaluation:gripp2_delete": (COORDINATOR, {}),
    "evaluation:assessment_list": (COORDINATOR, {}),
    "evaluation:assessment_create": (COORDINATOR, {}),
    "evaluation:assessment_detail": (COORDINATOR, {}),
    "evaluation:assessment_edit": (COORDINATOR, {}),
    "evaluation:assessment_delete": (COORDINATOR, {}),
    "evaluation:feedback_index": (COORDINATOR, {}),
    "evaluation:feedback_export": (COORDINATOR, {}),
    "evaluation:feedback_session": (COORDINATOR, {}),
    "evaluation:feedback_paper_add": (COORDINATOR, {}),
    "evaluation:feedback_preview": (COORDINATOR, {}),
    "evaluation:feedback_paper_delete": (COORDINATOR, {}),
    "evaluation:aim_list": (COORDINATOR, {}),
    "evaluation:aim_add": (COORDINATOR, {}),
    "evaluation:aim_detail": (COORDINATOR, {}),
    "evaluation:aim_edit": (COORDINATOR, {}),
    "evaluation:aim_delete": (COORDINATOR, {}),
    "evaluation:indicator_add": (COORDINATOR, {}),
    "evaluation:indicators_csv": (COORDINATOR, {}),
    "evaluation:indicator_detail": (COORDINATOR, {}),
    "evaluation:indicator_edit": (COORDINATOR, {}),
    "evaluation:indicator_delete": (COORDINATOR, {}),
    "evaluation:value_add": (COORDINATOR, {}),
    "evaluation:value_delete": (COORDINATOR, {}),
    "evaluation:evidence_list": (COORDINATOR, {}),
    "evaluation:evidence_add": (COORDINATOR, {}),
    "evaluation:evidence_edit": (COORDINATOR, {}),
    "evaluation:evidence_delete": (COORDINATOR, {}),
    "evaluation:evidence_document": (COORDINATOR, {"*": 404}),  # the world's evidence is a story, not a document
    "evaluation:story_list": (COORDINATOR, {}),
    "evaluation:story_add": (COORDINATOR, {}),
    "evaluation:story_edit": (COORDINATOR, {}),
    "evaluation:story_delete": (COORDINATOR, {}),
    # The blog
    "blog:list": (PUBLIC, {}),
    "blog:post": (PUBLIC, {}),
    "blog:tag": (PUBLIC, {}),
    "blog:archive": (PUBLIC, {}),
    "blog:month": (PUBLIC, {}),
    "blog:month_digest_pdf": (PUBLIC, {"*": 202}),  # being made: "come back in a moment"
    "blog:month_digest_print": (PUBLIC, {}),
    "blog:digest_choose": (PUBLIC, {}),
    "blog:chosen_digest_pdf": (PUBLIC, {"*": 400}),  # no posts chosen: says what to choose
    "blog:chosen_digest_print": (PUBLIC, {"*": 400}),
    "blog:latest_digest_pdf": (PUBLIC, {"*": 202}),  # being prepared: the page says so and refreshes
    "blog:latest_digest_print": (PUBLIC, {}),
    "blog:image": (PUBLIC, {}),
    "blog:feed_rss": (PUBLIC, {}),
    "blog:feed_atom": (PUBLIC, {}),
    "blog:manage_list": (COORDINATOR, {}),
    "blog:manage_create": (COORDINATOR, {}),
    "blog:manage_edit": (COORDINATOR, {}),
    "blog:manage_preview": (COORDINATOR, {}),
    "blog:manage_image_add": (COORDINATOR, {}),
    "blog:manage_image_delete": (COORDINATOR, ONLY_POST),
    "blog:moderation": (COORDINATOR, {}),
    "blog:comment_moderate": (COORDINATOR, ONLY_POST),
    "blog:comment_delete": (COORDINATOR, {}),
    # The newsletter
    "newsletter:signup": (PUBLIC, {}),
    "newsletter:check_email": (PUBLIC, {}),
    "newsletter:confirm": (PRIVATE_LINK, {"forged": 404}),
    "newsletter:unsubscribe": (PRIVATE_LINK, {"forged": 404}),
    "newsletter:archive": (PUBLIC, {}),
    "newsletter:archive_issue": (PUBLIC, {}),
    "newsletter:issues": (COORDINATOR, {}),
    "newsletter:subscribers": (COORDINATOR, {}),
    "newsletter:subscriber_export": (COORDINATOR, {}),
    "newsletter:issue_new": (COORDINATOR, {}),
    "newsletter:issue_detail": (COORDINATOR, {}),
    "newsletter:issue_edit": (COORDINATOR, {}),
    "newsletter:issue_preview": (COORDINATOR, {}),
    "newsletter:issue_send_test": (COORDINATOR, ONLY_POST),
    "newsletter:issue_send": (COORDINATOR, {}),
    "people:stop_updates": (PRIVATE_LINK, {"forged": 404}),
    # Signing in: public pages; a signed-in member of the team is sent on from the sign-in page
    "accounts:login": (PUBLIC, SIGNED_IN_GO_HOME),
    "accounts:logout": (PUBLIC, ONLY_POST),
    "accounts:password_reset": (PUBLIC, {}),
    "accounts:password_reset_done": (PUBLIC, {}),
    # Django's own reset view answers a forged link with a 200 page saying the link does not work.
    "accounts:password_reset_confirm": (PRIVATE_LINK, {"forged": 200}),
    "accounts:password_reset_complete": (PUBLIC, {}),
    # Two-factor sign-in: the code step follows the password (without one, back to sign in); the
    # setup pages are each team member's own (with it off, "turn off" goes back to the status page)
    "accounts:two_factor_verify": (PUBLIC, {"*": 302}),
    "accounts:two_factor": (TEAM, {}),
    "accounts:two_factor_setup": (TEAM, {}),
    "accounts:two_factor_saved": (TEAM, ONLY_POST),
    "accounts:two_factor_off": (TEAM, {"*": 302}),
    "accounts:two_factor_new_codes": (TEAM, {"*": 302}),
    # The live board's pages: anyone joins by code and watches; a participant's cookie adds and votes
    "board:find": (PUBLIC, {}),
    "board:board": (PUBLIC, {}),
    "board:join": (PUBLIC, ONLY_POST),
    "board:add_idea": (PUBLIC, ONLY_POST),
    "board:dot": (PUBLIC, ONLY_POST),
    "board:projector": (PUBLIC, {}),
    "board:idea_photo": (PUBLIC, {}),
    # Paying people for their time (issue 12): coordinators only
    "payments:list": (COORDINATOR, {}),
    "payments:export": (COORDINATOR, {}),
    "payments:budget": (COORDINATOR, {}),
    "payments:detail": (COORDINATOR, {}),
    "payments:receipt": (COORDINATOR, {"*": 404}),  # the world's payment is a fee, with no receipt
    "payments:rates": (COORDINATOR, {}),
    "payments:session": (COORDINATOR, {}),
    # The API: see API_ANSWERS for what each operation answers to whom
    "api:api-root": (API_PUBLIC, {}),
    "api:openapi-json": (API_PUBLIC, {}),
    "api:list_sessions": (API_PUBLIC, {}),
    "api:get_session": (API_PUBLIC, {}),
    "api:sign_up": (API_PUBLIC, {}),
    "api:session_record": (API_PUBLIC, {}),
    "api:list_actions": (API_PUBLIC, {}),
    "api:create_session": (API_COORDINATOR, {}),
    "api:list_bookings": (API_COORDINATOR, {}),
    "api:cancel_booking": (API_COORDINATOR, {}),
    # The live board: anyone watches and joins; a participant key adds and votes; a token runs it
    "api:get_board": (API_PUBLIC, {}),
    "api:join_board": (API_PUBLIC, {}),
    "api:add_idea": (API_PUBLIC, {}),
    "api:vote": (API_PUBLIC, {}),
    "api:create_board": (API_COORDINATOR, {}),
    "api:set_stage": (API_COORDINATOR, {}),
    "api:record_decision": (API_COORDINATOR, {}),
    # Payments for people's time (issue 12)
    "api:list_payments": (API_COORDINATOR, {}),
    "api:approve_payment": (API_COORDINATOR, {}),
    "api:mark_paid": (API_COORDINATOR, {}),
    "api:reject_payment": (API_COORDINATOR, {}),
}

# The API, operation by operation: (method, {role or "role@variant" or variant or "*": status}).
# A coordinator's signed-in browser session is not a token: the coordinator operations answer it 401.
BAD_BODY = {400, 422}  # the matrix posts an empty form, which no operation takes
NO_TOKEN = {"*": 401, "coordinator_token": 0}  # 0: one of BAD_BODY
API_ANSWERS: dict[str, tuple[str, dict[str, int]]] = {
    "api:api-root": ("GET", {"*": 404}),
    "api:openapi-json": ("GET", {"*": 200}),
    "api:list_sessions": ("GET", {"*": 200}),
    "api:create_session": ("POST", NO_TOKEN),
    "api:get_session": ("GET", {"*": 200, "draft_unassigned": 404}),
    "api:sign_up": ("POST", {"*": 0}),
    "api:list_bookings": ("GET", {"*": 401, "coordinator_token": 200}),
    "api:cancel_booking": ("POST", NO_TOKEN),
    # A record is public once the session has one; a coordinator's token sees any; a forged token is refused.
    "api:session_record": (
        "GET",
        {"*": 200, "upcoming": 404, "draft_unassigned": 404, "coordinator_token": 200, "forged_token": 401},
    ),
    "api:list_actions": ("GET", {"*": 200, "forged_token": 401}),
    "api:get_board": ("GET", {"*": 200}),
    "api:join_board": ("POST", {"*": 0}),
    # Only a participant key of this board adds or votes: a coordinator's token is not one.
    "api:add_idea": ("POST", {"*": 401}),
    "api:vote": ("POST", {"*": 401}),
    "api:create_board": ("POST", NO_TOKEN),
    "api:set_stage": ("POST", NO_TOKEN),
    "api:record_decision": ("POST", NO_TOKEN),
    "api:list_payments": ("GET", {"*": 401, "coordinator_token": 200}),
    # The world's payment is only offered: approving it is a move its state does not allow.
    "api:approve_payment": ("POST", {"*": 401, "coordinator_token": 409}),
    "api:mark_paid": ("POST", NO_TOKEN),
    "api:reject_payment": ("POST", NO_TOKEN),
}

# Where the site does not yet answer as the table says: each waits for another branch of issue 15.
# (URL name, variant, role, method) -> why. The test fails once one of these answers as the table
# says, so the list is emptied as the fixes arrive.
_NOBODY_ASSIGNED = (
    "issue 15 item 13: a facilitator can open the day pages of draft and past sessions with nobody "
    "assigned (Session.objects.visible_to, bad-input branch)"
)
_DAY_PAGES = (
    "day:access_briefing",
    "day:access_summary",
    "day:access_summary_pdf",
    "day:check_in",
    "day:agenda",
    "day:agenda_pdf",
    "day:printables",
    "day:badges_pdf",
    "day:sign_in_sheet_pdf",
)
_DAY_ACTIONS = ("day:walk_in", "day:check_in_no_shows")
# Cases that answered wrongly until a fix landed, each with the reason; empty now that issue 15 is in.
KNOWN_BROKEN_UNTIL_MERGED: dict[tuple[str, str, str, str], str] = {}


# --- The world -----------------------------------------------------------------------------------


@dataclass
class World:
    users: dict
    tokens: dict  # role -> raw bearer token
    sessions: dict  # variant -> Session
    params: dict  # URL name or "*" -> {kwarg: value}
    private_links: dict  # URL name -> {"valid": kwargs, "forged": kwargs}


def build_world() -> World:
    coordinator = make_coordinator(email="matrix-coordinator@example.org")
    assigned = make_facilitator(email="assigned@example.org", name="Ash Assigned")
    unassigned = make_facilitator(email="unassigned@example.org", name="Uma Unassigned")
    _, token = ApiToken.issue(coordinator)

    programme = make_programme()
    venue = make_venue()
    needs = AccessNeedsAnswer(needs=["bsl", "step_free"], details=HEALTH_TEXT, consent=True)

    upcoming = make_session(programme=programme, venue=venue, title="Upcoming, run by Ash", share_access_details=True)
    add_agenda(upcoming)
    upcoming.facilitators.add(assigned)
    booked = signup(upcoming, access_needs=needs).booking
    signup(upcoming)

    past = make_session(
        programme=programme, venue=venue, days_ahead=-10, title="Past, run by Ash", share_access_details=True
    )
    past.facilitators.add(assigned)
    attendee = attend(past, wants_updates=True)
    past_booking = Booking.objects.get(session=past, person=attendee)
    make_offer(past, actor=coordinator)
    payment = Payment.objects.get(booking=past_booking)
    image = add_image(past, coordinator)
    add_text(past, coordinator)
    decision = add_decision(past, coordinator)
    action = add_action(decision, coordinator)
    board = make_board(session=past, actor=coordinator)
    board_participant, _ = join_board(board)
    photo_idea = board_services.add_idea(
        board=board, participant=board_participant, text="A model", photo=record_upload(), photo_alt="A clay model"
    )

    draft = make_session(
        programme=programme,
        venue=venue,
        status=Session.Status.DRAFT,
        title="Draft, nobody assigned",
        share_access_details=True,
    )
    past_unassigned = make_session(
        programme=programme, venue=venue, days_ahead=-20, title="Past, nobody assigned", share_access_details=True
    )
    # Sessions nobody runs that hold access needs too (written directly: sign-up is closed on them).
    for session in (draft, past_unassigned):
        booking = Booking.objects.create(session=session, person=attendee, status=Booking.Status.CONFIRMED)
        AccessNeeds.objects.create(
            booking=booking, needs=["step_free"], details=HEALTH_TEXT_UNASSIGNED, consent_given_at=timezone.now()
        )

    author = coordinator
    post = make_post(author, tags=["co-production"])
    blog_image = add_blog_image(post, author)
    reply = make_reply(post)

    aim = Aim.objects.create(programme=programme, title="People shape the research", success_looks_like="Plans change")
    indicator = Indicator.objects.create(
        aim=aim, title="Projects changed", kind=Indicator.Kind.RECORDED, unit="projects"
    )
    value = IndicatorValue.objects.create(indicator=indicator, value=3, recorded_on=date(2026, 1, 5), source="Minutes")
    evidence = Evidence.objects.create(
        source=Evidence.Source.STORY, title="A quote", body="We were heard.", level="individual", kind="story"
    )
    story = SignificantChangeStory.objects.create(title="The agenda changed", story="…", domain="Practice")
    gripp2 = Gripp2Report.objects.create(title="This year", period_start=date(2026, 1, 1), period_end=date(2026, 6, 30))
    assessment = SelfAssessment.objects.create(assessed_on=date(2026, 3, 1))
    feedback_request = FeedbackRequest.objects.create(booking=past_booking, session=past, sent_at=timezone.now())
    feedback_token = FeedbackLink.mint(request=feedback_request)
    paper = FeedbackResponse.objects.create(
        session=past, source=FeedbackResponse.Source.PAPER, submitted_on=date.today()
    )

    issue_draft = Issue.objects.create(subject="Next month", body_markdown="Hello")
    issue_sent = Issue.objects.create(subject="Last month", body_markdown="Hello", status=Issue.Status.SENT)
    Issue.objects.filter(pk=issue_sent.pk).update(send_started_at=timezone.now())
    subscriber = Subscriber.objects.create(email="reader@example.org", status=Subscriber.Status.ACTIVE)
    pending = Subscriber.objects.create(email="pending@example.org")
    confirm_token = ConfirmationLink.mint(subscriber=pending)
    unsubscribe_token = "matrix-unsubscribe-token-0123456789"
    Delivery.objects.create(
        issue=issue_sent,
        subscriber=subscriber,
        status=Delivery.Status.SENT,
        unsubscribe_token_hash=hash_token(unsubscribe_token),
    )

    email = OutboundEmail.objects.first()
    manage_token = ManageLink.mint(booking=booked)
    person_token = PersonLink.mint(person=booked.person)
    data_request = DataRequest.objects.create(
        person=booked.person, email=booked.person.email, kind=DataRequest.Kind.ERASURE, received_on=date.today()
    )
    cancelled_booking = signup(upcoming).booking
    cancelled_booking.status = Booking.Status.CANCELLED
    cancelled_booking.save()

    signed_up = secrets.token_urlsafe(24)  # as the sign-up form keeps what it told the person
    cache.set(
        SIGNED_UP_CACHE_PREFIX + hash_token(signed_up),
        {"s": upcoming.pk, "status": "confirmed", "position": None, "email": "x@example.org"},
        timeout=1800,
    )
    cancelled = signing.dumps({"b": cancelled_booking.pk}, salt=CANCELLED_SALT)
    stop = stop_updates_url(attendee).rsplit("/", 2)[-2]
    forged = "forged-0123456789abcdefghijklmnopqrstuvwxyzABCDEF"

    params = {
        "*": {
            "booking_id": booked.pk,
            "programme_id": programme.pk,
            "venue_id": venue.pk,
            "need": "bsl",
            "decision_id": decision.pk,
            "action_id": action.pk,
            "output_id": image.pk,
            "variant": "thumb",
            "kind": "text",
            "comment_id": reply.pk,
            "post_id": post.pk,
            "image_id": blog_image.pk,
            "year": post.publish_at.year,
            "month": post.publish_at.month,
            "aim_id": aim.pk,
            "indicator_id": indicator.pk,
            "value_id": value.pk,
            "evidence_id": evidence.pk,
            "story_id": story.pk,
            "report_id": gripp2.pk,
            "assessment_id": assessment.pk,
            "response_id": paper.pk,
            "source": "story",
            "issue_id": issue_draft.pk,
            "email_id": email.pk if email else 1,
            "code": board.code,
            "board_id": board.pk,
            "idea_id": photo_idea.pk,
            "request_id": data_request.pk,
            "person_id": booked.person_id,
            "note_id": PersonNote.objects.create(person_id=booked.person_id, text="Prefers phone calls").pk,
            "payment_id": payment.pk,
        },
        "blog:post": {"slug": post.slug},
        "blog:tag": {"slug": "co-production"},
        "records:programme": {"slug": programme.slug},
        "records:you_said_we_did": {"slug": programme.slug},
        "records:feed_rss": {"slug": programme.slug},
        "records:feed_atom": {"slug": programme.slug},
        "newsletter:archive_issue": {"issue_id": issue_sent.pk},
        "day:check_in_mark": {"booking_id": booked.pk},
        "records:output_detail": {"output_id": image.pk},
        "directory:recognition_letter": {"person_id": attendee.pk},
        "directory:benefit_letter": {"person_id": attendee.pk},
    }
    uid = urlsafe_base64_encode(force_bytes(coordinator.pk))
    private_links = {
        "bookings:manage": {"valid": {"token": manage_token}, "forged": {"token": forged}},
        "bookings:cancel": {"valid": {"token": manage_token}, "forged": {"token": forged}},
        "bookings:manage_dietary": {"valid": {"token": manage_token}, "forged": {"token": forged}},
        "involvement:home": {"valid": {"token": person_token}, "forged": {"token": forged}},
        "involvement:details": {"valid": {"token": person_token}, "forged": {"token": forged}},
        "involvement:consents": {"valid": {"token": person_token}, "forged": {"token": forged}},
        "involvement:forget_me": {"valid": {"token": person_token}, "forged": {"token": forged}},
        "involvement:letter": {"valid": {"token": person_token}, "forged": {"token": forged}},
        "involvement:correction": {"valid": {"token": person_token}, "forged": {"token": forged}},
        "involvement:correction_sent": {
            "valid": {"token": person_token, "request_id": data_request.pk},
            "forged": {"token": forged, "request_id": data_request.pk},
        },
        "involvement:download": {"valid": {"token": person_token}, "forged": {"token": forged}},
        "involvement:download_readable": {"valid": {"token": person_token}, "forged": {"token": forged}},
        "involvement:download_readable_file": {"valid": {"token": person_token}, "forged": {"token": forged}},
        "involvement:payments": {"valid": {"token": person_token}, "forged": {"token": forged}},
        "involvement:payment_choice": {
            "valid": {"token": person_token, "payment_id": payment.pk},
            "forged": {"token": forged, "payment_id": payment.pk},
        },
        "involvement:payment_profile": {"valid": {"token": person_token}, "forged": {"token": forged}},
        "involvement:benefit_check": {
            "valid": {"token": person_token, "payment_id": payment.pk},
            "forged": {"token": forged, "payment_id": payment.pk},
        },
        "involvement:benefit_letter": {"valid": {"token": person_token}, "forged": {"token": forged}},
        "involvement:payment_statement": {"valid": {"token": person_token}, "forged": {"token": forged}},
        "involvement:manage_booking": {
            "valid": {"token": person_token, "booking_id": booked.pk},
            "forged": {"token": forged, "booking_id": booked.pk},
        },
        "involvement:expense_claim": {
            "valid": {"token": person_token, "booking_id": booked.pk},
            "forged": {"token": forged, "booking_id": booked.pk},
        },
        "involvement:travel_request": {
            "valid": {"token": person_token, "booking_id": booked.pk},
            "forged": {"token": forged, "booking_id": booked.pk},
        },
        "involvement:expense_withdraw": {
            "valid": {"token": person_token, "payment_id": payment.pk},
            "forged": {"token": forged, "payment_id": payment.pk},
        },
        "involvement:expense_receipt": {
            "valid": {"token": person_token, "payment_id": payment.pk},
            "forged": {"token": forged, "payment_id": payment.pk},
        },
        "involvement:booking_payments": {"valid": {"token": manage_token}, "forged": {"token": forged}},
        "involvement:withdraw": {
            "valid": {"token": person_token, "kind": "health_data"},
            "forged": {"token": forged, "kind": "health_data"},
        },
        "bookings:signed_up": {
            "valid": {"session_id": upcoming.pk, "reference": signed_up},
            "forged": {"session_id": upcoming.pk, "reference": forged},
        },
        "bookings:cancelled": {"valid": {"reference": cancelled}, "forged": {"reference": forged}},
        "people:stop_updates": {"valid": {"token": stop}, "forged": {"token": forged}},
        "newsletter:confirm": {"valid": {"token": confirm_token}, "forged": {"token": forged}},
        "newsletter:unsubscribe": {"valid": {"token": unsubscribe_token}, "forged": {"token": forged}},
        "evaluation:feedback_give": {"valid": {"token": feedback_token}, "forged": {"token": forged}},
        "accounts:password_reset_confirm": {
            "valid": {"uidb64": uid, "token": default_token_generator.make_token(coordinator)},
            "forged": {"uidb64": uid, "token": "abc-0123456789abcdef"},
        },
    }
    return World(
        users={"facilitator_assigned": assigned, "facilitator_unassigned": unassigned, "coordinator": coordinator},
        tokens={"coordinator_token": token, "forged_token": forged},
        sessions={"upcoming": upcoming, "past": past, "draft_unassigned": draft, "past_unassigned": past_unassigned},
        params=params,
        private_links=private_links,
    )


# --- The URL patterns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name"
    route: str  # the pattern's text, e.g. "coordinator/sessions/<int:session_id>/"
    pattern: URLPattern


def url_patterns() -> list[Pattern]:
    """Every named URL pattern the site serves, found by walking the resolver through includes."""
    found: list[Pattern] = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            else:
                name = entry.name or f"<unnamed {prefix}{entry.pattern}>"
                found.append(Pattern(f"{namespace}:{name}" if namespace else name, prefix + str(entry.pattern), entry))

    walk(get_resolver().url_patterns, "", None)
    return found


SESSION_VARIANTS = ("upcoming", "past", "draft_unassigned", "past_unassigned")


@dataclass(frozen=True)
class Case:
    name: str
    variant: str  # which session, or "valid"/"forged" for a private link, or "-"
    path: str


def cases_for(pattern: Pattern, world: World) -> list[Case]:
    name = pattern.name
    if name.startswith("admin:"):
        return admin_cases(pattern, world)
    needed = set(pattern.pattern.pattern.regex.groupindex)
    if name in world.private_links:
        return [Case(name, which, reverse(name, kwargs=kwargs)) for which, kwargs in world.private_links[name].items()]
    base = {key: value for key, value in world.params["*"].items() if key in needed}
    base.update({key: value for key, value in world.params.get(name, {}).items() if key in needed})
    if "session_id" in needed:
        return [
            Case(name, variant, reverse(name, kwargs={**base, "session_id": world.sessions[variant].pk}))
            for variant in SESSION_VARIANTS
        ]
    missing = needed - set(base)
    assert not missing, f"{name}: no value for {sorted(missing)} in the world's params"
    return [Case(name, "-", reverse(name, kwargs=base))]


def admin_cases(pattern: Pattern, world: World) -> list[Case]:
    """The Django admin's pages, filled with the first of whatever they name."""
    values = {"app_label": "newsletter", "object_id": "1", "content_type_id": "1"}
    needed = set(pattern.pattern.pattern.regex.groupindex)
    if pattern.pattern.name:
        path = reverse(pattern.name, kwargs={key: values.get(key, "1") for key in needed})
    else:  # the admin's catch-all for unknown addresses
        path = "/django-admin/nothing-here/"
    return [Case(pattern.name, "-", path)]


class Rollback(Exception):
    pass


def clients_for(world: World) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for role, user in world.users.items():
        client = Client()
        client.force_login(user)
        clients[role] = client
    clients["coordinator_token"] = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['coordinator_token']}")
    clients["forged_token"] = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['forged_token']}")
    return clients


def send(client: Client, method: str, path: str):
    """One request inside a savepoint that is always rolled back, so no request changes the world."""
    saved = {key: morsel.value for key, morsel in client.cookies.items()}
    response = None
    try:
        with transaction.atomic():
            if method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, data={})
            body = b"".join(response.streaming_content) if response.streaming else response.content
            raise Rollback
    except Rollback:
        pass
    # Signing out (or a view that rotates the session) must not change who the next request is.
    for key, value in saved.items():
        client.cookies[key] = value
    return response, body


# --- The checks ----------------------------------------------------------------------------------


def answer_for(table: dict[str, int], role: str, variant: str, default: int) -> int:
    for key in (f"{role}@{variant}", role, variant, "*"):
        if key in table:
            return table[key]
    return default


def may_open(kind: str, role: str, variant: str) -> bool:
    if kind in (PUBLIC, API_PUBLIC):
        return True
    if kind == PRIVATE_LINK:
        return variant == "valid"
    if role == "coordinator":
        return True
    if kind == TEAM and role.startswith("facilitator"):
        if variant == "-":  # a team page that names no session
            return True
        return role == "facilitator_assigned" and variant in ("upcoming", "past")
    return False


def to_sign_in(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


def problem(case: Case, role: str, method: str, response) -> str | None:
    """What is wrong with this answer, or None when it is what the table says."""
    status = response.status_code
    if status >= 500:
        return "a server error"
    if case.name.startswith("admin:"):
        return problem_in_admin(case, role, method, response)
    if case.name not in ACCESS:
        return "no expected answer in ACCESS"
    kind, gets = ACCESS[case.name]
    if kind in (API_PUBLIC, API_COORDINATOR):
        return problem_in_api(case, role, method, response)
    allowed = may_open(kind, role, case.variant)
    if kind == PRIVATE_LINK and case.variant == "forged":
        expected = answer_for(gets, role, case.variant, 404)
        if method == "GET" and status != expected:
            return f"a forged link answered {status}, expected {expected}"
        if method == "POST" and status not in (expected, 404, 405):
            return f"a forged link took a POST: {status}"
        return None
    if allowed:
        if method == "GET":
            expected = answer_for(gets, role, case.variant, 200)
            return None if status == expected else f"expected {expected}"
        if status == 403 or to_sign_in(response):
            return "refused someone allowed"
        return None
    # Refused: anonymous visitors are sent to sign in or told nothing exists; the team gets 403/404.
    if status == 405:  # refused by method before anything else: reveals nothing
        return None
    if role == "anonymous" or role.endswith("_token"):
        return None if (to_sign_in(response) or status == 404) else "not refused"
    return None if status in (403, 404) else "not refused"


def problem_in_api(case: Case, role: str, method: str, response) -> str | None:
    status = response.status_code
    operation_method, answers = API_ANSWERS[case.name]
    if method != operation_method:
        return None  # the other operation on this path (or 405): only "no 5xx" applies
    expected = answer_for(answers, role, case.variant, 200)
    if expected == 0:
        return None if status in BAD_BODY else f"expected one of {sorted(BAD_BODY)}"
    return None if status == expected else f"expected {expected}"


def problem_in_admin(case: Case, role: str, method: str, response) -> str | None:
    """The raw-data admin is for staff only, and none of the matrix's people is staff."""
    status = response.status_code
    name = case.name.split(":", 1)[1]
    if name == "login":
        return None  # the admin's sign-in page itself (item 2 of issue 15 puts its own limits on it)
    if name == "logout":
        return None if status in (302, 405) else "expected 302 or 405"
    if status == 405:
        return None
    if status == 302 and response["Location"].startswith("/django-admin/login/"):
        return None
    return "not sent to the admin's sign-in page"


def must_not_show_health_data(case: Case, role: str) -> bool:
    """Who must never see the access needs written in the world: anonymous visitors, API callers
    without a coordinator's token, and facilitators not assigned to the session (for sessions with
    nobody assigned, that is both of them). The holder of a booking's private link sees their own."""
    if ACCESS.get(case.name, (PUBLIC,))[0] == PRIVATE_LINK and case.variant == "valid":
        return False
    if role in ("anonymous", "forged_token", "facilitator_unassigned"):
        return True
    return role == "facilitator_assigned" and case.variant in ("draft_unassigned", "past_unassigned")


def test_every_url_pattern_has_an_expected_answer():
    """A new page (or API operation) fails here until its URL name has an entry in ACCESS."""
    names = {pattern.name for pattern in url_patterns() if not pattern.name.startswith("admin:")}
    missing = sorted(names - set(ACCESS))
    assert not missing, (
        "These URL names have no expected answer in tests/test_authorisation_matrix.py's ACCESS "
        f"table; say who may open them: {missing}"
    )
    api = {name for name in names if name.startswith("api:")}
    assert not sorted(api - set(API_ANSWERS)), (
        f"API operations missing from API_ANSWERS: {sorted(api - set(API_ANSWERS))}"
    )


def test_every_url_answers_every_visitor_as_the_table_says(capsys):
    started = time.monotonic()
    world = build_world()
    clients = clients_for(world)
    health = (HEALTH_TEXT.encode(), HEALTH_TEXT_UNASSIGNED.encode())
    wrong: list[str] = []
    leaks: list[str] = []
    still_broken: set[tuple[str, str, str, str]] = set()
    patterns = url_patterns()
    urls = requests = 0
    for pattern in patterns:
        for case in cases_for(pattern, world):
            urls += 1
            roles = API_ROLES if case.name.startswith("api:") else ROLES
            for role in roles:
                for method in METHODS:
                    requests += 1
                    response, body = send(clients[role], method, case.path)
                    key = (case.name, case.variant, role, method)
                    found = problem(case, role, method, response)
                    if must_not_show_health_data(case, role) and any(text in body for text in health):
                        found = (found + "; " if found else "") + "showed access needs"
                    if found and key in KNOWN_BROKEN_UNTIL_MERGED:
                        still_broken.add(key)
                    elif found:
                        line = f"{method} {case.path} as {role} ({case.name}, {case.variant}): {response.status_code}, {found}"
                        (leaks if "access needs" in found else wrong).append(line)
    took = time.monotonic() - started
    with capsys.disabled():  # the figures show in every run, not only when the test fails
        print(
            f"\nAuthorisation matrix: {len(patterns)} URL patterns, {urls} URLs with their variants, "
            f"{requests} requests (URLs x {len(ROLES)} roles, {len(API_ROLES)} for the API, x GET and POST), "
            f"{len(still_broken)} known broken until merged, {took:.1f} s",
        )
    assert not (leaks or wrong), (
        f"Health data shown to someone who must not see it ({len(leaks)}):\n"
        + "\n".join(leaks)
        + f"\nAnswers that differ from the table ({len(wrong)}):\n"
        + "\n".join(wrong)
    )
    fixed = set(KNOWN_BROKEN_UNTIL_MERGED) - still_broken
    assert not fixed, "These now answer as the table says; remove them from KNOWN_BROKEN_UNTIL_MERGED: " + str(
        sorted(fixed)
    )
