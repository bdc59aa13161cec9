"""The parts built separately are reachable from where people look for them."""

import pytest
from django.urls import reverse

from roundtable.cocreation.testing import make_programme, make_session

pytestmark = pytest.mark.django_db


def test_coordinator_home_leads_to_records_evaluation_blog_and_newsletter(coordinator_client):
    html = coordinator_client.get(reverse("coordinator:home")).content.decode()
    for name in (
        "records:index",
        "evaluation:dashboard",
        "evaluation:aim_list",
        "evaluation:evidence_list",
        "evaluation:story_list",
        "blog:manage_list",
        "blog:moderation",
        "newsletter:issues",
    ):
        assert f'href="{reverse(name)}"' in html, name
    assert "Overdue actions" in html


def test_past_sessions_link_to_what_happened_and_upcoming_ones_to_the_story_so_far(client):
    programme = make_programme()
    past = make_session(days_ahead=-10, programme=programme, title="Earlier one")
    upcoming = make_session(days_ahead=10, programme=programme, title="Next one")
    past_list = client.get(reverse("cocreation:past_sessions")).content.decode()
    assert reverse("records:session_record", args=[past.pk]) in past_list
    page = client.get(upcoming.get_absolute_url()).content.decode()
    assert reverse("records:story", args=[upcoming.pk]) in page
    assert reverse("records:you_said_we_did", args=[programme.slug]) in page
