"""One audit scenario on the session's in-memory ledger: six contracts at telling stages, indexed fresh per test.

| ocid                 | what happened                                                                  |
| -------------------- | ------------------------------------------------------------------------------ |
| ocds-aud001-paid     | works (5% retention); advance paid; m0 approved 2/2, paid, withdrawn; m1 rejected, resubmitted, paid |
| ocds-aud001-creep    | cap 20% at registration; amended twice: +5%, +13% in total                     |
| ocds-aud001-many     | amended three times, +1% each                                                  |
| ocds-aud001-dispute  | m0 submitted, then a dispute raised and never resolved                         |
| ocds-aud001-overdue  | both milestones due in mid last year (before the chain's clock), nothing submitted |
| ocds-aud001-ended    | terminated, unspent escrow reclaimed                                           |
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from govledger.accounts import demo_accounts
from govledger.ledger import Ledger
from govledger.readmodel import Indexer, open_read_model
from govledger.types import Category, MilestoneChange, MilestoneSpec, Parameters, Sen

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import YEAR, make_spec  # noqa: E402
from chain_support import ChainControl

A = demo_accounts()
PAID, CREEP, MANY, DISPUTE, OVERDUE, ENDED = (
    "ocds-aud001-paid", "ocds-aud001-creep", "ocds-aud001-many", "ocds-aud001-dispute", "ocds-aud001-overdue",
    "ocds-aud001-ended")
VALUE = 1_000_000_00


@dataclass(frozen=True)
class Scenario:
    ledger: Ledger
    head: int  # block number after the scenario
    head_time: int  # its timestamp


def grow_last_milestone(value: int) -> list[MilestoneChange]:
    """The change that keeps the milestones adding up to an amended `value`: the last one takes the rest."""
    first, last = make_spec().milestones
    return [MilestoneChange(1, Sen(value - first.amount), last.due, last.inspectors, last.required_approvals)]


def build(ledger: Ledger) -> None:
    official, contractor, arbiter = A["official"], A["contractor"], A["arbiter"]
    i1, i2, i3 = (A[f"inspector{i}"] for i in (1, 2, 3))
    paid = replace(make_spec(PAID, category=Category.WORKS), advance_payment=Sen(100_000_00))
    ledger.register(official, paid)
    ledger.accept(contractor, PAID)
    ledger.fund(official, PAID, Sen(VALUE))
    ledger.pay_advance(official, PAID)
    ledger.submit(contractor, PAID, 0, b"\x01" * 32)
    ledger.approve(i1, PAID, 0, b"\x02" * 32)
    ledger.approve(i2, PAID, 0, b"\x03" * 32)
    ledger.withdraw(contractor, PAID)
    ledger.submit(contractor, PAID, 1, b"\x04" * 32)
    ledger.reject(i3, PAID, 1, b"\x05" * 32)
    ledger.submit(contractor, PAID, 1, b"\x06" * 32)
    ledger.approve(i1, PAID, 1, b"\x07" * 32)
    ledger.approve(i3, PAID, 1, b"\x08" * 32)

    ledger.set_parameters(A["admin"], Parameters(amendment_cap_bps=2000))
    ledger.register(official, make_spec(CREEP))
    ledger.set_parameters(A["admin"], Parameters())
    ledger.accept(contractor, CREEP)
    for value in (1_050_000_00, 1_130_000_00):
        changes = grow_last_milestone(value)
        ledger.propose_amendment(official, CREEP, Sen(value), b"\x09" * 32, changes)
        ledger.consent_amendment(contractor, CREEP, Sen(value), b"\x09" * 32, changes)

    ledger.register(official, make_spec(MANY))
    ledger.accept(contractor, MANY)
    for value in (1_010_000_00, 1_020_000_00, 1_030_000_00):
        changes = grow_last_milestone(value)
        ledger.propose_amendment(contractor, MANY, Sen(value), b"\x0a" * 32, changes)
        ledger.consent_amendment(official, MANY, Sen(value), b"\x0a" * 32, changes)

    ledger.register(official, make_spec(DISPUTE))
    ledger.accept(contractor, DISPUTE)
    ledger.fund(official, DISPUTE, Sen(VALUE))
    ledger.submit(contractor, DISPUTE, 0, b"\x0b" * 32)
    ledger.raise_dispute(contractor, DISPUTE, b"\x0c" * 32)

    spec = make_spec(OVERDUE)
    inspectors = spec.milestones[0].inspectors
    ledger.register(official, replace(spec, start=date(YEAR - 3, 1, 1), milestones=(
        MilestoneSpec(Sen(400_000_00), date(YEAR - 3, 6, 1), inspectors, 2),
        MilestoneSpec(Sen(600_000_00), date(YEAR - 3, 7, 1), inspectors, 2))))
    ledger.accept(contractor, OVERDUE)

    ledger.register(official, make_spec(ENDED))
    ledger.accept(contractor, ENDED)
    ledger.fund(official, ENDED, Sen(500_000_00))
    ledger.terminate(official, ENDED, b"\x0d" * 32)
    ledger.reclaim(official, ENDED)
    del arbiter


@pytest.fixture(scope="package")
def scenario(_deployed: Ledger) -> Iterator[Scenario]:
    tester = ChainControl(_deployed.w3)
    snapshot = tester.snapshot()
    build(_deployed)
    head = _deployed.w3.eth.get_block("latest")
    yield Scenario(_deployed, int(head["number"]), int(head["timestamp"]))
    tester.revert(snapshot)


@pytest.fixture(scope="package")
def indexed(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scenario indexed once by the real Indexer into a SQLite file (copied for each test)."""
    path = tmp_path_factory.mktemp("readmodel") / "rm.sqlite"
    engine = open_read_model(f"sqlite:///{path}")
    Indexer.for_ledger(scenario.ledger, engine).sync()
    engine.dispose()
    return path


def copy_db(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    dst.close()
    src.close()


@pytest.fixture
def db_path(indexed: Path, tmp_path: Path) -> Path:
    """This test's own copy of the indexed read model (tests may tamper with it)."""
    path = tmp_path / "rm.sqlite"
    copy_db(indexed, path)
    return path


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    engine = open_read_model(f"sqlite:///{db_path}")
    yield engine
    engine.dispose()


def sql(db_path: Path, statement: str, *params: object) -> list[tuple[object, ...]]:
    """Run SQL on the read model file directly, as someone editing the database by hand would."""
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(statement, params).fetchall()
    conn.close()
    return rows
