"""The coordinating team's area, mounted at /coordinator/. Every view here checks the role itself
(roundtable.accounts.permissions); the tests walk these URLs as a stranger, a facilitator and a
participant holding a manage link."""

from django.urls import path

from roundtable.workspace.views import booking_tools as tools
from roundtable.workspace.views import bookings
from roundtable.workspace.views import sessions as cocreation

app_name = "coordinator"
urlpatterns = [
    path("", cocreation.home, name="home"),
    path("sessions/new/", cocreation.session_create, name="session_create"),
    path("sessions/<int:session_id>/", cocreation.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/edit/", cocreation.session_edit, name="session_edit"),
    path("sessions/<int:session_id>/publish/", cocreation.session_publish, name="session_publish"),
    path("sessions/<int:session_id>/unpublish/", cocreation.session_unpublish, name="session_unpublish"),
    path("sessions/<int:session_id>/run-again/", cocreation.session_duplicate, name="session_duplicate"),
    path("sessions/<int:session_id>/cancel/", cocreation.session_cancel_view, name="session_cancel"),
    path("sessions/<int:session_id>/message/", tools.session_message, name="session_message"),
    path("sessions/<int:session_id>/bookings/", bookings.session_bookings, name="session_bookings"),
    path("sessions/<int:session_id>/bookings/new/", tools.booking_add, name="booking_add"),
    path("sessions/<int:session_id>/bookings/download/", tools.bookings_export_view, name="bookings_export"),
    path("sessions/<int:session_id>/access-needs/", bookings.session_access_needs, name="session_access_needs"),
    path("bookings/<int:booking_id>/cancel/", bookings.booking_cancel_view, name="booking_cancel"),
    path("bookings/<int:booking_id>/move-to-waiting-list/", bookings.booking_move_view, name="booking_move"),
    path("bookings/<int:booking_id>/give-a-place/", bookings.booking_promote_view, name="booking_promote"),
    path("bookings/<int:booking_id>/attendance/", bookings.booking_attendance_view, name="booking_attendance"),
    path("programmes/", cocreation.programme_list, name="programme_list"),
    path("programmes/new/", cocreation.programme_create, name="programme_create"),
    path("programmes/<int:programme_id>/edit/", cocreation.programme_edit, name="programme_edit"),
    path("venues/", cocreation.venue_list, name="venue_list"),
    path("venues/new/", cocreation.venue_create, name="venue_create"),
    path("venues/<int:venue_id>/edit/", cocreation.venue_edit, name="venue_edit"),
]
