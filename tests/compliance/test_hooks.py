"""The other parts log their reads of personal data: an auditor reading the server's activity log leaves one
access-log line per person whose lines they saw."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from govledger.accounts import demo_accounts
from govledger.app import App
from govledger.compliance import AccessLog, PrivacyStore
from govledger.ledger import Ledger
from govledger.pilot import setup_roles
from govledger.readmodel import open_read_model
from govledger.server import ServerSettings, create_app
from govledger.server.store import ActivityLog
from govledger.signers import DemoSigner

SITI = "https://sso.example.go.id#siti"


def test_readingTheActivityLog_isRecordedPerPersonSeen(tmp_path: Path) -> None:
    ledger = Ledger.open(None)
    accounts = demo_accounts()
    ledger.deploy(accounts["admin"], accounts["treasury"].address)
    setup_roles(ledger)
    app = App(ledger, signer=DemoSigner(), engine=open_read_model(None, tmp_path), data_dir=tmp_path)
    api = create_app(app, ServerSettings(), follow_chain=False)
    with TestClient(api) as client:
        ActivityLog(app.engine).record(subject=SITI, action="accept", target="ocds-x", client="203.0.113.7", outcome="ok")
        answer = client.get("/api/v1/activity", headers={"Authorization": "Bearer dev:auditor"})
    app.close()
    assert answer.status_code == 200 and answer.json()["total"] == 1
    with PrivacyStore.for_data_dir(tmp_path) as store:
        lines = AccessLog(store).entries()
    assert [(e.reader, e.subject, e.what, e.purpose) for e in lines] == [("dev:auditor", SITI, "activity log lines", "audit")]
