"""The API reference in the browser: Swagger UI draws the schema with nothing the content
security policy refuses and nothing loaded from another site."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest


@pytest.mark.django_db(transaction=True)
def test_the_api_reference_shows_every_operation_under_the_portals_policy(new_page, live_server):
    page = new_page("en")
    refused, hosts = [], set()

    def note_refusal(message) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", note_refusal)
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))

    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock")

    operations = page.locator(".opblock-summary-path").all_text_contents()
    assert {path.replace("\u200b", "") for path in operations} == {
        "/api/v1/requests/",
        "/api/v1/requests/{reference}/",
        "/api/v1/requests/{reference}/moves/{move}/",
    }
    assert page.locator(".swagger-ui .info .title").text_content().startswith("privacyportal API")
    assert page.locator(".swagger-ui .btn.authorize").count() == 1
    assert refused == []
    # The page's own style sheet, in place of drf-spectacular's inline style, was applied.
    assert page.evaluate("() => getComputedStyle(document.body).margin") == "0px"
    assert hosts == {urlsplit(live_server.url).netloc}
