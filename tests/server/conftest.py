"""Server tests: one in-memory ledger with the demo roles per module, an app object over it, and a
TestClient on the API. Tokens are the development ones (`dev:<demo account>`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from govledger.accounts import demo_account, demo_accounts
from govledger.app import App
from govledger.ledger import Ledger
from govledger.pilot import setup_roles
from govledger.readmodel import open_read_model
from govledger.server import ServerSettings, create_app
from govledger.signers import DemoSigner


def open_app(data_dir: Path) -> App:
    """An in-memory ledger with the demo roles, its read model in `data_dir` (SQLite on a file: the
    server's threads share it), signing with the demo accounts."""
    ledger = Ledger.open(None)
    acc = demo_accounts()
    ledger.deploy(acc["admin"], acc["treasury"].address)
    setup_roles(ledger)
    return App(ledger, signer=DemoSigner(), engine=open_read_model(None, data_dir))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    opened = open_app(tmp_path_factory.mktemp("server"))
    yield opened
    opened.close()
    opened.engine.dispose()


@pytest.fixture(scope="module")
def client(app: App) -> Iterator[TestClient]:
    api = create_app(app, ServerSettings(writes_per_minute=10_000), follow_chain=False)
    with TestClient(api, raise_server_exceptions=False) as test_client:
        yield test_client


def auth(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer dev:{name}"}


def address(name: str) -> str:
    return demo_account(name).address


def contract_body(ocid: str, value: int = 900_000_000_00, **overrides: Any) -> dict[str, Any]:
    today = date.today()
    inspectors = [address("inspector1"), address("inspector2"), address("inspector3")]
    body = {
        "ocid": ocid, "agency": "DEMO-DPUPR-KAB-CONTOH", "contractor": address("contractor"), "category": "goods",
        "value": value, "start": today.isoformat(), "end": (today + timedelta(days=200)).isoformat(),
        "milestones": [
            {"amount": value // 3, "due": (today + timedelta(days=90)).isoformat(), "required_approvals": 2,
             "inspectors": inspectors},
            {"amount": value - value // 3, "due": (today + timedelta(days=180)).isoformat(),
             "required_approvals": 2, "inspectors": inspectors},
        ],
    }
    body.update(overrides)
    return body


HASH = "0x" + "ab" * 32
