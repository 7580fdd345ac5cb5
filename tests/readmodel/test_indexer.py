"""The indexer over the embedded chain: SQLite and PostgreSQL agree, syncs are idempotent, a kill -9
mid-replay resumes to the same rows, and the projections match what the chain itself says."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from govledger.ledger import Ledger
from govledger.readmodel import Indexer, contract_events, contract_milestones, list_contracts, open_read_model, schema
from govledger.readmodel.indexer import normalize
from govledger.types import contract_id

from .conftest import CONTRACTS, dump

KILL_SCRIPT = """
import sys
from govledger.ledger import Ledger
from govledger.readmodel import Indexer, open_read_model
with Ledger.open(sys.argv[1]) as ledger:
    indexer = Indexer.for_ledger(ledger, open_read_model(sys.argv[2]), batch_blocks=1)
    indexer.sync(progress=lambda done, total: print(done, total, flush=True))
"""


def replay(chain: Path, engine: Engine, **options: int) -> tuple[Indexer, object]:
    with Ledger.open(chain) as ledger:
        indexer = Indexer.for_ledger(ledger, engine, **options)
        return indexer, indexer.sync()


@pytest.fixture(scope="module")
def reference(scenario_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[object, ...]]]:
    """The read model of one uninterrupted replay into SQLite."""
    engine = open_read_model(None, tmp_path_factory.mktemp("reference"))
    replay(scenario_dir, engine)
    return dump(engine)


def test_replay_sqliteAndPostgres_storeIdenticalRows(scenario_dir: Path, reference: dict, pg_engine: Engine) -> None:
    _, result = replay(scenario_dir, pg_engine, batch_blocks=7)  # other batch boundaries, same rows
    assert dump(pg_engine) == reference
    assert result.events == len(reference["events"]) > CONTRACTS * 4  # registered, inspectors, 2 milestones each
    assert len(reference["contracts"]) == CONTRACTS and len(reference["milestones"]) == CONTRACTS * 2


def test_sync_twice_addsNothingAndKeepsTheRows(scenario_dir: Path, reference: dict, tmp_path: Path) -> None:
    engine = open_read_model(None, tmp_path)
    with Ledger.open(scenario_dir) as ledger:
        indexer = Indexer.for_ledger(ledger, engine)
        first = indexer.sync()
        second = indexer.sync()
        head = ledger.w3.eth.block_number
    assert first.events > 0 and second.events == 0 and second.blocks == 0
    assert indexer.checkpoint() is not None and indexer.checkpoint()[0] == head
    assert dump(engine) == reference


def test_sync_afterALostCheckpoint_insertsNoDuplicates(scenario_dir: Path, reference: dict, tmp_path: Path) -> None:
    """Rows are keyed by (block_hash, log_index): replaying blocks already stored adds nothing."""
    engine = open_read_model(None, tmp_path)
    replay(scenario_dir, engine)
    with engine.begin() as conn:
        conn.execute(schema.checkpoints.delete())
    _, again = replay(scenario_dir, engine)
    assert again.events == 0 and again.blocks > 0
    assert dump(engine) == reference


def test_kill9_midReplay_resumesToTheRowsOfAnUninterruptedRun(scenario_dir: Path, reference: dict,
                                                            tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'killed.sqlite'}"
    stops = []
    for fraction in (0.3, 0.7):
        worker = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(scenario_dir), url],
                                  stdout=subprocess.PIPE, text=True)
        assert worker.stdout is not None
        for line in worker.stdout:
            done, total = map(int, line.split())
            if total and done >= fraction * total:
                break
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        assert worker.returncode == -signal.SIGKILL
        engine = open_read_model(url)
        with engine.connect() as conn:
            stops.append(conn.execute(select(schema.checkpoints.c.block_number)).scalar_one())
        engine.dispose()
    head = reference["checkpoints"][0][1]
    assert stops[0] < stops[1] < head, f"the kills landed at {stops}, expected mid-replay before block {head}"
    engine = open_read_model(url)
    _, rest = replay(scenario_dir, engine)
    assert rest.from_block == stops[1] + 1
    assert dump(engine) == reference


def test_projections_agreeWithTheChain(scenario_dir: Path, tmp_path: Path) -> None:
    engine = open_read_model(None, tmp_path)
    with Ledger.open(scenario_dir) as ledger:
        Indexer.for_ledger(ledger, engine).sync()
        rows = {r["ocid"]: r for r in list_contracts(engine, "DEMO-DPUPR-KAB-CONTOH")}
        assert len(rows) == CONTRACTS
        for ocid in [f"ocds-rmtest-{n:04d}" for n in (0, 1, 2, 3, 4, 5, 6)]:
            c, a = ledger.contract(ocid), ledger.escrow_account(ocid)
            row = rows[ocid]
            assert (row["status"], row["disputed"]) == (c.status.name.lower(), c.disputed), ocid
            assert (row["value"], row["original_value"], row["amendment_count"]) == (
                c.value, c.original_value, c.amendment_count), ocid
            assert (row["funded"], row["withdrawn"], row["retained"], row["refunded"]) == (
                a.funded, a.withdrawn, a.retained, a.refunded), ocid
            assert row["paid"] == a.withdrawn + a.withdrawable, ocid  # everything credited to the contractor
            planned = {(m["idx"], m["status"], m["amount"]) for m in contract_milestones(engine, row["contract_id"])}
            assert planned == {(m.index, m.status.name.lower(), m.amount) for m in ledger.milestones(ocid)}, ocid
    assert rows["ocds-rmtest-0003"]["value"] == 1_050_000_00 and rows["ocds-rmtest-0003"]["amendment_count"] == 1
    assert rows["ocds-rmtest-0005"]["status"] == "terminated" and rows["ocds-rmtest-0005"]["refunded"] == 1_000_000_00
    works, goods = rows["ocds-rmtest-0000"], rows["ocds-rmtest-0001"]  # category n % 4: works keep 5% retention
    assert (works["paid"], works["retained"]) == (400_000_00 * 95 // 100, 400_000_00 * 5 // 100)
    assert goods["paid"] == 460_000_00 and goods["retained"] == 0  # advance 100k + net 360k (40k recovered)
    assert list_contracts(engine, "NO-SUCH-AGENCY") == []
    events = [e["event"] for e in contract_events(engine, "0x" + contract_id("ocds-rmtest-0002").hex())]
    assert events.count("MilestoneSubmitted") == 2 and "MilestoneRejected" in events
    with engine.connect() as conn:
        m = conn.execute(select(schema.milestones).where(
            schema.milestones.c.contract_id == "0x" + contract_id("ocds-rmtest-0002").hex(),
            schema.milestones.c.idx == 0)).one()
        assert (m.status, m.round, m.approvals) == ("submitted", 2, 0)
        assert conn.execute(select(func.count()).select_from(schema.events).where(
            schema.events.c.event == "PaymentReleased")).scalar_one() == 2


def test_args_areJsonThatKeepsBigIntegersExact() -> None:
    args = normalize({"value": 2**96 - 1, "ok": True, "hash": b"\x01" * 32,
                      "who": "0x01d06dd7b9ea67fe5c3ab856ac30c1e9b46687c8", "list": [1, (2, b"")]})
    assert args == {"value": str(2**96 - 1), "ok": True, "hash": "0x" + "01" * 32,
                    "who": "0x01D06dD7b9EA67Fe5c3Ab856Ac30c1e9B46687c8", "list": ["1", ["2", "0x"]]}
    assert int(json.loads(json.dumps(args))["value"]) == 2**96 - 1
