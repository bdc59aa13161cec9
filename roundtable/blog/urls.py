from django.urls import path

from roundtable.blog import feeds, views

# The "blog" namespace is shared with roundtable.workspace.blog_urls (see config/urls.py).
urlpatterns = [
    path("", views.post_list, name="list"),
    path("posts/<slug:slug>/", views.post_detail, name="post"),
    path("tags/<slug:slug>/", views.tag_posts, name="tag"),
    path("archive/", views.archive, name="archive"),
    path("<int:year>/<int:month>/", views.month_archive, name="month"),
    path("<int:year>/<int:month>/digest.pdf", views.digest_pdf, name="month_digest_pdf"),
    path("<int:year>/<int:month>/printable/", views.digest_print, name="month_digest_print"),
    path("digest/", views.digest_choose, name="digest_choose"),
    path("digest/pdf/", views.digest_pdf, name="chosen_digest_pdf"),
    path("digest/latest.pdf", views.digest_pdf, {"latest": True}, name="latest_digest_pdf"),
    path("digest/latest/printable/", views.digest_print, {"latest": True}, name="latest_digest_print"),
    path("digest/printable/", views.digest_print, name="chosen_digest_print"),
    path("images/<int:image_id>/", views.image, name="image"),
    path("feed/rss/", feeds.PostsRss(), name="feed_rss"),
    path("feed/atom/", feeds.PostsAtom(), name="feed_atom"),
]
