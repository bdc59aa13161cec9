from django.urls import path

from roundtable.board import views

app_name = "board"
urlpatterns = [
    path("", views.find, name="find"),
    path("<str:code>/", views.board_page, name="board"),
    path("<str:code>/join/", views.join, name="join"),
    path("<str:code>/ideas/", views.add_idea, name="add_idea"),
    path("<str:code>/dots/", views.dot, name="dot"),
    path("<str:code>/screen/", views.projector, name="projector"),
    path("<str:code>/ideas/<int:idea_id>/photo/<str:variant>/", views.idea_photo, name="idea_photo"),
]
