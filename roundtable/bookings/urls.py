from django.http import HttpResponse
from django.urls import path

app_name = "bookings"
urlpatterns: list = [
    path("booking/<str:token>/", lambda request, token: HttpResponse("todo"), name="manage"),
]
