"""The coordinators' newsletter pages, under /newsletter/coordinator/. No app_name: config/urls.py puts
these in the "newsletter" namespace next to the newsletter app's public pages."""

from django.urls import path

from roundtable.workspace.views import newsletter as team

urlpatterns = [
    path("coordinator/", team.issue_list, name="issues"),
    path("coordinator/subscribers/", team.subscriber_list, name="subscribers"),
    path("coordinator/subscribers/export.csv", team.subscriber_export, name="subscriber_export"),
    path("coordinator/issues/new/", team.issue_new, name="issue_new"),
    path("coordinator/issues/<int:issue_id>/", team.issue_detail, name="issue_detail"),
    path("coordinator/issues/<int:issue_id>/edit/", team.issue_edit, name="issue_edit"),
    path("coordinator/issues/<int:issue_id>/preview/", team.issue_preview, name="issue_preview"),
    path("coordinator/issues/<int:issue_id>/test/", team.issue_send_test, name="issue_send_test"),
    path("coordinator/issues/<int:issue_id>/send/", team.issue_send, name="issue_send"),
]
