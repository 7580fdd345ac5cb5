"""Evidence for ASVS items that no other test covered (docs/security.md, "OWASP ASVS level 2")."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from govledger.server import ServerSettings, create_app
from govledger.web.context import WebState

from .conftest import served_app


def test_everyResponse_forbidsCachingReferrersAndPlainHttp(tmp_path: Path) -> None:  # ASVS 8.1.1, 14.4.5, 14.4.6
    app = served_app(tmp_path)
    with TestClient(create_app(app, ServerSettings(), follow_chain=False)) as client:
        answers = [client.get("/healthz"), client.get("/api/v1/contracts"), client.get("/api/v1/contracts/ocds-none")]
    app.close()
    for answer in answers:
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["strict-transport-security"].startswith("max-age=31536000")
        assert "access-control-allow-origin" not in answer.headers  # no cross-origin reads (ASVS 14.5.3)


def test_pages_escapeWhatPeopleTyped() -> None:  # ASVS 5.3.1, 5.3.3
    typed = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    page = WebState(None).environments["id"].get_template("error.html").render(
        status_code=400, message=typed, path=typed, user=None, lang="id", csrf="", nav=[], flash=None)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
