"""Fixtures for the read model: a persistent chain with many contracts, databases, an anvil node."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from govledger.accounts import demo_accounts
from govledger.ledger import Ledger
from govledger.pilot import setup_roles
from govledger.readmodel import open_read_model, schema
from govledger.types import Category, MilestoneChange, Sen

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import make_spec  # noqa: E402
from chain_support import running_anvil

ROOT = Path(__file__).resolve().parents[2]
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
A = demo_accounts()
CONTRACTS = 200


def build_scenario(ledger: Ledger, contracts: int = CONTRACTS, prefix: str = "ocds-rmtest") -> list[str]:
    """Register `contracts` contracts in batches and drive a few through every kind of event."""
    official, contractor = A["official"], A["contractor"]
    specs = [make_spec(f"{prefix}-{n:04d}", category=Category(n % 4), approvals=1 + n % 2) for n in range(contracts)]
    specs[1] = replace(specs[1], advance_payment=Sen(100_000_00))
    for i in range(0, contracts, 50):
        ledger.register_batch(official, specs[i:i + 50])
    ocids = [s.ocid for s in specs]
    for ocid in ocids[:6]:
        ledger.accept(contractor, ocid)
        ledger.fund(official, ocid, Sen(1_000_000_00))
    # paid milestone, withdrawn (and the advance on ocids[1])
    ledger.pay_advance(official, ocids[1])
    for ocid in ocids[:2]:
        ledger.submit(contractor, ocid, 0, b"\1" * 32)
        ledger.approve(A["inspector1"], ocid, 0, b"\2" * 32)
        if ocid == ocids[1]:
            ledger.approve(A["inspector2"], ocid, 0, b"\2" * 32)
        ledger.withdraw(contractor, ocid)
    # rejected, then resubmitted
    ledger.submit(contractor, ocids[2], 0, b"\3" * 32)
    ledger.reject(A["inspector1"], ocids[2], 0, b"\4" * 32)
    ledger.submit(contractor, ocids[2], 0, b"\5" * 32)
    # amended (value up 5%, milestone 1 re-planned), disputed and resolved, terminated and refunded
    first = make_spec().milestones[1]
    changes = [MilestoneChange(index=1, amount=Sen(650_000_00), due=first.due, inspectors=first.inspectors,
                               required_approvals=2)]
    ledger.propose_amendment(official, ocids[3], Sen(1_050_000_00), b"\6" * 32, changes)
    ledger.consent_amendment(contractor, ocids[3], Sen(1_050_000_00), b"\6" * 32, changes)
    ledger.raise_dispute(contractor, ocids[4], b"\7" * 32)
    ledger.resolve_dispute(A["arbiter"], ocids[4], b"\x08" * 32)
    ledger.terminate(official, ocids[5], b"\x09" * 32)
    ledger.reclaim(official, ocids[5])
    return ocids


@pytest.fixture(scope="session")
def scenario_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A persistent embedded chain with the scenario on it (closed: open it with Ledger.open)."""
    data = tmp_path_factory.mktemp("chain")
    with Ledger.open(data, create=True) as ledger:
        ledger.deploy(A["admin"], A["treasury"].address)
        setup_roles(ledger)
        build_scenario(ledger)
    return data


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the read model's tables, sorted: equal dumps mean identical read models."""
    out = {}
    with engine.connect() as conn:
        for table in (schema.events, schema.checkpoints, schema.contracts, schema.milestones):
            rows = [tuple(r) for r in conn.execute(select(table))]
            out[table.name] = sorted(rows, key=repr)
    return out


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """The read model in a fresh schema of the local PostgreSQL `test` database, dropped afterwards."""
    import psycopg

    try:
        psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL at 127.0.0.1:5432 (database test, user postgres) is unreachable: {exc}"
        if os.environ.get("CI"):  # CI must prove the PostgreSQL path; .ci/run starts the server
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"rm_{uuid.uuid4().hex[:12]}"
    engine = open_read_model(PG_URL, schema_name=name)
    yield engine
    engine.dispose()
    base = open_read_model(PG_URL, create=False)
    with base.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    base.dispose()


@pytest.fixture(scope="module")
def anvil_ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    """A real anvil node with the suite deployed by scripts/deploy.py and the demo roles appointed
    (one per test module: tests there use their own ocids)."""
    with running_anvil() as url:
        manifest = tmp_path_factory.mktemp("anvil") / "anvil.json"
        done = subprocess.run([sys.executable, str(ROOT / "scripts" / "deploy.py"), "--rpc-url", url, "--manifest",
                               str(manifest), "--fund-demo-accounts", "--demo-roles"],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        with Ledger.open(None, rpc_url=url, manifest=manifest) as ledger:
            yield ledger


def rpc(ledger: Ledger, method: str, *params: Any) -> Any:
    response = ledger.w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
    assert "error" not in response, json.dumps(response.get("error"))
    return response["result"]
