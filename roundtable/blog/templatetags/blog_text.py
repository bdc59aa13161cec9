from django import template

from roundtable.blog.rendering import render_comment

register = template.Library()


@register.filter
def comment_html(text: str):
    """A reply as safe HTML: escaped text, paragraphs, and http(s) links marked nofollow ugc."""
    return render_comment(text)
