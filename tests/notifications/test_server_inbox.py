"""The notifier as the server wires it: subscribed to the App's syncs, the demo people known, the inbox page
shows what waits, and email goes out through the SMTP server named in the environment."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from govledger.app import App
from govledger.ledger import Ledger
from govledger.server import ServerSettings, create_app

from .test_notifications import _Collect, smtp, started  # noqa: F401  (the local SMTP server fixture)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import ACCOUNTS


def sign_in(client: TestClient, account: str) -> None:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/signin").text).group(1)  # type: ignore[union-attr]
    assert client.post("/signin/dev", data={"csrf": token, "account": account}).status_code == 303


@pytest.fixture
def served(ledger: Ledger, smtp, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[App, TestClient, _Collect]]:  # noqa: F811
    controller, handler = smtp
    monkeypatch.setenv("GOVLEDGER_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("GOVLEDGER_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("GOVLEDGER_SMTP_FROM", "noreply@govledger.test")
    app = App(ledger)
    api = create_app(app, ServerSettings(writes_per_minute=10_000, sign_ins_per_minute=10_000), follow_chain=False)
    with TestClient(api, follow_redirects=False) as client:
        yield app, client, handler
    app.engine.dispose()


def test_aSubmissionReachesTheInspectorsInboxPage_andTheirEmail(served) -> None:  # type: ignore[no-untyped-def]
    from govledger.notifications import Person, remember

    app, client, handler = served
    remember(app.engine, Person("dev:inspector1", "inspector1", ACCOUNTS["inspector1"].address, ("inspector",),
                                email="inspector1@example.test"))
    spec = started(app, "ocds-ntfsrv-0001")
    app.sync()
    sign_in(client, "inspector1")
    page = client.get("/inbox?lang=en").text
    assert "A milestone waits for your approval" in page and f'href="/contract/{spec.ocid}"' in page
    assert "Termin menunggu persetujuan Anda" in client.get("/inbox?lang=id").text
    assert [r for r, _ in handler.messages] == [["inspector1@example.test"]]  # the others have no email
    app.sync()
    assert len(handler.messages) == 1  # never twice
