"""The coordinating team's record pages, under "coordinator/". No app_name: config/urls.py adds
these to the public records pages under the one "records" namespace."""

from django.urls import path

from roundtable.workspace.views import records as coordinator_views

urlpatterns = [
    path("coordinator/records/", coordinator_views.index, name="index"),
    path("coordinator/records/actions/", coordinator_views.action_list, name="actions"),
    path("coordinator/sessions/<int:session_id>/record/", coordinator_views.record, name="record"),
    path(
        "coordinator/sessions/<int:session_id>/record/add/<slug:kind>/", coordinator_views.output_add, name="output_add"
    ),
    path(
        "coordinator/sessions/<int:session_id>/record/decisions/add/",
        coordinator_views.decision_add,
        name="decision_add",
    ),
    path(
        "coordinator/sessions/<int:session_id>/record/send-update/", coordinator_views.send_update, name="send_update"
    ),
    path("coordinator/sessions/<int:session_id>/story-so-far/", coordinator_views.story_choose, name="story_choose"),
    path("coordinator/outputs/<int:output_id>/change/", coordinator_views.output_edit, name="output_edit"),
    path("coordinator/outputs/<int:output_id>/delete/", coordinator_views.output_delete, name="output_delete"),
    path("coordinator/decisions/<int:decision_id>/change/", coordinator_views.decision_edit, name="decision_edit"),
    path("coordinator/decisions/<int:decision_id>/delete/", coordinator_views.decision_delete, name="decision_delete"),
    path("coordinator/decisions/<int:decision_id>/actions/add/", coordinator_views.action_add, name="action_add"),
    path("coordinator/actions/<int:action_id>/change/", coordinator_views.action_edit, name="action_edit"),
]
