"""The team's records, mounted at /coordinator/ (namespace "team"). Coordinators only."""

from django.urls import path

from roundtable.workspace.views import team as views

app_name = "team"
urlpatterns = [
    path("audit-log/", views.audit_log, name="audit_log"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:email_id>/send-again/", views.outbox_send_again, name="outbox_send_again"),
]
