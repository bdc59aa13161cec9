from django.urls import path

from roundtable.bookings import views

app_name = "bookings"
urlpatterns = [
    path("sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/sign-up/", views.signup, name="signup"),
    path("sessions/<int:session_id>/signed-up/<str:reference>/", views.signed_up, name="signed_up"),
    path("sessions/<int:session_id>/send-my-link/", views.send_link, name="send_link"),
    path("sessions/<int:session_id>/send-my-link/sent/", views.link_sent, name="link_sent"),
    # Before the token routes, so "cancelled" is never read as a token.
    path("booking/cancelled/<str:reference>/", views.cancelled, name="cancelled"),
    path("booking/<str:token>/", views.manage, name="manage"),
    path("booking/<str:token>/cancel/", views.cancel, name="cancel"),
    path("booking/<str:token>/dietary-needs/", views.manage_dietary, name="manage_dietary"),
]
