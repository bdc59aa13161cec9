"""Only consented outputs are ever public: not on pages, feeds, the story so far, or the API."""

import pytest
from django.test import Client

from roundtable.accounts.models import ApiToken
from roundtable.accounts.testing import make_facilitator
from roundtable.cocreation.testing import make_session
from roundtable.records import services
from roundtable.records.models import StoryChoice
from roundtable.records.tests.factories import add_action, add_decision, add_image, add_text, past_session

pytestmark = pytest.mark.django_db
SECRET = "PRIVATE-MARKER"


@pytest.fixture
def record(coordinator):
    session = past_session(title="Clay and conversation")
    shared = add_image(session, coordinator, caption="Shared clay figures", consent="no_one_identifiable")
    quote = add_text(session, coordinator, caption="Shared quote", body="We were heard.", consent="everyone_agreed")
    private_photo = add_image(
        session, coordinator, caption=f"{SECRET} faces", alt_text=f"{SECRET} alt", consent="private"
    )
    private_text = add_text(session, coordinator, caption=f"{SECRET} note", body=f"{SECRET} body", consent="private")
    decision = add_decision(session, coordinator, title="Breaks every hour")
    add_action(decision, coordinator, status="done", outcome="Done it")
    upcoming = make_session(programme=session.programme, title="Next time")
    return {
        "session": session,
        "shared": shared,
        "quote": quote,
        "private_photo": private_photo,
        "private_text": private_text,
        "upcoming": upcoming,
    }


def _public_urls(r) -> list[str]:
    session, slug, upcoming = r["session"], r["session"].programme.slug, r["upcoming"]
    return [
        f"/sessions/{session.pk}/what-happened/",
        f"/sessions/{session.pk}/what-happened/{r['shared'].pk}/",
        f"/sessions/{session.pk}/what-happened/{r['quote'].pk}/",
        f"/programmes/{slug}/",
        f"/programmes/{slug}/you-said-we-did/",
        f"/programmes/{slug}/you-said-we-did/feed.rss",
        f"/programmes/{slug}/you-said-we-did/feed.atom",
        f"/sessions/{upcoming.pk}/story-so-far/",
        f"/sessions/{upcoming.pk}/story-so-far/present/",
        f"/api/sessions/{session.pk}/record",
        "/api/actions",
    ]


def test_private_outputs_never_appear_on_public_pages_feeds_or_the_api(record):
    client = Client()
    private_ids = [record["private_photo"].pk, record["private_text"].pk]
    for url in _public_urls(record):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert SECRET not in body, url
        for pk in private_ids:
            assert f"/outputs/{pk}/" not in body, url
            assert f"what-happened/{pk}/" not in body, url
    page = client.get(f"/sessions/{record['session'].pk}/what-happened/").content.decode()
    assert "Shared clay figures" in page and "We were heard." in page  # the test can see outputs at all


def test_private_outputs_have_no_public_page_or_file(record):
    client = Client()
    session = record["session"]
    for output in (record["private_photo"], record["private_text"]):
        assert client.get(f"/sessions/{session.pk}/what-happened/{output.pk}/").status_code == 404
    for variant in ("file", "large", "thumb"):
        assert client.get(f"/outputs/{record['private_photo'].pk}/{variant}").status_code == 404


def test_facilitators_do_not_see_private_files(record, client):
    client.force_login(make_facilitator())
    assert client.get(f"/outputs/{record['private_photo'].pk}/thumb").status_code == 404


def test_withdrawn_consent_takes_the_output_off_the_public_record(record, coordinator):
    shared = record["shared"]
    services.output_update(
        output=shared, actor=coordinator, caption=f"{SECRET} withdrawn", consent="private", alt_text=shared.alt_text
    )
    client = Client()
    assert client.get(f"/outputs/{shared.pk}/thumb").status_code == 404
    for url in _public_urls(record):
        assert SECRET not in client.get(url).content.decode(), url


def test_a_pinned_output_made_private_later_leaves_the_story(record, coordinator):
    upcoming, shared = record["upcoming"], record["shared"]
    services.story_choose(session=upcoming, actor=coordinator, output=shared, choice=StoryChoice.Choice.PINNED)
    story_url = f"/sessions/{upcoming.pk}/story-so-far/present/"
    assert "Shared clay figures" in Client().get(story_url).content.decode()

    services.output_update(
        output=shared, actor=coordinator, caption=f"{SECRET} now private", consent="private", alt_text=shared.alt_text
    )

    assert SECRET not in Client().get(story_url).content.decode()


def test_the_api_shows_private_outputs_only_with_a_coordinator_token(record, coordinator):
    url = f"/api/sessions/{record['session'].pk}/record"
    _, raw = ApiToken.issue(coordinator)

    public = Client().get(url).json()
    team = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    refused = Client().get(url, HTTP_AUTHORIZATION="Bearer rt_not-a-real-token")

    assert {o["caption"] for o in public["outputs"]} == {"Shared clay figures", "Shared quote"}
    assert {o["consent"] for o in team["outputs"]} == {"no_one_identifiable", "everyone_agreed", "private"}
    assert len(team["outputs"]) == 4
    assert refused.status_code == 401 and SECRET not in refused.content.decode()
    private = next(o for o in team["outputs"] if o["kind"] == "image" and o["consent"] == "private")
    # The token opens the private file too; without it the same URL is a 404.
    path = private["files"]["thumb"].split("://", 1)[1].split("/", 1)[1]
    assert Client().get("/" + path, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert Client().get("/" + path).status_code == 404


def test_handout_pdf_leaves_out_private_outputs(record):
    from io import BytesIO

    from pypdf import PdfReader

    response = Client().get(f"/sessions/{record['upcoming'].pk}/story-so-far/handout.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Breaks every hour" in text and "Shared clay figures" in text
    assert SECRET not in text
