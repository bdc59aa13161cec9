from django.urls import path
from django.views.generic import TemplateView

app_name = "coordinator"
urlpatterns = [
    path("", TemplateView.as_view(template_name="errors/404.html"), name="home"),
]
