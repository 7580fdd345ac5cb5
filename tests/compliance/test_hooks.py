"""The other parts log their reads of personal data: an auditor reading the server's activity log leaves one
access-log line per person whose lines they saw."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from govledger.compliance import AccessLog, PrivacyStore
from govledger.server import ServerSettings, create_app
from govledger.server.store import ActivityLog

from .conftest import served_app

SITI = "https://sso.example.go.id#siti"


def test_readingTheActivityLog_isRecordedPerPersonSeen(tmp_path: Path) -> None:
    app = served_app(tmp_path)
    api = create_app(app, ServerSettings(), follow_chain=False)
    with TestClient(api) as client:
        ActivityLog(app.engine).record(subject=SITI, action="accept", target="ocds-x", client="203.0.113.7", outcome="ok")
        answer = client.get("/api/v1/activity", headers={"Authorization": "Bearer dev:auditor"})
    app.close()
    assert answer.status_code == 200 and answer.json()["total"] == 1
    with PrivacyStore.for_data_dir(tmp_path) as store:
        lines = AccessLog(store).entries()
    assert [(e.reader, e.subject, e.what, e.purpose) for e in lines] == [("dev:auditor", SITI, "activity log lines", "audit")]
