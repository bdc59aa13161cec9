"""The JSON API (django-ninja). OpenAPI 3 is served at /api/openapi.json.

There is no interactive docs page: ninja's would load scripts from a CDN and break the site's
strict Content-Security-Policy, and the OpenAPI document works in any viewer.
"""

from typing import Any

from ninja import NinjaAPI

from roundtable.api import boards, bookings, errors, payments, records, sessions


def document_error_statuses(schema: Any) -> None:
    """The answers every operation can give whatever its own `response={…}` says (errors.install
    gives them): 422 when it takes parameters or a body (they are checked), 400 when it takes a
    JSON body (one that is not JSON), 401 when it needs a token. Each route still lists its own
    (404, 409, 429 …); this only makes sure the document never leaves one of these out."""
    message = {"$ref": "#/components/schemas/Message"}
    field_errors = {"$ref": "#/components/schemas/FieldErrors"}
    wanted = {
        "400": ("The body is not JSON", field_errors),
        "401": ("No token or participant key, or one that does not work", message),
        "422": ("What was sent is not valid", field_errors),
    }
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            codes = []
            if operation.get("parameters") or "requestBody" in operation:
                codes.append("422")
            if "requestBody" in operation:
                codes.append("400")
            if operation.get("security"):
                codes.append("401")
            responses = operation.setdefault("responses", {})
            for code in codes:
                if code not in responses:
                    description, ref = wanted[code]
                    responses[code] = {"description": description, "content": {"application/json": {"schema": ref}}}


class RoundtableAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_error_statuses(schema)
        return schema


api = RoundtableAPI(
    title="Roundtable API",
    version="1",
    description=(
        "Sessions, sign-ups, bookings, records, live boards and payments. Public endpoints need no key; coordinator "
        "endpoints take 'Authorization: Bearer <token>' (python manage.py api_token <email>); a facilitator's "
        "token works for the boards of the sessions they run; a board's participants send the key that joining "
        "gave them. Errors are JSON: "
        '{"detail": "<sentence>"}, or {"detail": [{"field": ..., "message": ...}]} for invalid input.'
    ),
    urls_namespace="api",
    docs_url=None,
)
errors.install(api)
api.add_router("", sessions.router)
api.add_router("", bookings.router)
api.add_router("", records.router)
api.add_router("", boards.router)
api.add_router("", payments.router)
