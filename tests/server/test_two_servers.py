"""Network mode behind a load balancer: two `govledger serve` processes on one anvil node and one
PostgreSQL read model keep no state of their own; one indexes, and a write through either is seen
through the other."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from chain_support import running_anvil

from .conftest import auth, contract_body

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", connect_timeout=3,
                                autocommit=True)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at 127.0.0.1:5432 is unreachable: {exc}")
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is unreachable: {exc}")
    name = f"srv_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    yield PG + name
    admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.close()


def start(tmp: Path, url: str, manifest: Path, db: str, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "govledger", "--rpc-url", url, "--manifest", str(manifest),
                                "serve", "--port", str(port), "--db", db, "--log-level", "warning", *extra],
                               cwd=tmp, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode()[-2000:])  # type: ignore[union-attr]
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory, database: str) -> Iterator[tuple[str, str]]:
    tmp = tmp_path_factory.mktemp("two")
    with running_anvil() as url:
        manifest = tmp / "anvil.json"
        done = subprocess.run([sys.executable, str(ROOT / "scripts" / "deploy.py"), "--rpc-url", url, "--manifest",
                               str(manifest), "--fund-demo-accounts", "--demo-roles"],
                              capture_output=True, text=True, timeout=120, cwd=tmp)
        assert done.returncode == 0, done.stderr
        indexer, a = start(tmp, url, manifest, database)
        reader, b = start(tmp, url, manifest, database, "--no-index")
        try:
            yield a, b
        finally:
            for process in (indexer, reader):
                process.terminate()
                assert process.wait(timeout=20) == 0


def test_a_write_through_one_server_is_seen_through_the_other(servers: tuple[str, str]) -> None:
    a, b = servers
    r = httpx.post(f"{b}/api/v1/contracts", json=contract_body("ocds-demo01-2026-LB-001"), headers=auth("official"),
                   timeout=60)
    assert r.status_code == 200, r.text
    assert r.json()["synced"] is True  # the server that does not index waited for the one that does
    assert httpx.get(f"{a}/api/v1/contracts/ocds-demo01-2026-LB-001").json()["status"] == "pending"
    r = httpx.post(f"{a}/api/v1/contracts/ocds-demo01-2026-LB-001/accept", headers=auth("contractor"), timeout=60)
    assert r.status_code == 200, r.text
    assert httpx.get(f"{b}/api/v1/contracts/ocds-demo01-2026-LB-001").json()["status"] == "active"


def test_idempotency_keys_and_the_activity_log_are_shared(servers: tuple[str, str]) -> None:
    a, b = servers
    headers = {**auth("official"), "Idempotency-Key": "lb-register-2"}
    body = contract_body("ocds-demo01-2026-LB-002")
    first = httpx.post(f"{a}/api/v1/contracts", json=body, headers=headers, timeout=60)
    again = httpx.post(f"{b}/api/v1/contracts", json=body, headers=headers, timeout=60)  # the retry lands elsewhere
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    log = httpx.get(f"{b}/api/v1/activity", params={"target": "ocds-demo01-2026-LB-002"}, headers=auth("auditor"))
    assert [row["action"] for row in log.json()["items"]] == ["register"]


def test_both_are_ready_and_json_rpc_is_relayed_to_the_node(servers: tuple[str, str]) -> None:
    a, b = servers
    for base in (a, b):
        assert httpx.get(f"{base}/readyz").json()["status"] == "ready"
        answer = httpx.post(f"{base}/rpc", json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}).json()
        assert answer["result"] == hex(31337)
