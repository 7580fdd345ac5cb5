"""A scene for tracking: contracts of two agencies stopped at each kind of wait, at a known date."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from govledger.app import App
from govledger.ledger import Ledger
from govledger.types import Sen

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from chain_support import ChainControl
from conftest import ACCOUNTS, YEAR, make_spec

OTHER_AGENCY = "DEMO-DINKES-KOTA-CONTOH"


def ts(month: int, day: int, year: int = YEAR) -> int:
    return int(datetime(year, month, day, tzinfo=timezone.utc).timestamp())


@dataclass
class Scene:
    app: App
    chain: ChainControl
    verified: str  # milestone 0 verified, milestone 1 waits for inspector2 or inspector3
    pending: str  # offered, not accepted
    rejected: str  # milestone 0 rejected, escrow unfunded
    other: str  # OTHER_AGENCY, pending


def _app(ledger: Ledger) -> App:
    return App(ledger)  # the session's ledger with a fresh in-memory read model (not closed: it is shared)


@pytest.fixture
def scene(ledger: Ledger, chain: ChainControl) -> Iterator[Scene]:
    a = ACCOUNTS
    official, contractor = a["official"], a["contractor"]
    i1, i2 = a["inspector1"], a["inspector2"]
    chain.time_travel(ts(1, 5))
    verified = make_spec("ocds-trk001-0001")  # 400,000 due 1 Jan, 600,000 due 1 Feb
    ledger.register(official, verified)
    ledger.accept(contractor, verified.ocid)
    ledger.fund(official, verified.ocid, verified.value)
    ledger.submit(contractor, verified.ocid, 0, b"\x01" * 32)
    ledger.approve(i1, verified.ocid, 0, b"\x02" * 32)
    ledger.approve(i2, verified.ocid, 0, b"\x03" * 32)
    chain.time_travel(ts(1, 20))
    ledger.submit(contractor, verified.ocid, 1, b"\x04" * 32)
    ledger.approve(i1, verified.ocid, 1, b"\x05" * 32)
    pending = make_spec("ocds-trk001-0002")
    ledger.register(official, pending)
    rejected = make_spec("ocds-trk001-0003", amounts=(300_000_00,))
    ledger.register(official, rejected)
    ledger.accept(contractor, rejected.ocid)
    chain.time_travel(ts(1, 25))
    ledger.submit(contractor, rejected.ocid, 0, b"\x06" * 32)
    ledger.reject(i1, rejected.ocid, 0, b"\x07" * 32)
    ledger.enable_agency(a["admin"], OTHER_AGENCY)
    ledger.appoint_official(a["admin"], OTHER_AGENCY, official.address)
    chain.time_travel(ts(2, 20))
    other = replace(make_spec("ocds-trk001-0004"), agency=OTHER_AGENCY)
    ledger.register(official, other)
    app = _app(ledger)
    app.sync()
    yield Scene(app, chain, verified.ocid, pending.ocid, rejected.ocid, other.ocid)
    app.engine.dispose()


__all__ = ["ACCOUNTS", "OTHER_AGENCY", "Scene", "Sen", "ts"]
