"""The public side of the record: what happened, "you said, we did", the programme, the story so
far — with their query counts pinned, so they cost the same with 2 or 20 sessions."""

import unicodedata
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from roundtable.cocreation.testing import make_programme, make_session
from roundtable.core.testing import fonts_of_each_character
from roundtable.records import services
from roundtable.records.models import StoryChoice
from roundtable.records.tests.factories import (
    add_action,
    add_decision,
    add_image,
    add_text,
    attend,
    past_session,
)

pytestmark = pytest.mark.django_db


def _programme_with(coordinator, sessions: int, programme=None):
    programme = programme or make_programme(name="Building the Centre together", slug="building")
    for n in range(sessions):
        session = past_session(programme=programme, days_ago=200 - n * 10, title=f"Session {n}")
        attend(session, perspectives=["carer"])
        add_image(session, coordinator, caption=f"Photo {n}")
        add_text(session, coordinator, caption=f"Quote {n}")
        for d in range(2):
            decision = add_decision(session, coordinator, title=f"Decision {n}.{d}")
            add_action(decision, coordinator, title=f"Action {n}.{d} planned")
            add_action(decision, coordinator, title=f"Action {n}.{d} done", status="done", outcome="It is done")
            add_action(decision, coordinator, title=f"Action {n}.{d} not doing", status="not_doing")
    return programme


def test_session_record_shows_what_we_did_who_came_outputs_and_decisions(coordinator):
    session = past_session(title="Clay and conversation", summary="We made things from clay.")
    attend(session, perspectives=["carer", "researcher"])
    returning = attend(past_session(days_ago=60), perspectives=["lived_experience"])
    from roundtable.bookings.models import Booking

    Booking.objects.create(session=session, person=returning, status="attended")
    attend(session, status="no_show")
    add_image(session, coordinator, caption="Clay figures", credit="Amara")
    decision = add_decision(
        session,
        coordinator,
        title="Breaks every hour",
        question="How do we pace sessions?",
        options="Hourly\nTwice",
        method="dot_voting",
        votes=[{"option": "Hourly", "count": 12}],
        took_part={"carer": 3, "researcher": 2},
    )
    add_action(decision, coordinator, title="Change the template", status="done", outcome="Every agenda has them")
    add_action(decision, coordinator, title="Pay for travel time", status="not_doing", not_doing_reason="Funder rules")

    page = Client().get(f"/sessions/{session.pk}/what-happened/").content.decode()

    assert "We made things from clay." in page
    assert "2 people" in page and "1 for the first time, 1 who had come before" in page
    assert "Carer: 1" in page and "Lived experience: 1" in page and "Researcher: 1" in page
    assert "did not come" not in page.lower()  # no-shows are for the team
    assert 'alt="Three clay figures in a row"' in page and "Credit: Amara" in page
    assert "How do we pace sessions?" in page and "Hourly: 12 votes" in page and "By dot-voting" in page
    assert "5 people" in page and "carer 3" in page
    assert "Every agenda has them" in page and "Why not:" in page and "Funder rules" in page


def test_upcoming_draft_and_unknown_sessions_have_no_public_record():
    client = Client()
    assert client.get(f"/sessions/{make_session().pk}/what-happened/").status_code == 404
    assert client.get(f"/sessions/{past_session(status='draft').pk}/what-happened/").status_code == 404
    assert client.get("/sessions/999999/what-happened/").status_code == 404


def test_gallery_item_page_has_previous_and_next(coordinator):
    session = past_session()
    first = add_image(session, coordinator, caption="First")
    second = add_text(session, coordinator, caption="Second")
    third = add_image(session, coordinator, caption="Third")

    page = Client().get(f"/sessions/{session.pk}/what-happened/{second.pk}/").content.decode()

    assert "2 of 3" in page
    assert f'href="/sessions/{session.pk}/what-happened/{first.pk}/" rel="prev"' in page
    assert f'href="/sessions/{session.pk}/what-happened/{third.pk}/" rel="next"' in page


def test_you_said_we_did_is_newest_first_and_filters_by_status(coordinator):
    programme = make_programme(slug="centre")
    older = past_session(programme=programme, days_ago=60, title="Older")
    newer = past_session(programme=programme, days_ago=5, title="Newer")
    old_decision = add_decision(older, coordinator, title="Old decision")
    new_decision = add_decision(newer, coordinator, title="New decision")
    add_action(old_decision, coordinator, title="Finished thing", status="done", outcome="Finished")
    add_action(new_decision, coordinator, title="Planned thing")
    add_action(new_decision, coordinator, title="Refused thing", status="not_doing", not_doing_reason="No money")

    everything = Client().get("/programmes/centre/you-said-we-did/").content.decode()
    done = Client().get("/programmes/centre/you-said-we-did/?status=done").content.decode()
    not_doing = Client().get("/programmes/centre/you-said-we-did/?status=not_doing").content.decode()

    assert everything.index("New decision") < everything.index("Old decision")
    assert "Finished thing" in done and "New decision" not in done and "Planned thing" not in done
    assert "Refused thing" in not_doing and "No money" in not_doing and "Planned thing" not in not_doing
    assert 'aria-current="page">Done<' in done
    assert Client().get("/programmes/centre/you-said-we-did/?status=<script>").status_code == 200
    assert Client().get("/programmes/nope/you-said-we-did/").status_code == 404


def test_text_typed_by_the_team_is_shown_escaped_everywhere(coordinator):
    programme = make_programme(slug="escapes")
    session = past_session(programme=programme)
    decision = add_decision(session, coordinator, title="<script>alert(1)</script> decided")
    add_action(decision, coordinator, title="<img src=x onerror=alert(2)>", status="done", outcome="<b>bold</b>")
    add_text(session, coordinator, caption="<i>caption</i>", body="<script>body</script>")
    client = Client()
    for url in (
        f"/sessions/{session.pk}/what-happened/",
        "/programmes/escapes/you-said-we-did/",
        "/programmes/escapes/you-said-we-did/feed.rss",
        "/programmes/escapes/you-said-we-did/feed.atom",
    ):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body and "<img src=x" not in body and "<b>bold</b>" not in body, url
    # JSON carries the text exactly as typed; whoever shows it escapes it for their page.
    api = client.get(f"/api/sessions/{session.pk}/record")
    assert api["Content-Type"].startswith("application/json")
    assert api.json()["decisions"][0]["title"] == "<script>alert(1)</script> decided"


def test_feeds_list_decisions_with_their_actions(coordinator):
    programme = _programme_with(coordinator, 2)
    rss = Client().get(f"/programmes/{programme.slug}/you-said-we-did/feed.rss")
    atom = Client().get(f"/programmes/{programme.slug}/you-said-we-did/feed.atom")

    assert rss["Content-Type"].startswith("application/rss+xml")
    assert atom["Content-Type"].startswith("application/atom+xml")
    text = rss.content.decode()
    assert text.count("<item>") == 4
    assert "Decision 1.0" in text and "Action 1.0 done: Done. What happened: It is done" in text
    assert "<updated>" in atom.content.decode()


def test_programme_page_has_a_timeline_and_the_share_of_actions_done(coordinator):
    programme = _programme_with(coordinator, 2)
    upcoming = make_session(programme=programme, title="Coming next")

    page = Client().get(f"/programmes/{programme.slug}/").content.decode()

    assert page.index("Session 0") < page.index("Session 1") < page.index("Coming next")
    assert "33%" in page and "(4 of 12)" in page
    assert f"/sessions/{upcoming.pk}/story-so-far/" in page
    assert "1 came" in page and "2 decisions" in page and "2 things made and shared" in page


@pytest.mark.parametrize("path", ["you-said-we-did/", "you-said-we-did/?status=done", "you-said-we-did/feed.rss"])
def test_you_said_we_did_costs_the_same_queries_for_any_number_of_decisions(
    coordinator, django_assert_num_queries, path
):
    client = Client()
    programme = _programme_with(coordinator, 2)
    with django_assert_num_queries(4 if "feed" not in path else 3):
        assert client.get(f"/programmes/{programme.slug}/{path}").status_code == 200
    _programme_with(coordinator, 8, programme=programme)
    with django_assert_num_queries(4 if "feed" not in path else 3):
        assert client.get(f"/programmes/{programme.slug}/{path}").status_code == 200


def test_programme_page_costs_the_same_queries_for_any_number_of_sessions(coordinator, django_assert_num_queries):
    client = Client()
    programme = _programme_with(coordinator, 2)
    with django_assert_num_queries(3):
        client.get(f"/programmes/{programme.slug}/")
    _programme_with(coordinator, 6, programme=programme)
    with django_assert_num_queries(3):
        client.get(f"/programmes/{programme.slug}/")


@pytest.mark.parametrize("path", ["", "present/"])
def test_story_so_far_costs_the_same_queries_for_any_number_of_sessions(coordinator, django_assert_num_queries, path):
    client = Client()
    programme = _programme_with(coordinator, 2)
    upcoming = make_session(programme=programme)
    # The session, earlier sessions, choices, decisions, their actions, outputs, people, action counts.
    with django_assert_num_queries(8):
        assert client.get(f"/sessions/{upcoming.pk}/story-so-far/{path}").status_code == 200
    _programme_with(coordinator, 8, programme=programme)
    with django_assert_num_queries(8):
        assert client.get(f"/sessions/{upcoming.pk}/story-so-far/{path}").status_code == 200


def test_story_so_far_picks_recent_decisions_and_respects_pins_and_hides(coordinator):
    programme = _programme_with(coordinator, 4)
    upcoming = make_session(programme=programme, title="Next", goals="Agree the welcome pack")
    later_only = make_session(programme=programme, days_ahead=40, title="Even later")
    from roundtable.records.models import Decision

    oldest = Decision.objects.get(title="Decision 0.0")
    newest = Decision.objects.get(title="Decision 3.1")
    services.story_choose(session=upcoming, actor=coordinator, decision=oldest, choice=StoryChoice.Choice.PINNED)
    services.story_choose(session=upcoming, actor=coordinator, decision=newest, choice=StoryChoice.Choice.HIDDEN)

    page = Client().get(f"/sessions/{upcoming.pk}/story-so-far/").content.decode()

    assert "Decision 0.0" in page and "Decision 3.1" not in page
    assert page.count('class="rt-decision"') == 6  # the pinned one and the five newest left
    assert "Decision 3.0" in page and "Decision 1.0" in page and "Decision 0.1" not in page
    assert "Agree the welcome pack" in page and "4 sessions so far" in page
    # Choices belong to one session's story only.
    assert "Decision 3.1" in Client().get(f"/sessions/{later_only.pk}/story-so-far/").content.decode()


def test_story_so_far_presentation_works_as_a_page_without_javascript(coordinator):
    programme = _programme_with(coordinator, 1)
    upcoming = make_session(programme=programme, title="Next one")

    page = Client().get(f"/sessions/{upcoming.pk}/story-so-far/present/").content.decode()

    # start, where we have been, 2 decisions, progress, outputs, today
    assert page.count("data-rt-slide>") == 7
    assert 'href="#slide-2" rel="next"' in page and 'href="#slide-6" rel="prev"' in page
    assert "<script>" not in page and 'type="module" src="/static/records/slides.mjs"' in page
    assert "Today: Next one" in page


def test_a_decision_with_many_actions_goes_on_to_a_continued_slide_which_works_without_javascript(coordinator):
    session = past_session(title="Quiet rooms")
    decision = add_decision(session, coordinator, title="Quiet rooms at every venue")
    for n in range(4):
        add_action(decision, coordinator, title=f"Ask venue {n + 1}", status="done", outcome="They said yes. " * 15)
    upcoming = make_session(programme=session.programme, title="Next one")

    page = Client().get(f"/sessions/{upcoming.pk}/story-so-far/present/").content.decode()

    # start, where we have been, the decision on two slides (two long actions each), progress, today
    assert page.count("data-rt-slide>") == 6
    assert page.count(">Quiet rooms at every venue</h2>") == 1
    assert page.count(">Quiet rooms at every venue (continued)</h2>") == 1
    assert page.index("Ask venue 2") < page.index("(continued)</h2>") < page.index("Ask venue 3")
    assert page.count("By consensus") == 1  # how it was decided is said once


def test_the_handout_prints_credits_in_any_script_in_noto_fonts(coordinator):
    session = past_session(title="Clay and conversation")
    add_image(session, coordinator, caption="Clay figures", credit="李小龙 and ليلى أحمد")
    upcoming = make_session(programme=session.programme, title="Next one")

    response = Client().get(f"/sessions/{upcoming.pk}/story-so-far/handout.pdf")

    fonts = fonts_of_each_character(response.content)
    assert fonts["李"] <= {"Noto-Sans-CJK-SC"}, fonts["李"]
    arabic = {font for character, used in fonts.items() if "ARABIC" in unicodedata.name(character, "") for font in used}
    assert arabic and all(font.startswith("Noto-Sans-Arabic") for font in arabic), arabic
    assert all(fonts[digit] <= {"Noto-Sans", "Noto-Sans-Bold"} for digit in "0123456789" if digit in fonts), fonts


def test_story_so_far_only_for_published_upcoming_sessions():
    client = Client()
    assert client.get(f"/sessions/{past_session().pk}/story-so-far/").status_code == 404
    assert client.get(f"/sessions/{make_session(status='draft').pk}/story-so-far/present/").status_code == 404
    assert client.get(f"/sessions/{make_session(status='draft').pk}/story-so-far/handout.pdf").status_code == 404


def test_first_session_of_a_programme_has_a_story_that_starts_today():
    upcoming = make_session(programme=make_programme(), starts_at=timezone.now() + timedelta(days=3))
    page = Client().get(f"/sessions/{upcoming.pk}/story-so-far/present/").content.decode()
    assert "the story starts today" in page
