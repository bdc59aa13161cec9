"""Paying people for their time, mounted at /coordinator/ (namespace "payments"): the list of
payments, one payment's page (approve, mark as paid, reject) and the finance export."""

from django.urls import path

from roundtable.workspace.views import payments as views

app_name = "payments"
urlpatterns = [
    path("payments/", views.payment_list_view, name="list"),
    path("payments/rates/", views.rate_card, name="rates"),
    path("sessions/<int:session_id>/payments/", views.session_payments, name="session"),
    path("payments/export/", views.export_view, name="export"),
    path("payments/budget/", views.budget_view, name="budget"),
    path("payments/<int:payment_id>/", views.payment_detail, name="detail"),
    path("payments/<int:payment_id>/receipt/", views.payment_receipt, name="receipt"),
]
