from django.urls import path

from roundtable.people import views

app_name = "people"
urlpatterns = [
    path("updates/stop/<str:token>/", views.stop_updates, name="stop_updates"),
]
