"""The evaluation framework's coordinator pages: aims and what success looks like, indicators and
recorded values, evidence of every kind (a Play-Doh photo included), Most Significant Change."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from roundtable.accounts.testing import make_facilitator
from roundtable.cocreation.testing import make_programme
from roundtable.core.models import AuditEntry
from roundtable.evaluation.models import Aim, Evidence, Indicator, IndicatorValue, SignificantChangeStory
from roundtable.records.tests.factories import add_image, past_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def aim(coordinator):
    return Aim.objects.create(
        title="Everyone's voice counts",
        success_looks_like="People say their ideas changed things",
        created_by=coordinator,
    )


@pytest.fixture
def things(aim, coordinator):
    indicator = Indicator.objects.create(aim=aim, title="Pilot projects funded", kind="recorded", unit="projects")
    value = IndicatorValue.objects.create(indicator=indicator, value=4, recorded_on=date(2026, 3, 1), source="Panel")
    evidence = Evidence.objects.create(
        source="story", title="A quote", body="I was heard", level="individual", kind="story"
    )
    evidence.aims.add(aim)
    story = SignificantChangeStory.objects.create(
        title="Changing the consent form", story="We rewrote it together", domain="How research is done"
    )
    return {"indicator": indicator, "value": value, "evidence": evidence, "story": story}


def _urls(aim, t):
    return [
        "/evaluation/aims/",
        "/evaluation/aims/add/",
        f"/evaluation/aims/{aim.pk}/",
        f"/evaluation/aims/{aim.pk}/change/",
        f"/evaluation/aims/{aim.pk}/delete/",
        f"/evaluation/aims/{aim.pk}/indicators/add/",
        "/evaluation/indicators/export.csv",
        f"/evaluation/indicators/{t['indicator'].pk}/",
        f"/evaluation/indicators/{t['indicator'].pk}/change/",
        f"/evaluation/indicators/{t['indicator'].pk}/delete/",
        f"/evaluation/indicators/{t['indicator'].pk}/values/add/",
        f"/evaluation/values/{t['value'].pk}/delete/",
        "/evaluation/evidence/",
        "/evaluation/evidence/add/story/",
        "/evaluation/evidence/add/output/",
        "/evaluation/evidence/add/document/",
        "/evaluation/evidence/add/link/",
        f"/evaluation/evidence/{t['evidence'].pk}/change/",
        f"/evaluation/evidence/{t['evidence'].pk}/delete/",
        "/evaluation/stories/",
        "/evaluation/stories/add/",
        f"/evaluation/stories/{t['story'].pk}/change/",
        f"/evaluation/stories/{t['story'].pk}/delete/",
    ]


def test_framework_pages_are_for_coordinators_only(coordinator_client, aim, things):
    facilitator = Client()
    facilitator.force_login(make_facilitator())
    stranger = Client()
    for url in _urls(aim, things):
        assert coordinator_client.get(url).status_code == 200, url
        assert facilitator.get(url).status_code == 403, url
        assert stranger.get(url).status_code in (302, 404), url
    assert stranger.get(f"/evaluation/aims/{aim.pk}/").status_code == 404
    stranger.post(f"/evaluation/aims/{aim.pk}/delete/")
    facilitator.post(f"/evaluation/aims/{aim.pk}/delete/")
    assert Aim.objects.filter(pk=aim.pk).exists()
    assert coordinator_client.get("/evaluation/aims/999999/").status_code == 404
    assert coordinator_client.get("/evaluation/evidence/add/video/").status_code == 404


def test_empty_states_say_what_to_do(coordinator_client):
    assert b"There are no aims yet" in coordinator_client.get("/evaluation/aims/").content
    assert b"No evidence yet" in coordinator_client.get("/evaluation/evidence/").content
    assert b"No stories yet" in coordinator_client.get("/evaluation/stories/").content


def test_add_an_aim_with_what_success_looks_like(coordinator_client):
    programme = make_programme(name="Building the Centre together")
    missing = coordinator_client.post("/evaluation/aims/add/", {"title": "  ", "programme": ""})
    assert missing.status_code == 400
    text = missing.content.decode()
    assert "<title>Error: " in text and 'href="#id_title"' in text
    assert "Enter what it would look like if the aim were achieved" in text
    response = coordinator_client.post(
        "/evaluation/aims/add/",
        {
            "title": "People with lived experience lead",
            "success_looks_like": "Half our projects are led by them",
            "programme": programme.pk,
        },
    )
    aim = Aim.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/evaluation/aims/{aim.pk}/"
    assert aim.programme == programme
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "govuk-notification-banner--success" in page and "Half our projects are led by them" in page
    assert AuditEntry.objects.filter(verb="aim.created").exists()
    assert (
        coordinator_client.post(
            "/evaluation/aims/add/", {"title": "x", "success_looks_like": "y", "programme": "99999"}
        ).status_code
        == 400
    )


def test_computed_indicators_need_a_measure_and_recorded_ones_take_values(coordinator_client, aim):
    url = f"/evaluation/aims/{aim.pk}/indicators/add/"
    refused = coordinator_client.post(url, {"title": "Newcomers", "kind": "computed", "metric": ""})
    assert refused.status_code == 400 and b"Choose what Roundtable should work out" in refused.content
    assert (
        coordinator_client.post(url, {"title": "Newcomers", "kind": "computed", "metric": "newcomers"}).status_code
        == 302
    )
    computed = Indicator.objects.get(title="Newcomers")
    assert computed.metric == "newcomers" and computed.unit == ""
    assert coordinator_client.get(f"/evaluation/indicators/{computed.pk}/values/add/").status_code == 404
    page = coordinator_client.get(f"/evaluation/indicators/{computed.pk}/").content.decode()
    assert "People coming to a session for the first time" in page and "Month by month" in page

    coordinator_client.post(
        url, {"title": "Pilot projects funded", "kind": "recorded", "unit": "projects", "metric": "newcomers"}
    )
    recorded = Indicator.objects.get(title="Pilot projects funded")
    assert recorded.metric == ""  # a measure chosen by mistake is dropped for recorded indicators
    value_url = f"/evaluation/indicators/{recorded.pk}/values/add/"
    bad = coordinator_client.post(
        value_url,
        {"value": "four", "recorded_on_day": "31", "recorded_on_month": "2", "recorded_on_year": "2026", "source": ""},
    )
    assert bad.status_code == 400
    assert b"Enter a number, like 4 or 12.5" in bad.content and b"must be a real date" in bad.content
    assert b"Enter where the number comes from" in bad.content
    good = coordinator_client.post(
        value_url,
        {
            "value": "4",
            "recorded_on_day": "3",
            "recorded_on_month": "3",
            "recorded_on_year": "2026",
            "source": "Funding panel minutes",
        },
    )
    assert good.status_code == 302
    assert IndicatorValue.objects.get(indicator=recorded).value == 4


def test_evidence_can_be_a_play_doh_photo_from_a_session_record(coordinator_client, coordinator, aim):
    session = past_session(title="Radiating questions")
    photo = add_image(session, coordinator, caption="Play-Doh question mark", alt_text="A Play-Doh question mark")
    private = add_image(session, coordinator, caption="Team only", consent="private")
    form = coordinator_client.get("/evaluation/evidence/add/output/").content.decode()
    assert "Play-Doh question mark" in form and "Team only" not in form
    refused = coordinator_client.post(
        "/evaluation/evidence/add/output/",
        {"title": "Private", "output": private.pk, "level": "individual", "kind": "artefact", "in_reports": "yes"},
    )
    assert refused.status_code == 400 and not Evidence.objects.exists()
    response = coordinator_client.post(
        "/evaluation/evidence/add/output/",
        {
            "title": "Radiating questions",
            "output": photo.pk,
            "aims": [aim.pk],
            "level": "individual",
            "kind": "artefact",
            "in_reports": "yes",
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.output == photo and evidence.session == session and list(evidence.aims.all()) == [aim]
    assert evidence.happened_on == session.starts_at.date()
    listing = coordinator_client.get("/evaluation/evidence/").content.decode()
    assert 'alt="A Play-Doh question mark"' in listing and "Radiating questions" in listing


def test_stories_and_links_are_evidence_and_html_stays_text(coordinator_client, aim):
    coordinator_client.post(
        "/evaluation/evidence/add/story/",
        {
            "title": "<b>Heard</b>",
            "body": "<script>alert('x')</script> I felt heard",
            "level": "individual",
            "kind": "feeling",
            "in_reports": "no",
            "aims": [aim.pk],
        },
    )
    story = Evidence.objects.get(source="story")
    assert not story.in_reports and story.kind == "feeling"
    page = coordinator_client.get(f"/evaluation/aims/{aim.pk}/").content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page and "<script>alert" not in page
    bad = coordinator_client.post(
        "/evaluation/evidence/add/link/",
        {"title": "A link", "url": "javascript:alert(1)", "level": "wider", "kind": "number", "in_reports": "yes"},
    )
    assert bad.status_code == 400 and b"Enter a link starting with https://" in bad.content
    coordinator_client.post(
        "/evaluation/evidence/add/link/",
        {
            "title": "NIHR case study",
            "url": "https://example.org/case-study",
            "level": "wider",
            "kind": "story",
            "in_reports": "yes",
        },
    )
    assert Evidence.objects.get(source="link").url == "https://example.org/case-study"


def test_documents_are_checked_stored_under_random_names_and_served_to_coordinators_only(
    coordinator_client, settings, aim
):
    settings.OUTPUT_MAX_UPLOAD_MB = 1
    data = {"title": "Annual report", "level": "organisation", "kind": "number", "in_reports": "yes"}
    fake = SimpleUploadedFile("report.pdf", b"just some text pretending", content_type="application/pdf")
    refused = coordinator_client.post("/evaluation/evidence/add/document/", data | {"document": fake})
    assert refused.status_code == 400 and b"is not really a .pdf file" in refused.content
    too_big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1), content_type="application/pdf")
    refused = coordinator_client.post("/evaluation/evidence/add/document/", data | {"document": too_big})
    assert refused.status_code == 400 and b"must be smaller than 1 MB" in refused.content
    exe = SimpleUploadedFile("tool.exe", b"MZ...", content_type="application/octet-stream")
    assert coordinator_client.post("/evaluation/evidence/add/document/", data | {"document": exe}).status_code == 400
    assert not Evidence.objects.exists()

    pdf = SimpleUploadedFile("Annual report 2026.pdf", b"%PDF-1.4\nhello", content_type="application/pdf")
    assert coordinator_client.post("/evaluation/evidence/add/document/", data | {"document": pdf}).status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.document.name.startswith("evidence/") and "Annual" not in evidence.document.name
    assert evidence.document_name == "Annual report 2026.pdf"
    download = coordinator_client.get(f"/evaluation/evidence/{evidence.pk}/document/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4\nhello"
    assert "attachment" in download["Content-Disposition"]
    assert Client().get(f"/evaluation/evidence/{evidence.pk}/document/").status_code == 404
    name = evidence.document.name
    coordinator_client.post(f"/evaluation/evidence/{evidence.pk}/delete/")
    assert not default_storage.exists(name)


def test_most_significant_change_story_says_who_selected_it_and_why(coordinator_client, aim):
    data = {
        "title": "Changing the consent form",
        "story": "We rewrote it together",
        "domain": "How research is done",
        "aim": aim.pk,
        "level": "wider",
        "selected_by": "The steering group",
    }
    refused = coordinator_client.post("/evaluation/stories/add/", data)
    assert refused.status_code == 400
    assert b"Enter why it was selected as the most significant change" in refused.content
    response = coordinator_client.post(
        "/evaluation/stories/add/",
        data
        | {
            "selected_why": "It changed how every study here asks for consent",
            "selected_on_day": "12",
            "selected_on_month": "6",
            "selected_on_year": "2026",
        },
    )
    story = SignificantChangeStory.objects.get()
    assert response.status_code == 302 and story.is_selected and story.selected_on == date(2026, 6, 12)
    page = coordinator_client.get("/evaluation/stories/").content.decode()
    assert "Selected by The steering group" in page and "How research is done" in page


def test_aim_list_and_evidence_list_cost_the_same_with_more_rows(coordinator_client, aim, django_assert_num_queries):
    def grow(n):
        for i in range(n):
            other = Aim.objects.create(title=f"Aim {i}", success_looks_like="x")
            Indicator.objects.create(aim=other, title=f"Indicator {i}", kind="computed", metric="attendance")
            item = Evidence.objects.create(
                source="story", title=f"Quote {i}", body="b", level="individual", kind="story"
            )
            item.aims.add(other, aim)
            SignificantChangeStory.objects.create(title=f"S{i}", story="s", domain="d", aim=other)

    # auth session and user, then: aims + indicators; aims, count, page, their aims; count, page.
    pinned = {"/evaluation/aims/": 4, "/evaluation/evidence/": 6, "/evaluation/stories/": 4}
    for n in (1, 12):
        grow(n)
        for url, expected in pinned.items():
            with django_assert_num_queries(expected):
                assert coordinator_client.get(url).status_code == 200


def test_indicator_values_export_is_formula_safe(coordinator_client, aim):
    indicator = Indicator.objects.create(aim=aim, title="=cmd|' /C calc'!A0", kind="recorded", unit="projects")
    IndicatorValue.objects.create(indicator=indicator, value=4, recorded_on=date(2026, 3, 1), source="+danger")
    Indicator.objects.create(aim=aim, title="Attendance", kind="computed", metric="attendance")
    response = coordinator_client.get("/evaluation/indicators/export.csv?start=2026-01-01&end=2026-03-31")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Aim", "Indicator", "Kind"]
    recorded = next(r for r in rows if r[2] == "Recorded")
    assert recorded[1].startswith("'=cmd") and recorded[6] == "'+danger" and recorded[4] == "4"
    assert [r[3] for r in rows if r[2] == "Computed"] == ["2026-01", "2026-02", "2026-03"]
    assert coordinator_client.get("/evaluation/indicators/export.csv?start=nonsense").status_code == 404


def test_evidence_for_reports_leaves_out_team_only_items_and_outputs_made_private_later(coordinator):
    session = past_session()
    photo = add_image(session, coordinator, caption="Clay figures")
    shown = Evidence.objects.create(source="output", output=photo, title="Clay", level="individual", kind="artefact")
    kept = Evidence.objects.create(
        source="story", title="Team only", body="x", level="individual", kind="story", in_reports=False
    )
    assert list(Evidence.objects.for_reports()) == [shown]
    photo.consent = "private"
    photo.save()
    assert not Evidence.objects.for_reports().exists()
    assert kept in Evidence.objects.all()
