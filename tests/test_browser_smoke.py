import pytest

BOOTSTRAP_CSS = "/static/vendor/bootstrap-5.3.9/css/bootstrap.min.css"

pytestmark = pytest.mark.browser


def test_the_health_check_says_ok_in_a_browser(page, live_server):
    response = page.goto(live_server.url + "/healthz")

    assert response.status == 200
    assert page.locator("body").inner_text().strip() == "ok"


def test_the_live_server_serves_vendored_bootstrap(page, live_server):
    response = page.goto(live_server.url + BOOTSTRAP_CSS)

    assert response.status == 200
    assert "text/css" in response.headers["content-type"]
    assert "Bootstrap" in response.text()[:200]
