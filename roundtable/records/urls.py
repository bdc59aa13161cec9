from django.urls import path, register_converter

from roundtable.records import feeds, views


class VariantConverter:
    regex = "file|large|thumb"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(VariantConverter, "variant")

# The "records" namespace is shared with roundtable.workspace.records_urls (see config/urls.py).
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
]
