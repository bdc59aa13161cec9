from django.urls import path

from roundtable.cocreation import views

app_name = "cocreation"
urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("sessions/past/", views.past_sessions, name="past_sessions"),
    path("sessions/<int:session_id>/calendar.ics", views.session_calendar, name="session_calendar"),
]
