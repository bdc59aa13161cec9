from django.contrib import admin
from django.urls import include, path

from roundtable.api.api import api

urlpatterns = [
    path("", include("roundtable.cocreation.urls")),
    path("", include("roundtable.bookings.urls")),
    path("", include("roundtable.records.urls")),
    # The team's workspace (roundtable.workspace): sessions and bookings, the day, the records.
    path("coordinator/", include("roundtable.workspace.urls")),
    path("coordinator/", include("roundtable.workspace.day_urls")),
    path("coordinator/", include("roundtable.workspace.team_urls")),
    path("evaluation/", include("roundtable.evaluation.urls")),
    path("blog/", include("roundtable.blog.urls")),
    path("newsletter/", include("roundtable.newsletter.urls")),
    path("", include("roundtable.people.urls")),
    path("accounts/", include("roundtable.accounts.urls")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]

handler403 = "roundtable.core.views.forbidden"
handler404 = "roundtable.core.views.not_found"
handler500 = "roundtable.core.views.server_error"
