from django.urls import path

from roundtable.evaluation import views_reports

app_name = "evaluation"
urlpatterns: list = []

# --- Reports: impact dashboard, funder report, GRIPP2-SF, UK Standards self-assessment ---------
urlpatterns += [
    path("dashboard/", views_reports.dashboard, name="dashboard"),
    path("reports/funder/", views_reports.funder_report, name="funder_report"),
    path("reports/gripp2/", views_reports.gripp2_list, name="gripp2_list"),
    path("reports/gripp2/<int:report_id>/", views_reports.gripp2_edit, name="gripp2_edit"),
    path("reports/gripp2/<int:report_id>/pdf/", views_reports.gripp2_pdf, name="gripp2_pdf"),
    path("reports/gripp2/<int:report_id>/markdown/", views_reports.gripp2_markdown, name="gripp2_markdown"),
    path("reports/gripp2/<int:report_id>/delete/", views_reports.gripp2_delete, name="gripp2_delete"),
    path("self-assessment/", views_reports.assessment_list, name="assessment_list"),
    path("self-assessment/new/", views_reports.assessment_create, name="assessment_create"),
    path("self-assessment/<int:assessment_id>/", views_reports.assessment_detail, name="assessment_detail"),
    path("self-assessment/<int:assessment_id>/edit/", views_reports.assessment_edit, name="assessment_edit"),
    path("self-assessment/<int:assessment_id>/delete/", views_reports.assessment_delete, name="assessment_delete"),
]

# --- Feedback after sessions (participants' private link; coordinators' summaries) -------------
from roundtable.evaluation import views_feedback  # noqa: E402

urlpatterns += [
    path("feedback/give/<str:token>/", views_feedback.give, name="feedback_give"),
    path("feedback/thank-you/", views_feedback.thanks, name="feedback_thanks"),
    path("feedback/", views_feedback.index, name="feedback_index"),
    path("feedback/export.csv", views_feedback.export_csv, name="feedback_export"),
    path("feedback/sessions/<int:session_id>/", views_feedback.session_summary, name="feedback_session"),
    path("feedback/sessions/<int:session_id>/paper/", views_feedback.paper_add, name="feedback_paper_add"),
    path("feedback/paper/<int:response_id>/delete/", views_feedback.paper_delete, name="feedback_paper_delete"),
]

# --- The framework: aims, indicators, evidence, Most Significant Change stories ----------------
from roundtable.evaluation import views_framework  # noqa: E402

urlpatterns += [
    path("aims/", views_framework.aim_list, name="aim_list"),
    path("aims/add/", views_framework.aim_add, name="aim_add"),
    path("aims/<int:aim_id>/", views_framework.aim_detail, name="aim_detail"),
    path("aims/<int:aim_id>/change/", views_framework.aim_edit, name="aim_edit"),
    path("aims/<int:aim_id>/delete/", views_framework.aim_delete, name="aim_delete"),
    path("aims/<int:aim_id>/indicators/add/", views_framework.indicator_add, name="indicator_add"),
    path("indicators/export.csv", views_framework.indicators_csv, name="indicators_csv"),
    path("indicators/<int:indicator_id>/", views_framework.indicator_detail, name="indicator_detail"),
    path("indicators/<int:indicator_id>/change/", views_framework.indicator_edit, name="indicator_edit"),
    path("indicators/<int:indicator_id>/delete/", views_framework.indicator_delete, name="indicator_delete"),
    path("indicators/<int:indicator_id>/values/add/", views_framework.value_add, name="value_add"),
    path("values/<int:value_id>/delete/", views_framework.value_delete, name="value_delete"),
    path("evidence/", views_framework.evidence_list, name="evidence_list"),
    path("evidence/add/<slug:source>/", views_framework.evidence_add, name="evidence_add"),
    path("evidence/<int:evidence_id>/change/", views_framework.evidence_edit, name="evidence_edit"),
    path("evidence/<int:evidence_id>/delete/", views_framework.evidence_delete, name="evidence_delete"),
    path("evidence/<int:evidence_id>/document/", views_framework.evidence_document, name="evidence_document"),
    path("stories/", views_framework.story_list, name="story_list"),
    path("stories/add/", views_framework.story_add, name="story_add"),
    path("stories/<int:story_id>/change/", views_framework.story_edit, name="story_edit"),
    path("stories/<int:story_id>/delete/", views_framework.story_delete, name="story_delete"),
]
