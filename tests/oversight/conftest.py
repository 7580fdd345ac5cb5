"""Oversight tests over the fictional pilot ledger (in memory, deployed once per session of this package); each
test gets its own read model and oversight tables over that chain, so records never leak between tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from chain_support import ChainControl

from govledger.accounts import DEMO_ADDRESSES, demo_accounts
from govledger.app import App
from govledger.integrations.migration.anchor import Anchors
from govledger.ledger import Ledger
from govledger.oversight import Actor, Oversight
from govledger.pilot import PILOT_AGENCY, load_pilot, setup_roles
from govledger.readmodel import open_read_model
from govledger.signers import DemoSigner

OCID = "ocds-demo01-2026-PUPR-001"
KEY = bytes(range(32))


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="package")
def pilot_ledger() -> Iterator[Ledger]:
    ledger = Ledger.open(None)
    acc = demo_accounts()
    ledger.deploy(acc["admin"], acc["treasury"].address)
    setup_roles(ledger)
    load_pilot(ledger)
    Anchors(ledger).ensure_deployed(acc["admin"])  # before any snapshot: every test's rewind keeps it
    yield ledger
    ledger.close()


@pytest.fixture
def app(pilot_ledger: Ledger, tmp_path: Path) -> Iterator[App]:
    chain = ChainControl(pilot_ledger.w3)
    snapshot = chain.snapshot()
    app = App(pilot_ledger, signer=DemoSigner(), engine=open_read_model(None, tmp_path))
    app.sync()
    yield app
    app.engine.dispose()
    chain.revert(snapshot)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ov(app: App, clock: Clock) -> Oversight:
    return Oversight(app, key=KEY, clock=clock)


def person(name: str) -> Actor:
    return Actor(f"oidc:{name}")


OFFICIAL = Actor("dev:official", ("official",), PILOT_AGENCY, DEMO_ADDRESSES["official"])
CONTRACTOR = Actor("dev:contractor", ("contractor",), None, DEMO_ADDRESSES["contractor"])
ARBITER = Actor("dev:arbiter", ("arbiter",), None, DEMO_ADDRESSES["arbiter"])
AUDITOR = Actor("dev:auditor", ("auditor",), None, DEMO_ADDRESSES["auditor"])
