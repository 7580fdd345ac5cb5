#!/usr/bin/env python3
"""Events per second replaying N contracts' lifecycles into the read model (SQLite and PostgreSQL), on the
embedded chain and on anvil; writes benchmarks/results/replay.json.

    python benchmarks/replay.py [--contracts N] [--no-anvil] [--pg URL]
"""

from __future__ import annotations

import argparse
import json
import platform
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import ACCOUNTS, make_spec  # noqa: E402  (the test suite's contract shape)
from lifecycle import pay_first_milestone  # noqa: E402
from sqlalchemy import text  # noqa: E402
from web3 import Web3  # noqa: E402

from govledger.audit import check  # noqa: E402
from govledger.ledger import Ledger  # noqa: E402
from govledger.pilot import setup_roles  # noqa: E402
from govledger.readmodel import Indexer, open_read_model  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def lifecycles(ledger: Ledger, contracts: int, prefix: str) -> None:
    a = ACCOUNTS
    specs = [make_spec(f"{prefix}-{n:05d}") for n in range(contracts)]
    for i in range(0, contracts, 50):
        ledger.register_batch(a["official"], specs[i:i + 50])
    for spec in specs:
        pay_first_milestone(ledger, spec.ocid, spec.value)


def replay_into(ledger: Ledger, url: str | None, data_dir: Path, schema_name: str | None = None) -> dict[str, Any]:
    engine = open_read_model(url, data_dir, schema_name=schema_name)
    try:
        indexer = Indexer.for_ledger(ledger, engine)
        result = indexer.sync()
        t = time.perf_counter()
        indexer.sync()  # nothing new: the cost of calling sync() after every write when nothing happened
        noop_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        checked = check(engine, ledger)  # invariants, and every table compared with the chain
        check_s = time.perf_counter() - t
        return {"events": result.events, "blocks": result.blocks, "seconds": round(result.seconds, 3),
                "events_per_second": round(result.events_per_second, 1), "noop_sync_ms": round(noop_ms, 1),
                "audit_check_s": round(check_s, 3), "audit_check_ok": checked.ok}
    finally:
        if schema_name is not None:
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema_name}" CASCADE'))
        engine.dispose()


def incremental(ledger: Ledger, data_dir: Path) -> dict[str, Any]:
    """Index as you write: one contract's lifecycle with sync() after every transaction."""
    engine = open_read_model(None, data_dir)
    indexer = Indexer.for_ledger(ledger, engine)
    indexer.sync()
    a, spec = ACCOUNTS, make_spec(f"ocds-incr01-{uuid.uuid4().hex[:8]}")
    steps = [lambda: ledger.register(a["official"], spec), lambda: ledger.accept(a["contractor"], spec.ocid),
             lambda: ledger.fund(a["official"], spec.ocid, spec.value),
             lambda: ledger.submit(a["contractor"], spec.ocid, 0, b"\1" * 32),
             lambda: ledger.approve(a["inspector1"], spec.ocid, 0, b"\2" * 32),
             lambda: ledger.approve(a["inspector2"], spec.ocid, 0, b"\3" * 32),
             lambda: ledger.withdraw(a["contractor"], spec.ocid)]
    syncs = []
    for step in steps:
        step()
        t = time.perf_counter()
        indexer.sync()
        syncs.append((time.perf_counter() - t) * 1000)
    engine.dispose()
    return {"sync_after_write_ms_median": round(sorted(syncs)[len(syncs) // 2], 1),
            "sync_after_write_ms_max": round(max(syncs), 1)}


def measure(ledger: Ledger, contracts: int, pg_url: str | None, tmp: Path, label: str) -> dict[str, Any]:
    t = time.perf_counter()
    lifecycles(ledger, contracts, f"ocds-bench1-{label}")
    out: dict[str, Any] = {"build_s": round(time.perf_counter() - t, 1), "head_block": ledger.w3.eth.block_number}
    out["sqlite"] = replay_into(ledger, None, tmp / f"{label}-sqlite")
    if pg_url:
        try:
            out["postgresql"] = replay_into(ledger, pg_url, tmp, schema_name=f"bench_{uuid.uuid4().hex[:10]}")
        except Exception as exc:  # noqa: BLE001  (an unreachable server is reported, not fatal)
            out["postgresql"] = {"skipped": f"{type(exc).__name__}: {exc}"[:200]}
    out["incremental_sqlite"] = incremental(ledger, tmp / f"{label}-incr")
    return out


def with_anvil(contracts: int, pg_url: str | None, tmp: Path) -> dict[str, Any]:
    anvils = sorted(ROOT.glob("node_modules/@foundry-rs/anvil-*/bin/anvil"))
    if not anvils:
        return {"skipped": "no anvil binary under node_modules"}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    node = subprocess.Popen([anvils[0], "--port", str(port), "--silent"], stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        while not Web3(Web3.HTTPProvider(url)).is_connected():
            time.sleep(0.1)
        manifest = tmp / "anvil.json"
        subprocess.run([sys.executable, str(ROOT / "scripts" / "deploy.py"), "--rpc-url", url, "--manifest",
                        str(manifest), "--fund-demo-accounts", "--demo-roles"], check=True, capture_output=True)
        with Ledger.open(None, rpc_url=url, manifest=manifest) as ledger:
            return measure(ledger, contracts, pg_url, tmp, "anvil")
    finally:
        node.terminate()
        node.wait(timeout=10)


def main(contracts: int, anvil: bool, pg_url: str | None) -> dict[str, Any]:
    a = ACCOUNTS
    result: dict[str, Any] = {"contracts": contracts, "events_per_contract_lifecycle": "register(4) + 11",
                              "machine": f"{platform.machine()} {platform.python_implementation()} "
                                         f"{platform.python_version()}"}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with Ledger.open(None) as ledger:  # the embedded chain, in memory
            ledger.deploy(a["admin"], a["treasury"].address)
            setup_roles(ledger)
            result["embedded"] = measure(ledger, contracts, pg_url, tmp, "embedded")
        if anvil:
            result["anvil"] = with_anvil(contracts, pg_url, tmp)
    out = ROOT / "benchmarks" / "results" / "replay.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=50)
    parser.add_argument("--no-anvil", action="store_true")
    parser.add_argument("--pg", default=PG_URL, help="PostgreSQL URL ('' to skip)")
    args = parser.parse_args()
    print(json.dumps(main(args.contracts, not args.no_anvil, args.pg or None), indent=1))
