"""The framework floor: a one-file Django "hello world" (no database, no middleware, no templates).

Served exactly like Roundtable in bench/run.py (gunicorn, 2 workers, same bind, no access log),
so "the session page runs at N % of the floor" compares our work with Django's own minimum.
It is the same app as the floor in the pretix harness, so the two percentages are comparable.
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="floor-bench-not-secret-" + "x" * 40,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_TZ=True,
)


def hello(request):
    return HttpResponse("Hello, world\n", content_type="text/plain")


urlpatterns = [path("", hello)]

application = get_wsgi_application()
