"""The OpenAPI schema: served as YAML and JSON, checked into docs/openapi.yaml, read in a page
that keeps the portal's content security policy."""

import json
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

CHECKED_IN = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
REGENERATE = "python manage.py spectacular --file docs/openapi.yaml"


def test_docs_openapi_yaml_is_the_schema_the_code_makes(tmp_path):
    generated = tmp_path / "openapi.yaml"

    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")

    assert generated.read_text() == CHECKED_IN.read_text(), (
        f"docs/openapi.yaml differs from the schema the code makes: regenerate it with "
        f"`{REGENERATE}` and commit it."
    )


@pytest.mark.django_db
def test_the_schema_is_served_as_yaml_and_as_json_and_is_the_checked_in_one(client):
    as_yaml = client.get("/api/schema/", HTTP_AUTHORIZATION="Bearer wrong")
    as_json = client.get("/api/schema/?format=json")

    assert as_yaml.status_code == as_json.status_code == 200
    assert as_yaml["Content-Type"].startswith("application/vnd.oai.openapi")
    assert as_json["Content-Type"].startswith("application/vnd.oai.openapi+json")
    schema = yaml.safe_load(as_yaml.content)
    assert schema == json.loads(as_json.content) == yaml.safe_load(CHECKED_IN.read_text())
    assert schema["openapi"].startswith("3.")


def operations() -> dict:
    schema = yaml.safe_load(CHECKED_IN.read_text())
    return {
        (path, method): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }


def test_the_schema_names_the_bearer_token_on_the_staff_calls_only():
    schema = yaml.safe_load(CHECKED_IN.read_text())
    ops = operations()

    scheme = schema["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert ops[("/api/v1/requests/", "get")]["security"] == [{"bearerAuth": []}]
    assert ops[("/api/v1/requests/{reference}/", "get")]["security"] == [{"bearerAuth": []}]
    assert "security" not in ops[("/api/v1/requests/", "post")]


def test_the_schema_documents_errors_as_problems_and_the_lists_pages():
    ops = operations()
    expected = {
        ("/api/v1/requests/", "get"): {"400", "401", "403"},
        ("/api/v1/requests/", "post"): {"400", "429"},
        ("/api/v1/requests/{reference}/", "get"): {"401", "403", "404"},
    }

    for key, statuses in expected.items():
        responses = ops[key]["responses"]
        errors = {status for status in responses if status.startswith(("4", "5"))}
        assert errors == statuses, key
        for status in statuses:
            [media_type] = responses[status]["content"]
            assert media_type == "application/problem+json"
    listing = ops[("/api/v1/requests/", "get")]
    page = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    parameters = {parameter["name"] for parameter in listing["parameters"]}
    assert page.endswith("/RequestPage")
    assert {"cursor", "page_size", "ordering", "status", "overdue", "assignee"} <= parameters


@pytest.mark.django_db
def test_the_reference_page_loads_its_scripts_from_the_portal_under_the_same_policy(client):
    page = client.get("/api/docs/")
    home = client.get("/")

    html = page.content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert page.status_code == 200
    assert page["Content-Security-Policy"] == home["Content-Security-Policy"]
    assert "<script>" not in html and "<style>" not in html
    assert len(scripts) == 3 and len(styles) == 2
    assert all(src.startswith(("/static/", "/api/docs/")) for src in scripts + styles)
    setup = client.get(scripts[-1].replace("&amp;", "&"))
    assert setup.status_code == 200
    assert setup["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in setup.content.decode()
