from django.contrib import admin
from django.urls import include, path

from roundtable.api.api import api
from roundtable.evaluation import urls as evaluation_urls
from roundtable.newsletter import urls as newsletter_urls
from roundtable.workspace import evaluation_urls as workspace_evaluation_urls
from roundtable.workspace import newsletter_urls as workspace_newsletter_urls

urlpatterns = [
    path("", include("roundtable.cocreation.urls")),
    path("", include("roundtable.bookings.urls")),
    path("", include("roundtable.records.urls")),
    # The team's workspace (roundtable.workspace): sessions and bookings, the day, the records.
    path("coordinator/", include("roundtable.workspace.urls")),
    path("coordinator/", include("roundtable.workspace.day_urls")),
    path("coordinator/", include("roundtable.workspace.team_urls")),
    # One "evaluation" namespace, shared by the public pages (evaluation app) and the team's pages (workspace).
    path("evaluation/", include((evaluation_urls.urlpatterns + workspace_evaluation_urls.urlpatterns, "evaluation"))),
    path("blog/", include("roundtable.blog.urls")),
    # One "newsletter" namespace, shared by the public pages (newsletter app) and the team's pages (workspace).
    path("newsletter/", include((newsletter_urls.urlpatterns + workspace_newsletter_urls.urlpatterns, "newsletter"))),
    path("", include("roundtable.people.urls")),
    path("accounts/", include("roundtable.accounts.urls")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]

handler403 = "roundtable.core.views.forbidden"
handler404 = "roundtable.core.views.not_found"
handler500 = "roundtable.core.views.server_error"
