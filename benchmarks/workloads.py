#!/usr/bin/env python3
"""One measurement per process, for benchmarks/bench.py; prints one JSON line (with peak memory).

    python benchmarks/workloads.py NAME [ARGS]
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))

BATCH = 50  # contracts per registerBatch transaction (migration's batch)


def timed(action: Callable[[], int]) -> dict[str, float]:
    """Run `action` (returns how many units it did): units per second by wall and by CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    units = action()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"units": units, "seconds": round(wall, 3), "per_s": round(units / wall, 1),
            "cpu_per_s": round(units / cpu, 1)}


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@contextmanager
def ledger_on_anvil() -> Iterator[tuple[Any, str, Path]]:
    """A fresh anvil node with the suite deployed by scripts/deploy.py: (ledger, its URL, a scratch folder)."""
    import subprocess
    import tempfile

    from chain_support import running_anvil

    from govledger.ledger import Ledger

    with running_anvil() as url, tempfile.TemporaryDirectory() as tmp:
        manifest = Path(tmp) / "anvil.json"
        subprocess.run([sys.executable, str(ROOT / "scripts" / "deploy.py"), "--rpc-url", url, "--manifest",
                        str(manifest), "--fund-demo-accounts", "--demo-roles"], check=True, capture_output=True)
        with Ledger.open(None, rpc_url=url, manifest=manifest) as ledger:
            yield ledger, url, Path(tmp)


# --- W1: the lifecycle ---------------------------------------------------------------------------

def ours_lifecycles(ledger: Any, count: int, prefix: str) -> int:
    from conftest import ACCOUNTS, make_spec
    from lifecycle import pay_first_milestone

    for n in range(count):
        spec = make_spec(f"ocds-{prefix}-{n:05d}")
        ledger.register(ACCOUNTS["official"], spec)
        pay_first_milestone(ledger, spec.ocid, spec.value)
    return 8 * count


def w1_embedded(count: str) -> dict[str, Any]:
    import tempfile

    from conftest import ACCOUNTS

    from govledger.ledger import Ledger
    from govledger.pilot import setup_roles

    with tempfile.TemporaryDirectory() as tmp, Ledger.open(Path(tmp), create=True) as ledger:
        ledger.deploy(ACCOUNTS["admin"], ACCOUNTS["treasury"].address)
        setup_roles(ledger)
        ours_lifecycles(ledger, 1, "warm01")
        return w1_result(timed(lambda: ours_lifecycles(ledger, int(count), "bench1")))


def w1_anvil(count: str) -> dict[str, Any]:
    with ledger_on_anvil() as (ledger, _url, _tmp):
        ours_lifecycles(ledger, 1, "warm01")
        return w1_result(timed(lambda: ours_lifecycles(ledger, int(count), "bench1")))


def plain_lifecycles(w3: Any, count: int) -> dict[str, Any]:
    import plain_web3

    contracts = plain_web3.deployed(w3)
    plain_web3.lifecycle(w3, contracts, "ocds-warm01-00000")
    return w1_result(timed(lambda: sum(plain_web3.lifecycle(w3, contracts, f"ocds-bench1-{n:05d}")
                                       for n in range(count))))


def w1_plain_tester(count: str) -> dict[str, Any]:
    import plain_web3

    return plain_lifecycles(plain_web3.tester_web3(), int(count))


def w1_plain_anvil(count: str) -> dict[str, Any]:
    from chain_support import fund_accounts, running_anvil
    from conftest import ACCOUNTS
    from web3 import Web3

    with running_anvil() as url:
        w3 = Web3(Web3.HTTPProvider(url))
        fund_accounts(w3, [a.address for a in ACCOUNTS.values()])
        return plain_lifecycles(w3, int(count))


def w1_result(t: dict[str, float]) -> dict[str, Any]:
    return {"transactions": t["units"], "seconds": t["seconds"], "tx_per_s": t["per_s"],
            "cpu_tx_per_s": t["cpu_per_s"]}


# --- W2: registering many contracts; W3: replaying them ------------------------------------------

def register_all(ledger: Any, count: int, prefix: str, chunk: int = 1000) -> tuple[list[float], list[float]]:
    """Register `count` contracts in batches of BATCH; wall and CPU seconds per `chunk` contracts, in order
    (CPU seconds show whether the cost per contract grows, whatever else the machine is doing)."""
    from conftest import ACCOUNTS, make_spec

    walls, cpus, t, c = [], [], time.perf_counter(), time.process_time()
    for start in range(0, count, BATCH):
        specs = [make_spec(f"ocds-{prefix}-{n:06d}") for n in range(start, min(start + BATCH, count))]
        ledger.register_batch(ACCOUNTS["official"], specs)
        if (start + BATCH) % chunk == 0 or start + BATCH >= count:
            now, cpu = time.perf_counter(), time.process_time()
            walls.append(round(now - t, 2))
            cpus.append(round(cpu - c, 2))
            t, c = now, cpu
    return walls, cpus


def w2_embedded(count: str, data_dir: str) -> dict[str, Any]:
    from conftest import ACCOUNTS

    from govledger.ledger import Ledger
    from govledger.pilot import setup_roles

    with Ledger.open(Path(data_dir), create=True) as ledger:
        ledger.deploy(ACCOUNTS["admin"], ACCOUNTS["treasury"].address)
        setup_roles(ledger)
        wall, cpu = time.perf_counter(), time.process_time()
        chunks, cpu_chunks = register_all(ledger, int(count), "bench2")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return {"contracts": int(count), "seconds": round(wall, 1), "contracts_per_s": round(int(count) / wall, 1),
                "cpu_contracts_per_s": round(int(count) / cpu, 1), "seconds_per_1000": chunks,
                "cpu_seconds_per_1000": cpu_chunks,
                "blocks": ledger.w3.eth.block_number}


def w2_plain(count: str) -> dict[str, Any]:
    import plain_web3

    w3 = plain_web3.tester_web3()
    contracts = plain_web3.deployed(w3)
    t = timed(lambda: [plain_web3.register(w3, contracts, f"ocds-plain2-{n:06d}") for n in range(int(count))]
              and int(count))
    return {"contracts": t["units"], "seconds": t["seconds"], "contracts_per_s": t["per_s"],
            "ms_per_contract": round(1000 / t["per_s"], 1), "cpu_contracts_per_s": t["cpu_per_s"]}


def replay(ledger: Any, read_model: Any) -> dict[str, Any]:
    from govledger.readmodel import Indexer

    indexer = Indexer.for_ledger(ledger, read_model)
    cpu = time.process_time()
    result = indexer.sync()
    cpu = time.process_time() - cpu
    return {"events": result.events, "blocks": result.blocks, "seconds": round(result.seconds, 2),
            "events_per_s": round(result.events_per_second, 1), "cpu_events_per_s": round(result.events / cpu, 1)}


def w3_embedded(data_dir: str) -> dict[str, Any]:
    from govledger.ledger import Ledger
    from govledger.readmodel import open_read_model

    with Ledger.open(Path(data_dir)) as ledger:
        engine = open_read_model(None, Path(data_dir))  # the data directory's own: W4 reads it afterwards
        try:
            return replay(ledger, engine)
        finally:
            engine.dispose()


def w3_anvil(count: str) -> dict[str, Any]:
    """Register `count` contracts on anvil, then replay them beside one raw `get_logs` of the same range."""
    from web3 import Web3

    from govledger.readmodel import open_read_model

    with ledger_on_anvil() as (ledger, url, tmp):
        built = time.perf_counter()
        register_all(ledger, int(count), "bench3")
        out: dict[str, Any] = {"build_s": round(time.perf_counter() - built, 1)}
        deploy_block, head = ledger.deployment.deploy_block, ledger.w3.eth.block_number
        plain = Web3(Web3.HTTPProvider(url))
        raws, replays = [], []
        for n in range(2):  # interleaved: raw get_logs, then a fresh replay
            t = time.perf_counter()
            logs = plain.eth.get_logs({"fromBlock": deploy_block, "toBlock": head})
            raws.append(len(logs) / (time.perf_counter() - t))
            engine = open_read_model(None, tmp / f"replay-{n}")
            replays.append(replay(ledger, engine))
            engine.dispose()
        best = max(replays, key=lambda r: r["events_per_s"])
        out.update(replay=best, raw_get_logs={"logs": len(logs), "logs_per_s": round(max(raws), 1)})
        return out


WORKLOADS = {"w1-embedded": w1_embedded, "w1-anvil": w1_anvil, "w1-plain-tester": w1_plain_tester,
             "w1-plain-anvil": w1_plain_anvil, "w2-embedded": w2_embedded, "w2-plain": w2_plain,
             "w3-embedded": w3_embedded, "w3-anvil": w3_anvil}

if __name__ == "__main__":
    answer = WORKLOADS[sys.argv[1]](*sys.argv[2:])
    print(json.dumps({**answer, "peak_rss_mb": peak_rss_mb()}))
