#!/usr/bin/env python3
"""Requests per second and p50/p95 latency of the API's contract list and contract page with 10,000
contracts in the read model, measured by a load client in a second process; figures to
benchmarks/results/server_load.json.

    python benchmarks/server_load.py [--contracts N] [--seconds S] [--connections C]

A fresh ledger (`govledger init`) is served by `govledger serve`; one contract is registered through
the API, and its read model row is copied N times (the reads see what the indexer would write).
"""

from __future__ import annotations

import http.client
import json
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import click

GOVLEDGER = [sys.executable, "-m", "govledger"]
OCID = "ocds-bench1-2026-SRV-000"


def register_body() -> dict[str, object]:
    from govledger.accounts import demo_account

    today = date.today()
    inspectors = [demo_account(f"inspector{i}").address for i in (1, 2, 3)]
    return {"ocid": OCID, "agency": "DEMO-DPUPR-KAB-CONTOH", "contractor": demo_account("contractor").address,
            "category": "works", "value": 90_000_000_000, "start": today.isoformat(),
            "end": (today + timedelta(days=300)).isoformat(),
            "milestones": [{"amount": 30_000_000_000, "due": (today + timedelta(days=100)).isoformat(),
                            "required_approvals": 2, "inspectors": inspectors},
                           {"amount": 60_000_000_000, "due": (today + timedelta(days=290)).isoformat(),
                            "required_approvals": 2, "inspectors": inspectors}]}


def fill(data_dir: Path, contracts: int) -> None:
    """Copy the registered contract's row `contracts - 1` times into the read model."""
    db = sqlite3.connect(data_dir / "readmodel.sqlite", timeout=30)
    with db:
        row = db.execute("SELECT * FROM contracts WHERE ocid = ?", (OCID,)).fetchone()
        columns = [d[0] for d in db.execute("SELECT * FROM contracts LIMIT 0").description]
        rows = []
        for n in range(1, contracts):
            values = dict(zip(columns, row))
            values.update(contract_id="0x" + f"{n:064x}", ocid=f"ocds-bench1-2026-SRV-{n:05d}",
                          registered_block=10**6 + n)
            rows.append(list(values.values()))
        db.executemany(f"INSERT INTO contracts ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)
    db.close()


def client(url: str, path: str, seconds: float, connections: int) -> dict[str, float]:
    """The load client (run in its own process): `connections` keep-alive connections for `seconds`."""
    parts = urlsplit(url)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            bad += response.status != 200
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    return {"requests": len(latencies), "errors": errors, "rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 2),
            "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 2),
            "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2)}


def measure(url: str, path: str, seconds: float, connections: int) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "client", url, path, str(seconds), str(connections)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@click.group(invoke_without_command=True)
@click.option("--contracts", default=10_000, show_default=True)
@click.option("--seconds", default=10.0, show_default=True)
@click.option("--connections", default=8, show_default=True)
@click.pass_context
def main(ctx: click.Context, contracts: int, seconds: float, connections: int) -> None:
    if ctx.invoked_subcommand is not None:
        return
    import httpx

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "ledger"
        subprocess.run([*GOVLEDGER, "--data-dir", str(data_dir), "init"], check=True, stdout=subprocess.DEVNULL)
        server = subprocess.Popen([*GOVLEDGER, "--data-dir", str(data_dir), "serve", "--port", "0",
                                   "--log-level", "warning"], stderr=subprocess.DEVNULL)
        try:
            from govledger.server.locate import running_server

            deadline = time.monotonic() + 60
            while (rpc := running_server(data_dir)) is None:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.2)
            url = rpc.removesuffix("/rpc")
            r = httpx.post(url + "/api/v1/contracts", json=register_body(),
                           headers={"Authorization": "Bearer dev:official"}, timeout=60)
            r.raise_for_status()
            fill(data_dir, contracts)
            paths = {"contract list, first page of 50": "/api/v1/contracts?limit=50",
                     "contract list, page of 50 at offset 9,000":
                         f"/api/v1/contracts?limit=50&offset={min(9000, contracts - 50)}",
                     "contract page": f"/api/v1/contracts/{OCID}"}
            total = httpx.get(url + "/api/v1/contracts?limit=1").json()["total"]
            assert total == contracts, total
            results = {name: measure(url, path, seconds, connections) for name, path in paths.items()}
        finally:
            server.terminate()
            server.wait(timeout=30)
    out = {"contracts": contracts, "seconds": seconds, "connections": connections, "server": "uvicorn, 1 process",
           "machine": f"{platform.machine()}, {platform.python_version()}", "results": results}
    target = Path(__file__).parent / "results" / "server_load.json"
    target.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


@main.command("client", hidden=True)
@click.argument("url")
@click.argument("path")
@click.argument("seconds", type=float)
@click.argument("connections", type=int)
def client_command(url: str, path: str, seconds: float, connections: int) -> None:
    print(json.dumps(client(url, path, seconds, connections)))


if __name__ == "__main__":
    main()
