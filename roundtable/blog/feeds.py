"""RSS 2.0 and Atom feeds of published posts, with the sanitised post as the description."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed

from roundtable.blog.models import Post
from roundtable.blog.rendering import render_post_body

FEED_SIZE = 20


def _absolute_image_url(image) -> str:
    # Feed readers fetch images from elsewhere, so the address must be complete.
    return settings.SITE_URL + reverse("blog:image", args=[image.pk])


class PostsRss(Feed):
    feed_type: type[SyndicationFeed] = Rss201rev2Feed
    language = "en-gb"

    def title(self) -> str:
        return f"{settings.CENTRE_NAME} blog"

    def description(self) -> str:
        return f"What we are learning at {settings.CENTRE_NAME}."

    def link(self) -> str:
        return reverse("blog:list")

    def feed_url(self) -> str:
        return reverse("blog:feed_rss")

    def items(self):
        return Post.objects.published().select_related("author").prefetch_related("tags", "images")[:FEED_SIZE]

    def item_title(self, item: Post) -> str:
        return item.title

    def item_description(self, item: Post) -> str:
        return render_post_body(item, _absolute_image_url)

    def item_link(self, item: Post) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Post) -> str:
        return settings.SITE_URL + item.get_absolute_url()

    item_guid_is_permalink = True

    def item_author_name(self, item: Post) -> str:
        return item.author_name

    def item_pubdate(self, item: Post):
        return item.publish_at

    def item_updateddate(self, item: Post):
        return item.updated_at

    def item_categories(self, item: Post):
        return [tag.name for tag in item.tags.all()]


class PostsAtom(PostsRss):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()

    def feed_url(self) -> str:
        return reverse("blog:feed_atom")
