"""What people type becomes safe HTML: Markdown for posts, plain text with links for replies."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from roundtable.blog.rendering import ALLOWED_TAGS, render_comment, render_markdown
from roundtable.blog.tests.test_posts import elements

NASTY = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "![a](image:1)",
        "<a href='javascript:alert(1)'>x</a>",
        '"><svg onload=alert(1)>',
        "<iframe src=https://evil.example>",
        "https://example.org/?q=<b>",
        "# heading",
        "\n\n",
        "<!-- x -->",
        "<style>body{}</style>",
    ]
)
TEXT = st.lists(st.one_of(NASTY, st.text(max_size=20)), max_size=8).map("".join)


def test_headings_move_down_so_the_page_keeps_one_h1():
    html = render_markdown("# One\n\n## Two\n\n###### Six")
    assert [t for t, _ in elements(html)] == ["h2", "h3", "h6"]


def test_typed_html_is_shown_as_text():
    html = render_markdown("Hello <em>there</em>\n\n<div onclick=x>block</div>")
    assert "&lt;em&gt;there&lt;/em&gt;" in html
    assert "&lt;div onclick=x&gt;block&lt;/div&gt;" in html
    assert [t for t, _ in elements(html)] == ["p", "p"]


def test_unknown_image_reference_is_dropped_but_its_words_kept():
    html = render_markdown("See ![a chart of visits](image:99) here")
    assert "<img" not in html and "a chart of visits" in html


def test_reply_links_are_only_http_and_get_nofollow_ugc():
    html = render_comment("Try https://example.org/a_(b), or ftp://x.example or javascript:alert(1).")
    anchors = [a for t, a in elements(html) if t == "a"]
    assert anchors == [{"class": "govuk-link", "href": "https://example.org/a_(b)", "rel": "nofollow ugc noopener"}]


def test_reply_keeps_paragraphs_and_line_breaks():
    html = render_comment("Line one\nline two\n\nNew paragraph")
    assert html == '<p class="govuk-body">Line one<br>line two</p><p class="govuk-body">New paragraph</p>'


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_no_markdown_ever_produces_script_handlers_or_foreign_tags(text):
    for tag, attrs in elements(render_markdown(text, {1: {"url": "/blog/images/1/", "alt": "a"}})):
        assert tag in ALLOWED_TAGS
        assert not any(name.startswith("on") or name == "style" for name in attrs)
        assert all(not (value or "").lower().startswith("javascript:") for value in attrs.values())


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_no_reply_ever_produces_anything_but_paragraphs_breaks_and_safe_links(text):
    for tag, attrs in elements(render_comment(text)):
        assert tag in {"p", "br", "a"}
        if tag == "a":
            assert attrs["href"].lower().startswith(("http://", "https://"))
            assert attrs["rel"] == "nofollow ugc noopener"
