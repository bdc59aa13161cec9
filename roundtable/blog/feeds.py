"""RSS 2.0 and Atom feeds of published posts, with the sanitised post as the description.

Every text that goes into a feed passes through `strip_control`: XML cannot hold most control
characters, and one in a single post's title or body would otherwise make the whole feed a 500
for every reader."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed

from roundtable.blog.models import Post
from roundtable.blog.rendering import render_post_body, strip_control

FEED_SIZE = 20


def _absolute_image_url(image) -> str:
    # Feed readers fetch images from elsewhere, so the address must be complete.
    return settings.SITE_URL + reverse("blog:image", args=[image.pk])


class PostsRss(Feed):
    feed_type: type[SyndicationFeed] = Rss201rev2Feed
    language = "en-gb"

    def description(self) -> str:
        return strip_control(f"What we are learning at {settings.CENTRE_NAME}.")

    def link(self) -> str:
        return reverse("blog:list")

    def feed_url(self) -> str:
        return reverse("blog:feed_rss")

    def items(self):
        return Post.objects.published().select_related("author").prefetch_related("tags", "images")[:FEED_SIZE]

    def title(self) -> str:
        return strip_control(f"{settings.CENTRE_NAME} blog")

    def item_title(self, item: Post) -> str:
        return strip_control(item.title)

    def item_description(self, item: Post) -> str:
        return strip_control(render_post_body(item, _absolute_image_url))

    def item_link(self, item: Post) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Post) -> str:
        return settings.SITE_URL + item.get_absolute_url()

    item_guid_is_permalink = True

    def item_author_name(self, item: Post) -> str:
        return strip_control(item.author_name)

    def item_pubdate(self, item: Post):
        return item.publish_at

    def item_updateddate(self, item: Post):
        return item.updated_at

    def item_categories(self, item: Post):
        return [strip_control(tag.name) for tag in item.tags.all()]


class PostsAtom(PostsRss):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()

    def feed_url(self) -> str:
        return reverse("blog:feed_atom")
