"""Running a session's live boards, mounted at /coordinator/ (namespace "boards"). Each view
checks the role itself and loads the board through its session."""

from django.urls import path

from roundtable.workspace.views import board as views

app_name = "boards"
urlpatterns = [
    path("sessions/<int:session_id>/boards/", views.session_boards, name="session_boards"),
    path("sessions/<int:session_id>/boards/<int:board_id>/", views.control, name="control"),
    path("sessions/<int:session_id>/boards/<int:board_id>/stage/", views.stage, name="stage"),
    path("sessions/<int:session_id>/boards/<int:board_id>/arrange/", views.arrange, name="arrange"),
    path("sessions/<int:session_id>/boards/<int:board_id>/groups/", views.groups, name="groups"),
    path("sessions/<int:session_id>/boards/<int:board_id>/hide/", views.hide, name="hide"),
    path("sessions/<int:session_id>/boards/<int:board_id>/type-up/", views.type_up, name="type_up"),
    path("sessions/<int:session_id>/boards/<int:board_id>/record/", views.record, name="record"),
]
