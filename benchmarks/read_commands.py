#!/usr/bin/env python3
"""Wall time of each read command as its own process, and `contract list` over 10,000 indexed contracts;
figures to benchmarks/results/read_commands.json.

    python benchmarks/read_commands.py [--runs N] [--contracts N] [--data-dir DIR] [--label NAME]

`--label before` with PYTHONPATH pointing at an older checkout's src/ measures that version into
results/read_commands-before.json (`--contracts 0` skips the large ledger, which older versions do not read).

The small ledger is the pilot (`govledger init --pilot` in a temporary directory, or --data-dir). The large
one is a copy whose read model is filled directly with rows (the reads see what the indexer would write;
the chain's head and the checkpoint are set to agree, so the command answers without syncing).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOVLEDGER = [sys.executable, "-m", "govledger"]
PILOT = "ocds-demo01-2026-PUPR-001"
COMMANDS = {
    "--help": ["--help"],
    "summary": ["summary"],
    "contract list": ["contract", "list"],
    "contract show": ["contract", "show", PILOT],
    "milestone list": ["milestone", "list", PILOT],
    "escrow balance OCID": ["escrow", "balance", PILOT],
}


def wall(data_dir: Path, args: list[str], runs: int) -> dict[str, float]:
    """Median and best wall seconds of `govledger --data-dir DIR ARGS` over `runs` processes (one warm-up),
    and the median CPU seconds (user + system), which other work on a shared machine disturbs less."""
    times, cpu = [], []
    for n in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([*GOVLEDGER, "--data-dir", str(data_dir), *args], check=True, stdout=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if n:
            times.append(time.perf_counter() - started)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {"median_s": round(statistics.median(times), 3), "best_s": round(min(times), 3),
            "cpu_median_s": round(statistics.median(cpu), 3)}


def fill(data_dir: Path, contracts: int) -> None:
    """Copy the pilot's first contract row (and its milestones) `contracts` times into the read model."""
    db = sqlite3.connect(data_dir / "readmodel.sqlite")
    with db:
        row = db.execute("SELECT * FROM contracts WHERE ocid = ?", (PILOT,)).fetchone()
        columns = [d[0] for d in db.execute("SELECT * FROM contracts LIMIT 0").description]
        milestones = db.execute("SELECT * FROM milestones WHERE contract_id = ?", (row[0],)).fetchall()
        m_columns = [d[0] for d in db.execute("SELECT * FROM milestones LIMIT 0").description]
        for n in range(contracts):
            values = dict(zip(columns, row))
            values.update(contract_id="0x" + f"{n:064x}", ocid=f"ocds-bench1-{n:05d}", registered_block=10**6 + n)
            db.execute(f"INSERT INTO contracts ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                       list(values.values()))
            for m in milestones:
                mv = dict(zip(m_columns, m), contract_id=values["contract_id"])
                db.execute(f"INSERT INTO milestones ({', '.join(m_columns)}) VALUES ({', '.join('?' * len(m_columns))})",
                           list(mv.values()))
    db.close()


def main(runs: int = 5, contracts: int = 10_000, data_dir: Path | None = None, label: str = "") -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        small = data_dir or Path(tmp) / "pilot"
        if data_dir is None:
            subprocess.run([*GOVLEDGER, "--data-dir", str(small), "init", "--pilot"], check=True,
                           stdout=subprocess.DEVNULL)
        result: dict[str, object] = {name: wall(small, args, runs) for name, args in COMMANDS.items()}
        if contracts:
            large = Path(tmp) / "large"
            shutil.copytree(small, large, ignore=shutil.ignore_patterns("chain.lock"))
            fill(large, contracts)
            result[f"contract list, {contracts} contracts"] = wall(large, ["contract", "list"], runs)
            result[f"contract list --json, {contracts} contracts"] = wall(large, ["contract", "list", "--json"], runs)
            result[f"summary, {contracts} contracts"] = wall(large, ["summary"], runs)
    result["runs"] = runs
    result["load_average"] = round(os.getloadavg()[0], 1)
    result["machine"] = f"{platform.machine()} {platform.python_implementation()} {platform.python_version()}"
    out = Path(__file__).parent / "results" / f"read_commands{'-' + label if label else ''}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    return result


if __name__ == "__main__":
    argv = sys.argv
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 5
    count = int(argv[argv.index("--contracts") + 1]) if "--contracts" in argv else 10_000
    given = Path(argv[argv.index("--data-dir") + 1]) if "--data-dir" in argv else None
    name = argv[argv.index("--label") + 1] if "--label" in argv else ""
    print(json.dumps(main(runs, count, given, name), indent=1))
