"""The coordinating team's blog pages, under "blog/manage/". No app_name: config/urls.py adds
these to the public blog pages under the one "blog" namespace."""

from django.urls import path

from roundtable.workspace.views import blog as manage_views

urlpatterns = [
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
