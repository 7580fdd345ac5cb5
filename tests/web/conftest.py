"""Web tests in process: the fictional pilot ledger (in memory) behind the server's FastAPI app, and a
TestClient that signs in through the pages' development sign-in."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from govledger.accounts import demo_accounts
from govledger.app import App
from govledger.ledger import Ledger
from govledger.pilot import load_pilot, setup_roles
from govledger.readmodel import open_read_model
from govledger.server import ServerSettings, create_app
from govledger.signers import DemoSigner

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def running_pilot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The fictional pilot on a new in-memory chain (about a second), closed after its scope."""
    ledger = Ledger.open(None)
    acc = demo_accounts()
    ledger.deploy(acc["admin"], acc["treasury"].address)
    setup_roles(ledger)
    load_pilot(ledger)
    app = App(ledger, signer=DemoSigner(), engine=open_read_model(None, tmp_path_factory.mktemp("web")))
    app.sync()
    yield app
    app.close()


def serving(pilot_app: App):  # type: ignore[no-untyped-def]
    return create_app(pilot_app, ServerSettings(writes_per_minute=10_000, sign_ins_per_minute=10_000),
                      follow_chain=False)


# Shared by the modules that only read the chain. A module that writes to it (test_pages_flow) declares its
# own module-scoped `pilot_app` and `api` from these functions, so the pilot's waits and red flags that the
# portal tests read stay as loaded whatever runs first.
pilot_app = pytest.fixture(scope="package", name="pilot_app")(running_pilot)
api = pytest.fixture(scope="package", name="api")(serving)


@pytest.fixture
def browser_client(api) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A fresh cookie jar per test (a new visitor)."""
    with TestClient(api, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, account: str) -> None:
    token = csrf_of(client.get("/signin").text)
    answer = client.post("/signin/dev", data={"csrf": token, "account": account})
    assert answer.status_code == 303, answer.text


def pdf(text: str = "progress report") -> bytes:
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `govledger serve` on the pilot data, shared by the browser tests (started once: ~15 s)."""
    from .browser import served_pilot

    with served_pilot(tmp_path_factory.mktemp("served") / "ledger") as url:
        yield url


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    """Debian's chromium, headless, driven by Playwright (no browser download)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from .browser import CHROMIUM, CHROMIUM_ARGS

    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
