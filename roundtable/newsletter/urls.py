from django.urls import path

from roundtable.newsletter import coordinator_views as team
from roundtable.newsletter import views

app_name = "newsletter"
urlpatterns = [
    path("", views.signup, name="signup"),
    path("check-your-email/", views.check_email, name="check_email"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("archive/", views.archive, name="archive"),
    path("archive/<int:issue_id>/", views.archive_issue, name="archive_issue"),
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
