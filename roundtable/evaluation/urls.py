"""Evaluation's public pages: the participant's feedback form behind a private link. The coordinators'
pages (dashboard, reports, feedback summaries, the framework) are in roundtable.workspace.evaluation_urls;
config/urls.py joins both under the "evaluation" namespace."""

from django.urls import path

from roundtable.evaluation import views_feedback

app_name = "evaluation"
urlpatterns = [
    path("feedback/give/<str:token>/", views_feedback.give, name="feedback_give"),
    path("feedback/thank-you/", views_feedback.thanks, name="feedback_thanks"),
]
