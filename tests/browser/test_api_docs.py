"""The API docs (Swagger UI) in Chromium, under the Content-Security-Policy the site sends."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_render_under_the_sites_csp(page, live_server, snap):
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    outside = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else outside.append(request.url)
        ),
    )
    response = page.goto("/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("ESF-portalen API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    page.get_by_text("/api/v1/projects/", exact=True).first.click()
    expect(page.locator(".parameters").first).to_contain_text("region")
    snap(page, "api-docs")
    assert refused == []
    assert [url for url in outside if not url.startswith("data:")] == []
