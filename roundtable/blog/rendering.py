"""Turning what people typed into safe HTML.

Posts: Markdown with raw HTML switched off (typed tags come out as visible text), images only
from the post's own uploads (![](image:12)), headings moved down a level so the page keeps one
<h1>, then nh3 with an allow-list as the last word. Comments: plain text, escaped, with bare
http(s) links made clickable and marked rel="nofollow ugc noopener".
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import markdown
import nh3
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

if TYPE_CHECKING:
    from roundtable.blog.models import Post, PostImage

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "strong", "em", "code",
    "pre", "a", "img", "hr", "figure", "figcaption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "loading"},
}
ALLOWED_CLASSES = {
    "p": {"govuk-body"},
    "a": {"govuk-link"},
    "ul": {"govuk-list", "govuk-list--bullet"},
    "ol": {"govuk-list", "govuk-list--number"},
    "h2": {"govuk-heading-l"},
    "h3": {"govuk-heading-m"},
    "h4": {"govuk-heading-s"},
    "h5": {"govuk-heading-s"},
    "h6": {"govuk-heading-s"},
    "blockquote": {"govuk-inset-text"},
    "img": {"rt-blog-image"},
    "figure": {"rt-blog-figure"},
    "figcaption": {"govuk-body-s"},
    "hr": {"govuk-section-break", "govuk-section-break--m", "govuk-section-break--visible"},
}
URL_SCHEMES = {"http", "https", "mailto"}
POST_LINK_REL = "nofollow noopener"
COMMENT_LINK_REL = "nofollow ugc noopener"

_CLASSES = {
    "p": "govuk-body",
    "a": "govuk-link",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "h2": "govuk-heading-l",
    "h3": "govuk-heading-m",
    "h4": "govuk-heading-s",
    "h5": "govuk-heading-s",
    "h6": "govuk-heading-s",
    "blockquote": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
}
_IMAGE_REF = re.compile(r"^image:(\d+)$")
# Characters that have no place in a page or a feed: C0 controls other than tab and newlines, DEL,
# lone surrogates and the two non-characters. XML 1.0 forbids most of them (a feed holding one
# cannot be written at all), and Markdown uses STX/ETX (\x02, \x03) as its own placeholders, so a
# body that smuggles one in, or a placeholder Markdown leaves behind, must never reach the output.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def strip_control(text: str) -> str:
    """`text` without control characters, lone surrogates or non-characters (see `_CONTROL`)."""
    return _CONTROL.sub("", text)


class _PostTree(Treeprocessor):
    def __init__(self, md, images: dict[int, dict], heading_shift: int):
        super().__init__(md)
        self.images = images
        self.heading_shift = heading_shift

    def run(self, root: ET.Element) -> None:
        # Headings first, deepest first, so "# A" becomes <h2> without cascading further.
        for level in range(6, 0, -1):
            for el in root.iter(f"h{level}"):
                el.tag = f"h{min(level + self.heading_shift, 6)}"
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag == "img":
                    self._image(parent, child)
        for el in root.iter():
            if el.tag in _CLASSES:
                el.set("class", _CLASSES[el.tag])
        # A paragraph holding only an image becomes a figure, so a caption can sit with it.
        for el in root.iter("p"):
            kids = list(el)
            if (
                len(kids) == 1
                and kids[0].tag == "img"
                and not (el.text or "").strip()
                and not (kids[0].tail or "").strip()
            ):
                el.tag = "figure"
                el.set("class", "rt-blog-figure")
                caption = kids[0].attrib.pop("data-caption", "")
                if caption:
                    ET.SubElement(el, "figcaption", {"class": "govuk-body-s"}).text = caption

    def _image(self, parent: ET.Element, img: ET.Element) -> None:
        match = _IMAGE_REF.match(img.get("src", "").strip())
        info = self.images.get(int(match.group(1))) if match else None
        if info is None:
            # Not one of this post's uploads: no hotlinking (and no third-party requests), and
            # no image without known alt text. Keep what the writer typed as alt, as text.
            tail = (img.get("alt") or "") + (img.tail or "")
            index = list(parent).index(img)
            if index == 0:
                parent.text = (parent.text or "") + tail
            else:
                prev = parent[index - 1]
                prev.tail = (prev.tail or "") + tail
            parent.remove(img)
            return
        img.attrib.clear()
        img.set("src", info["url"])
        img.set("alt", info["alt"])
        img.set("class", "rt-blog-image")
        if info.get("width") and info.get("height"):
            img.set("width", str(info["width"]))
            img.set("height", str(info["height"]))
        img.set("loading", "lazy")
        if info.get("caption"):
            img.set("data-caption", info["caption"])


class _PostExtension(Extension):
    def __init__(self, images: dict[int, dict], heading_shift: int):
        super().__init__()
        self.images = images
        self.heading_shift = heading_shift

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Markdown's API name)
        # Raw HTML is not part of what a coordinator may write: typed tags are shown as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_PostTree(md, self.images, self.heading_shift), "roundtable_post", 1)


def clean_html(html: str, *, link_rel: str = POST_LINK_REL) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=link_rel,
        strip_comments=True,
    )


def render_markdown(text: str, images: dict[int, dict] | None = None, *, heading_shift: int = 1) -> SafeString:
    """Markdown to sanitised HTML. `images` maps PostImage ids to url/alt/width/height/caption.

    heading_shift: a post page has the title as <h1>, so "# Heading" becomes <h2>; the digest
    has post titles at <h2>, so it shifts by two.
    """
    html = markdown.markdown(
        strip_control(text or ""),
        extensions=[_PostExtension(images or {}, heading_shift), "sane_lists"],
        output_format="html",
    )
    return mark_safe(strip_control(clean_html(html)))  # noqa: S308 (nh3 has just sanitised it)


def image_map(post: Post, url_for: Callable[[PostImage], str] | None = None) -> dict[int, dict[str, Any]]:
    url_for = url_for or (lambda image: reverse("blog:image", args=[image.pk]))
    return {
        image.pk: {
            "url": url_for(image),
            "alt": image.alt_text,
            "width": image.width,
            "height": image.height,
            "caption": image.caption,
        }
        for image in post.images.all()
    }


def render_post_body(
    post: Post, url_for: Callable[[PostImage], str] | None = None, *, heading_shift: int = 1
) -> SafeString:
    return render_markdown(post.body_markdown, image_map(post, url_for), heading_shift=heading_shift)


_URL = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""


def _trim_url(url: str) -> str:
    """Drop punctuation that ends the sentence rather than the address; keep a closing bracket
    that has its opening one inside the URL (https://en.wikipedia.org/wiki/Play_(activity))."""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def render_comment(text: str) -> SafeString:
    """Plain text to HTML: everything escaped, paragraphs kept, bare http(s) URLs linked."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", strip_control(text or "").strip()):
        if not para.strip():
            continue
        pieces: list[str] = []
        pos = 0
        for match in _URL.finditer(para):
            trimmed = _trim_url(match.group(0))
            end = match.start() + len(trimmed)
            pieces.append(escape(para[pos : match.start()]))
            pieces.append(
                f'<a class="govuk-link" href="{escape(trimmed)}" rel="{COMMENT_LINK_REL}">{escape(trimmed)}</a>'
            )
            pos = end
        pieces.append(escape(para[pos:]))
        out.append('<p class="govuk-body">' + "".join(pieces).replace("\n", "<br>") + "</p>")
    # nh3 again as a belt-and-braces check on our own output (it keeps only what we allow).
    return mark_safe(clean_html("".join(out), link_rel=COMMENT_LINK_REL))  # noqa: S308
