#!/usr/bin/env python3
"""`make bench`: every workload of issue 12 beside its plain alternative, interleaved, in one run.

    python benchmarks/bench.py [--rounds 3] [--lifecycles 10] [--sizes 1000,10000] [--out NAME]

Each measurement runs in its own process (so peak memory is that workload's: ``ru_maxrss``) and the
plain script of a workload runs right after govledger's in every round, so a busy machine slows both
alike. Results go to benchmarks/results/NAME.json and the table to docs/performance.md (between its
``<!-- bench -->`` markers). Never run in CI; no test asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORKER = [sys.executable, str(Path(__file__).resolve().parent / "workloads.py")]


def worker(*args: object) -> dict[str, Any]:
    """One measurement in a fresh process; its JSON answer."""
    done = subprocess.run([*WORKER, *map(str, args)], capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def process_seconds(command: list[str]) -> dict[str, float]:
    """Wall and CPU seconds of a command run as its own process."""
    before = os.times()
    t = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - t
    after = os.times()
    return {"wall_s": wall, "cpu_s": (after.children_user - before.children_user)
            + (after.children_system - before.children_system)}


def median_of(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if key in r]
    return round(statistics.median(values), 3) if values else None


def w1(rounds: int, lifecycles: int) -> dict[str, Any]:
    pairs = {"embedded": ("w1-embedded", "w1-plain-tester"), "anvil": ("w1-anvil", "w1-plain-anvil")}
    out: dict[str, Any] = {}
    for chain, (ours, plain) in pairs.items():
        runs: dict[str, list[dict[str, Any]]] = {ours: [], plain: []}
        for _ in range(rounds):
            for name in (ours, plain):
                runs[name].append(worker(name, lifecycles))
        out[chain] = {name: {"tx_per_s": median_of(r, "tx_per_s"), "cpu_tx_per_s": median_of(r, "cpu_tx_per_s"),
                             "peak_rss_mb": median_of(r, "peak_rss_mb"), "runs": r} for name, r in runs.items()}
    return out


def w2_w3_w4(sizes: list[int], tmp: Path, rounds: int) -> dict[str, Any]:
    out: dict[str, Any] = {"w2": {}, "w3": {}, "w4": {}}
    out["w2"]["plain, one register per transaction"] = worker("w2-plain", 100)
    for size in sizes:
        data_dir = tmp / f"chain-{size}"
        out["w2"][size] = worker("w2-embedded", size, data_dir)
        out["w3"][size] = {"embedded": worker("w3-embedded", data_dir)}
        out["w3"][size]["anvil"] = worker("w3-anvil", size)
        out["w4"][size] = w4(data_dir, rounds)
    return out


def w4(data_dir: Path, rounds: int) -> dict[str, Any]:
    commands = {
        "govledger contract list": [sys.executable, "-m", "govledger", "--data-dir", str(data_dir), "contract", "list"],
        "govledger summary": [sys.executable, "-m", "govledger", "--data-dir", str(data_dir), "summary"],
        "python -c 'import web3'": [sys.executable, "-c", "import web3"],
    }
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    for name, command in commands.items():  # warm the file cache once
        process_seconds(command)
    for _ in range(max(rounds, 5)):
        for name, command in commands.items():
            runs[name].append(process_seconds(command))
    return {name: {"wall_s": median_of(r, "wall_s"), "cpu_s": median_of(r, "cpu_s")} for name, r in runs.items()}


def w5() -> dict[str, Any]:
    """The server's load benchmark (benchmarks/server_load.py), when the server exists."""
    script = ROOT / "benchmarks" / "server_load.py"
    if not script.exists():
        return {"skipped": "no server yet"}
    kept = ROOT / "benchmarks" / "results" / "server_load.json"
    before = kept.read_bytes() if kept.exists() else None
    try:
        done = subprocess.run([sys.executable, str(script), "--contracts", "10000", "--seconds", "5"],
                              capture_output=True, text=True, cwd=ROOT, check=False)
        if done.returncode != 0:
            return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
        return json.loads(kept.read_text())  # type: ignore[no-any-return]
    finally:
        if before is not None:  # the server's own figures (make bench-server) stay as they were
            kept.write_bytes(before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--lifecycles", type=int, default=10)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--out", default="bench")
    parser.add_argument("--no-server", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    started = time.time()
    result: dict[str, Any] = {
        "machine": f"{platform.machine()} {platform.python_implementation()} {platform.python_version()}, "
                   f"{os.cpu_count()} cores",
        "load_average_at_start": round(os.getloadavg()[0], 1),
        "w1": w1(args.rounds, args.lifecycles),
    }
    with tempfile.TemporaryDirectory() as tmp:
        result.update(w2_w3_w4(sizes, Path(tmp), args.rounds))
    result["w5"] = {"skipped": "--no-server"} if args.no_server else w5()
    result["load_average_at_end"] = round(os.getloadavg()[0], 1)
    result["minutes"] = round((time.time() - started) / 60, 1)
    out = ROOT / "benchmarks" / "results" / f"{args.out}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    from report import write_table

    print(write_table(result, ROOT / "docs" / "performance.md"))


if __name__ == "__main__":
    main()
