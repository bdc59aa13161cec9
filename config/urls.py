from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from roundtable.accounts.forms import AdminSignInForm
from roundtable.api.api import api
from roundtable.blog import urls as blog_urls
from roundtable.evaluation import urls as evaluation_urls
from roundtable.newsletter import urls as newsletter_urls
from roundtable.records import urls as records_urls
from roundtable.workspace import blog_urls as workspace_blog_urls
from roundtable.workspace import evaluation_urls as workspace_evaluation_urls
from roundtable.workspace import newsletter_urls as workspace_newsletter_urls
from roundtable.workspace import records_urls as workspace_records_urls

# Records, evaluation, blog and newsletter each keep one URL namespace, shared by their public
# pages (in the domain app) and the team's pages (in roundtable.workspace), so every URL name
# stayed what it was when the team's pages moved to the workspace.
urlpatterns = [
    path("", include("roundtable.cocreation.urls")),
    path("", include("roundtable.bookings.urls")),
    path("", include((records_urls.urlpatterns + workspace_records_urls.urlpatterns, "records"))),
    # The team's workspace (roundtable.workspace): sessions and bookings, the day, outbox and audit log.
    path("coordinator/", include("roundtable.workspace.urls")),
    path("coordinator/", include("roundtable.workspace.day_urls")),
    path("coordinator/", include("roundtable.workspace.team_urls")),
    path("coordinator/", include("roundtable.workspace.board_urls")),
    path("coordinator/people/", include("roundtable.workspace.people_urls")),
    path("coordinator/", include("roundtable.workspace.payments_urls")),
    path("evaluation/", include((evaluation_urls.urlpatterns + workspace_evaluation_urls.urlpatterns, "evaluation"))),
    path("blog/", include((blog_urls.urlpatterns + workspace_blog_urls.urlpatterns, "blog"))),
    path("newsletter/", include((newsletter_urls.urlpatterns + workspace_newsletter_urls.urlpatterns, "newsletter"))),
    path("", include("roundtable.people.urls")),
    path("", include("roundtable.involvement.urls")),
    path("accounts/", include("roundtable.accounts.urls")),
    path("board/", include("roundtable.board.urls")),
    path("api/", api.urls),
]
# The raw-data admin is a second way in, so it is mounted only where it is wanted: in DEBUG, or
# with ADMIN_ENABLED=true. Its sign-in passes through the same lockout (accounts/backends.py).
# Its password-only sign-in refuses accounts with two-factor sign-in (accounts/forms.py).
admin.site.login_form = AdminSignInForm
if settings.DEBUG or settings.ADMIN_ENABLED:
    urlpatterns.append(path("django-admin/", admin.site.urls))

handler403 = "roundtable.core.views.forbidden"
handler404 = "roundtable.core.views.not_found"
handler500 = "roundtable.core.views.server_error"
