from django.contrib import admin
from django.urls import include, path

from roundtable.api.api import api
from roundtable.blog import urls as blog_urls
from roundtable.records import urls as records_urls
from roundtable.workspace import blog_urls as workspace_blog_urls
from roundtable.workspace import records_urls as workspace_records_urls

urlpatterns = [
    path("", include("roundtable.cocreation.urls")),
    path("", include("roundtable.bookings.urls")),
    # One "records" namespace, shared by the public pages (records app) and the team's pages (workspace).
    path("", include((records_urls.urlpatterns + workspace_records_urls.urlpatterns, "records"))),
    # The team's workspace (roundtable.workspace): sessions and bookings, the day, the records.
    path("coordinator/", include("roundtable.workspace.urls")),
    path("coordinator/", include("roundtable.workspace.day_urls")),
    path("coordinator/", include("roundtable.workspace.team_urls")),
    path("evaluation/", include("roundtable.evaluation.urls")),
    # One "blog" namespace, shared by the public pages (blog app) and the team's pages (workspace).
    path("blog/", include((blog_urls.urlpatterns + workspace_blog_urls.urlpatterns, "blog"))),
    path("newsletter/", include("roundtable.newsletter.urls")),
    path("", include("roundtable.people.urls")),
    path("accounts/", include("roundtable.accounts.urls")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]

handler403 = "roundtable.core.views.forbidden"
handler404 = "roundtable.core.views.not_found"
handler500 = "roundtable.core.views.server_error"
