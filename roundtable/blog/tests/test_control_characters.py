"""A post body or title holding control characters (typed, pasted, or left by Markdown's own
placeholders) never reaches a page or a feed: XML cannot hold them, so one post would make the
RSS and Atom feeds a 500 for every reader."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from roundtable.blog.rendering import render_comment, render_markdown, strip_control
from roundtable.blog.tests.factories import make_post

pytestmark = pytest.mark.django_db

PROBE = '![a](image:1" onerror="x)\n\n[a link][r]\n\n[r]: javascript:x'
CONTROLS = "".join(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127]) + "\ud800\ufffe"


def test_strip_control_keeps_text_tabs_and_newlines():
    assert strip_control("a\tb\nc\r\nd é ✓") == "a\tb\nc\r\nd é ✓"
    assert strip_control("x" + CONTROLS + "y") == "xy"


@pytest.mark.parametrize("body", [PROBE, "a\x02b\x03c", f"Hello {CONTROLS} world", f"![{CONTROLS}](image:9)"])
def test_rendered_markdown_and_replies_hold_no_control_characters(body):
    for html in (str(render_markdown(body)), str(render_comment(body))):
        assert strip_control(html) == html, repr(html)
        assert not re.search(r"<[^>]*(onerror|javascript:)", html), html


def test_feeds_answer_with_well_formed_xml_whatever_a_post_holds(client, coordinator):
    # (Not NUL or a lone surrogate: no database stores those, and no HTTP request can carry them.)
    stored = CONTROLS.replace("\x00", "").replace("\ud800", "")
    make_post(coordinator, title=f"Title with {stored} in it", body_markdown=PROBE, days_ago=0.2)
    make_post(coordinator, title="Fine", body_markdown="Body \x03 with \x1f controls \x7f", days_ago=0.1)
    for name in ("blog:feed_rss", "blog:feed_atom"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        tree = ET.fromstring(response.content)  # noqa: S314 (our own feed, parsed to prove it is XML)
        text = ET.tostring(tree, encoding="unicode")
        assert "Title with  in it" in text and "Body  with  controls" in text
    assert client.get(reverse("blog:list")).status_code == 200
