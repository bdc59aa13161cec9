from django.urls import path

from roundtable.blog import feeds, manage_views, views

app_name = "blog"
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
    path("digest/printable/", views.digest_print, name="chosen_digest_print"),
    path("images/<int:image_id>/", views.image, name="image"),
    path("feed/rss/", feeds.PostsRss(), name="feed_rss"),
    path("feed/atom/", feeds.PostsAtom(), name="feed_atom"),
    # The coordinating team's pages.
    path("manage/", manage_views.post_list, name="manage_list"),
    path("manage/new/", manage_views.post_create, name="manage_create"),
    path("manage/<int:post_id>/", manage_views.post_edit, name="manage_edit"),
    path("manage/<int:post_id>/preview/", manage_views.post_preview, name="manage_preview"),
    path("manage/<int:post_id>/images/", manage_views.image_add, name="manage_image_add"),
    path("manage/<int:post_id>/images/<int:image_id>/delete/", manage_views.image_delete, name="manage_image_delete"),
    path("manage/replies/", manage_views.moderation, name="moderation"),
    path("manage/replies/<int:comment_id>/", manage_views.comment_moderate, name="comment_moderate"),
    path("manage/replies/<int:comment_id>/delete/", manage_views.comment_delete, name="comment_delete"),
]
