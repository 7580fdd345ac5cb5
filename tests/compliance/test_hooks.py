"""The other parts log their reads of personal data: an auditor reading the server's activity log leaves one
access-log line per person whose lines they saw."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from govledger.compliance import AccessLog, PrivacyStore
from govledger.server import ServerSettings, create_app
from govledger.server.store import ActivityLog

from .conftest import served_app

SITI = "https://sso.example.go.id#siti"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, account: str) -> None:
    """The development sign-in of the pages, as a demo account."""
    answer = client.post("/signin/dev", data={"csrf": csrf_of(client.get("/signin").text), "account": account})
    assert answer.status_code == 303, answer.text


def test_readingTheActivityLog_isRecordedPerPersonSeen(tmp_path: Path) -> None:
    app = served_app(tmp_path)
    api = create_app(app, ServerSettings(), follow_chain=False)
    with TestClient(api, follow_redirects=False) as client:
        ActivityLog(app.engine).record(subject=SITI, action="accept", target="ocds-x", client="203.0.113.7", outcome="ok")
        answer = client.get("/api/v1/activity", headers={"Authorization": "Bearer dev:auditor"})
        sign_in(client, "auditor")
        page = client.get("/auditor/activity")
    app.close()
    assert answer.status_code == 200 and answer.json()["total"] == 1 and SITI in page.text
    with PrivacyStore.for_data_dir(tmp_path) as store:
        lines = AccessLog(store).entries()
    assert [(e.reader, e.subject, e.what, e.purpose) for e in lines] == [
        ("dev:auditor", SITI, "activity log lines", "audit")] * 2  # the API, then the page


def test_supportStaffReadingAQuestion_isRecordedAgainstTheAsker(tmp_path: Path) -> None:
    app = served_app(tmp_path)
    api = create_app(app, ServerSettings(), follow_chain=False)
    with TestClient(api, follow_redirects=False) as asker, TestClient(api, follow_redirects=False) as staff:
        sign_in(asker, "contractor")
        form = asker.get("/support/ask?page=/contractor")
        asker.post("/support/ask", data={"csrf": csrf_of(form.text), "kind": "question", "page": "/contractor",
                                         "title": "Kapan retensi dicairkan?", "body": "Setelah masa pemeliharaan?"})
        sign_in(staff, "admin")
        number = staff.get("/support").text.split('href="/support/')[1].split('"')[0]
        assert staff.get(f"/support/{number}").status_code == 200
        assert asker.get(f"/support/{number}").status_code == 200  # the asker reading their own: not logged
    app.close()
    with PrivacyStore.for_data_dir(tmp_path) as store:
        lines = [(e.reader, e.subject, e.what) for e in AccessLog(store).entries()]
    assert lines == [("dev:admin", "dev:contractor", "support question"),
                     ("dev:admin", "dev:contractor", f"support question #{number}")]
