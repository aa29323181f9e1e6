"""`GET /sectors`, and the OpenAPI document and docs page served without signing in."""

import pytest

from lindung.registry.models import Sector
from lindung.registry.tests.api_client import API

pytestmark = pytest.mark.django_db


def test_sectors_lists_the_active_sectors(api_as, leader):
    Sector.objects.filter(code="jasa-lainnya").update(is_active=False)
    response = api_as(leader).get("/sectors")
    assert response.status_code == 200
    codes = [sector["code"] for sector in response.json()]
    assert codes == list(Sector.objects.filter(is_active=True).values_list("code", flat=True))
    assert "jasa-lainnya" not in codes
    assert set(response.json()[0]) == {"code", "name", "name_en"}


def test_openapi_document_loads_without_signing_in_and_lists_the_registry_paths(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    # The other apps' paths are checked by their own tests.
    assert all(path.startswith(f"{API}/") for path in schema["paths"])
    assert set(schema["paths"]) >= {
        f"{API}/workers",
        f"{API}/workers/{{worker_id}}",
        f"{API}/workers/{{worker_id}}/status",
        f"{API}/sectors",
        f"{API}/regions/{{code}}",
        f"{API}/regions/{{code}}/children",
        f"{API}/audit",
        f"{API}/imports",
        f"{API}/imports/{{import_id}}",
        f"{API}/imports/{{import_id}}/save",
        f"{API}/imports/{{import_id}}/report",
    }
    assert schema["components"]["securitySchemes"]["BearerTokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }


def test_docs_page_loads_swagger_from_the_instance_itself(client):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
