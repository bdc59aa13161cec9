"""The coordinators' evaluation pages, under /evaluation/. No app_name: config/urls.py puts these in the
"evaluation" namespace next to the evaluation app's public pages (the participant's feedback form)."""

from django.urls import URLPattern, path

from roundtable.workspace.views import evaluation_feedback, evaluation_framework, evaluation_reports

urlpatterns: list[URLPattern] = []

# --- Reports: impact dashboard, funder report, GRIPP2-SF, UK Standards self-assessment ---------
urlpatterns += [
    path("dashboard/", evaluation_reports.dashboard, name="dashboard"),
    path("reports/funder/", evaluation_reports.funder_report, name="funder_report"),
    path("reports/gripp2/", evaluation_reports.gripp2_list, name="gripp2_list"),
    path("reports/gripp2/<int:report_id>/", evaluation_reports.gripp2_edit, name="gripp2_edit"),
    path("reports/gripp2/<int:report_id>/pdf/", evaluation_reports.gripp2_pdf, name="gripp2_pdf"),
    path("reports/gripp2/<int:report_id>/markdown/", evaluation_reports.gripp2_markdown, name="gripp2_markdown"),
    path("reports/gripp2/<int:report_id>/delete/", evaluation_reports.gripp2_delete, name="gripp2_delete"),
    path("self-assessment/", evaluation_reports.assessment_list, name="assessment_list"),
    path("self-assessment/new/", evaluation_reports.assessment_create, name="assessment_create"),
    path("self-assessment/<int:assessment_id>/", evaluation_reports.assessment_detail, name="assessment_detail"),
    path("self-assessment/<int:assessment_id>/edit/", evaluation_reports.assessment_edit, name="assessment_edit"),
    path("self-assessment/<int:assessment_id>/delete/", evaluation_reports.assessment_delete, name="assessment_delete"),
]

# --- Feedback after sessions (coordinators' summaries, paper forms, export) ----------------
urlpatterns += [
    path("feedback/", evaluation_feedback.index, name="feedback_index"),
    path("feedback/export.csv", evaluation_feedback.export_csv, name="feedback_export"),
    path("feedback/sessions/<int:session_id>/", evaluation_feedback.session_summary, name="feedback_session"),
    path("feedback/sessions/<int:session_id>/preview/", evaluation_feedback.preview, name="feedback_preview"),
    path("feedback/sessions/<int:session_id>/paper/", evaluation_feedback.paper_add, name="feedback_paper_add"),
    path("feedback/paper/<int:response_id>/delete/", evaluation_feedback.paper_delete, name="feedback_paper_delete"),
]

# --- The framework: aims, indicators, evidence, Most Significant Change stories ----------------
urlpatterns += [
    path("aims/", evaluation_framework.aim_list, name="aim_list"),
    path("aims/add/", evaluation_framework.aim_add, name="aim_add"),
    path("aims/<int:aim_id>/", evaluation_framework.aim_detail, name="aim_detail"),
    path("aims/<int:aim_id>/change/", evaluation_framework.aim_edit, name="aim_edit"),
    path("aims/<int:aim_id>/delete/", evaluation_framework.aim_delete, name="aim_delete"),
    path("aims/<int:aim_id>/indicators/add/", evaluation_framework.indicator_add, name="indicator_add"),
    path("indicators/export.csv", evaluation_framework.indicators_csv, name="indicators_csv"),
    path("indicators/<int:indicator_id>/", evaluation_framework.indicator_detail, name="indicator_detail"),
    path("indicators/<int:indicator_id>/change/", evaluation_framework.indicator_edit, name="indicator_edit"),
    path("indicators/<int:indicator_id>/delete/", evaluation_framework.indicator_delete, name="indicator_delete"),
    path("indicators/<int:indicator_id>/values/add/", evaluation_framework.value_add, name="value_add"),
    path("values/<int:value_id>/delete/", evaluation_framework.value_delete, name="value_delete"),
    path("evidence/", evaluation_framework.evidence_list, name="evidence_list"),
    path("evidence/add/<slug:source>/", evaluation_framework.evidence_add, name="evidence_add"),
    path("evidence/<int:evidence_id>/change/", evaluation_framework.evidence_edit, name="evidence_edit"),
    path("evidence/<int:evidence_id>/delete/", evaluation_framework.evidence_delete, name="evidence_delete"),
    path("evidence/<int:evidence_id>/document/", evaluation_framework.evidence_document, name="evidence_document"),
    path("stories/", evaluation_framework.story_list, name="story_list"),
    path("stories/add/", evaluation_framework.story_add, name="story_add"),
    path("stories/<int:story_id>/change/", evaluation_framework.story_edit, name="story_edit"),
    path("stories/<int:story_id>/delete/", evaluation_framework.story_delete, name="story_delete"),
]
