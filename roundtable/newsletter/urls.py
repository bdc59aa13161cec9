"""The newsletter's public pages. The coordinators' pages (/newsletter/coordinator/…) are in
roundtable.workspace.newsletter_urls; config/urls.py joins both under the "newsletter" namespace."""

from django.urls import path

from roundtable.newsletter import views

app_name = "newsletter"
urlpatterns = [
    path("", views.signup, name="signup"),
    path("check-your-email/", views.check_email, name="check_email"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("archive/", views.archive, name="archive"),
    path("archive/<int:issue_id>/", views.archive_issue, name="archive_issue"),
]
