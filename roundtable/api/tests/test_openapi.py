import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_openapi_document_is_served_and_valid(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    spec = response.json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    assert set(paths["/api/sessions"]) == {"get", "post"}
    assert set(paths["/api/sessions/{session_id}"]) == {"get"}
    assert set(paths["/api/sessions/{session_id}/bookings"]) == {"get", "post"}
    assert set(paths["/api/bookings/{booking_id}/cancel"]) == {"post"}


def test_openapi_documents_both_forms_of_access_needs_and_asks_nothing_about_work(client):
    spec = client.get("/api/openapi.json").json()
    signup = spec["components"]["schemas"]["SignupIn"]["properties"]
    forms = signup["access_needs"]["anyOf"]
    assert forms[0]["type"] == "array" and "bsl" in forms[0]["items"]["enum"]
    assert forms[1] == {"$ref": "#/components/schemas/AccessNeedsIn"}
    assert signup["name"]["maxLength"] == 100
    people = set(signup) | set(spec["components"]["schemas"]["BookingOut"]["properties"])
    assert not [key for key in people if any(word in key for word in ("job", "title", "role", "organisation"))]


def test_coordinator_endpoints_are_marked_as_needing_a_bearer_token(client):
    spec = client.get("/api/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= next(iter(schemes.values())).items()
    paths = spec["paths"]
    assert "security" in paths["/api/sessions"]["post"]
    assert "security" not in paths["/api/sessions"]["get"]
    assert "security" not in paths["/api/sessions/{session_id}/bookings"]["post"]
    assert "security" in paths["/api/sessions/{session_id}/bookings"]["get"]


def test_there_is_no_docs_page_loading_third_party_scripts(client):
    assert client.get("/api/docs").status_code == 404
