"""'You said, we did' as RSS and Atom: each decision with its actions and their outcomes."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from roundtable.cocreation.models import Programme
from roundtable.records import selectors
from roundtable.records.models import Decision

FEED_ITEMS = 30


class YouSaidWeDidRss(Feed):
    description_template = "records/feed_item.html"

    def get_object(self, request: HttpRequest, slug: str) -> Programme:
        return selectors.public_programme(slug)

    def title(self, programme: Programme) -> str:
        return f"You said, we did: {programme.name}"

    def link(self, programme: Programme) -> str:
        return reverse("records:you_said_we_did", args=[programme.slug])

    def description(self, programme: Programme) -> str:
        return f"What was decided together at {programme.name} sessions, and what the team did about it."

    subtitle = description

    def items(self, programme: Programme) -> list[Decision]:
        return list(selectors.you_said_we_did(programme)[:FEED_ITEMS])

    def item_title(self, decision: Decision) -> str:
        return decision.title

    def item_link(self, decision: Decision) -> str:
        return decision.get_absolute_url()

    def item_guid(self, decision: Decision) -> str:
        return f"decision-{decision.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, decision: Decision):
        return decision.created_at

    def item_updateddate(self, decision: Decision):
        # Prefetched actions: the latest change to any of them is when the item last changed.
        return max([decision.updated_at] + [a.updated_at for a in decision.actions.all()])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["decision"] = kwargs["item"]
        return context


class YouSaidWeDidAtom(YouSaidWeDidRss):
    feed_type = Atom1Feed
