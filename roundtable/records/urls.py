from django.urls import path, register_converter

from roundtable.records import coordinator_views, feeds, views


class VariantConverter:
    regex = "file|large|thumb"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(VariantConverter, "variant")

app_name = "records"
urlpatterns = [
    # Public: closing the loop.
    path("programmes/<slug:slug>/", views.programme_detail, name="programme"),
    path("programmes/<slug:slug>/you-said-we-did/", views.you_said_we_did, name="you_said_we_did"),
    path("programmes/<slug:slug>/you-said-we-did/feed.rss", feeds.YouSaidWeDidRss(), name="feed_rss"),
    path("programmes/<slug:slug>/you-said-we-did/feed.atom", feeds.YouSaidWeDidAtom(), name="feed_atom"),
    path("sessions/<int:session_id>/what-happened/", views.session_record, name="session_record"),
    path("sessions/<int:session_id>/what-happened/<int:output_id>/", views.output_detail, name="output_detail"),
    path("sessions/<int:session_id>/story-so-far/", views.story, name="story"),
    path("sessions/<int:session_id>/story-so-far/present/", views.story_present, name="story_present"),
    path("sessions/<int:session_id>/story-so-far/handout.pdf", views.story_handout, name="story_handout"),
    path("outputs/<int:output_id>/<variant:variant>", views.output_file, name="output_file"),
    # The coordinating team.
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
