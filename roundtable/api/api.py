"""The JSON API (django-ninja). OpenAPI 3 is served at /api/openapi.json.

There is no interactive docs page: ninja's would load scripts from a CDN and break the site's
strict Content-Security-Policy, and the OpenAPI document works in any viewer.
"""

from ninja import NinjaAPI

from roundtable.api import bookings, errors, records, sessions

api = NinjaAPI(
    title="Roundtable API",
    version="1",
    description=(
        "Sessions, sign-ups and bookings. Public endpoints need no key; coordinator endpoints take "
        "'Authorization: Bearer <token>' (python manage.py api_token <email>). Errors are JSON: "
        '{"detail": "<sentence>"}, or {"detail": [{"field": ..., "message": ...}]} for invalid input.'
    ),
    urls_namespace="api",
    docs_url=None,
)
errors.install(api)
api.add_router("", sessions.router)
api.add_router("", bookings.router)
api.add_router("", records.router)
