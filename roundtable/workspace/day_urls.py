"""On the day, mounted at /coordinator/ (namespace "day"). Each view checks the role itself."""

from django.urls import path

from roundtable.workspace.views import day as views

app_name = "day"
urlpatterns = [
    path("sessions/<int:session_id>/access/", views.access_briefing, name="access_briefing"),
    path("sessions/<int:session_id>/access/for-the-venue/", views.access_summary, name="access_summary"),
    path("sessions/<int:session_id>/access/for-the-venue.pdf", views.access_summary_pdf, name="access_summary_pdf"),
    path(
        "sessions/<int:session_id>/access/arrangements/<slug:need>/",
        views.arrangement_update,
        name="arrangement_update",
    ),
    path("sessions/<int:session_id>/check-in/", views.check_in, name="check_in"),
    path("sessions/<int:session_id>/check-in/walk-in/", views.walk_in, name="walk_in"),
    path("sessions/<int:session_id>/check-in/no-shows/", views.check_in_no_shows, name="check_in_no_shows"),
    path("sessions/<int:session_id>/check-in/<int:booking_id>/", views.check_in_mark, name="check_in_mark"),
    path("sessions/<int:session_id>/agenda/", views.agenda, name="agenda"),
    path("sessions/<int:session_id>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("sessions/<int:session_id>/print/", views.printables_page, name="printables"),
    path("sessions/<int:session_id>/badges.pdf", views.badges_pdf, name="badges_pdf"),
    path("sessions/<int:session_id>/sign-in-sheet.pdf", views.sign_in_sheet_pdf, name="sign_in_sheet_pdf"),
]
