"""A real uvicorn on loopback in its own process: web3.py, the SDK and the CLI work through /rpc on the
chain the server holds, and the API sees their writes (the background syncer follows the chain)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from web3 import Web3

from govledger.accounts import demo_account
from govledger.ledger import Ledger
from govledger.server.locate import SERVER_FILE, running_server
from govledger.server.schemas import RegisterIn
from govledger.types import ContractSpec

from .conftest import auth, contract_body

pytestmark = pytest.mark.slow
GOVLEDGER = [sys.executable, "-m", "govledger"]


@contextmanager
def serving(data_dir: Path) -> Iterator[tuple[Path, str, subprocess.Popen[bytes]]]:
    """`govledger serve` on a new ledger in `data_dir`: (data_dir, base url, process); stopped afterwards."""
    init = subprocess.run([*GOVLEDGER, "--data-dir", str(data_dir), "init"], capture_output=True, text=True,
                          timeout=120)
    assert init.returncode == 0, init.stderr
    process = subprocess.Popen([*GOVLEDGER, "--data-dir", str(data_dir), "serve", "--port", "0",
                                "--log-level", "warning"], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    url = None
    while time.monotonic() < deadline and url is None:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        url = running_server(data_dir)
        time.sleep(0.1)
    assert url is not None, "the server never answered"
    yield data_dir, url.removesuffix("/rpc"), process
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, subprocess.Popen[bytes]]]:
    with serving(tmp_path_factory.mktemp("served")) as running:
        yield running


def wait_for(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_web3_and_the_sdk_write_through_rpc_and_the_api_sees_it(served) -> None:  # type: ignore[no-untyped-def]
    data_dir, url, _ = served
    w3 = Web3(Web3.HTTPProvider(url + "/rpc"))
    assert w3.is_connected() and w3.eth.chain_id == 1337
    with Ledger.open(data_dir, rpc_url=url + "/rpc") as ledger:  # the manifest from the served directory
        ocid = "ocds-demo01-2026-RPC-001"
        body = RegisterIn.model_validate(contract_body(ocid))
        ledger.register(demo_account("official"), ContractSpec(
            ocid=ocid, agency=body.agency, contractor=body.contractor, category=body.category_enum, value=body.value,
            start=body.start, end=body.end, milestones=tuple(m.spec() for m in body.milestones)))
        with pytest.raises(Exception) as refused:  # a custom error decoded by the SDK over /rpc
            ledger.accept(demo_account("contractor2"), ocid)
        assert type(refused.value).__name__ == "NotContractor"
    # indexed before /rpc answered the raw transaction: the next read sees the write, no waiting
    assert httpx.get(f"{url}/api/v1/contracts/{ocid}").json()["status"] == "pending"


def test_the_cli_works_against_the_running_server(served) -> None:  # type: ignore[no-untyped-def]
    data_dir, url, _ = served
    r = httpx.post(f"{url}/api/v1/contracts", json=contract_body("ocds-demo01-2026-CLI-001"), headers=auth("official"))
    assert r.status_code == 200, r.text
    env = {k: v for k, v in os.environ.items() if k != "GOVLEDGER_RPC_URL"}  # found through server.json
    done = subprocess.run([*GOVLEDGER, "--data-dir", str(data_dir), "contract", "accept",
                           "ocds-demo01-2026-CLI-001", "--as", "contractor"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "active" in done.stdout
    assert httpx.get(f"{url}/api/v1/contracts/ocds-demo01-2026-CLI-001").json()["status"] == "active"
    listed = subprocess.run([*GOVLEDGER, "--data-dir", str(data_dir), "contract", "list",
                             "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert "ocds-demo01-2026-CLI-001" in listed.stdout and "behind" not in listed.stderr


def test_server_file_names_the_server_and_goes_on_clean_shutdown(tmp_path: Path) -> None:
    with serving(tmp_path) as (data_dir, url, process):  # its own server: the test stops it
        info = json.loads((data_dir / SERVER_FILE).read_text())
        assert info["pid"] == process.pid and info["url"] == url
        assert httpx.get(f"{url}/readyz").json()["status"] == "ready"
        assert "govledger_http_requests_total" in httpx.get(f"{url}/metrics").text
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert not (data_dir / SERVER_FILE).exists()
        assert running_server(data_dir) is None


def test_a_stale_server_file_is_not_taken_for_a_server(tmp_path: Path) -> None:
    (tmp_path / SERVER_FILE).write_text(json.dumps({"url": "http://127.0.0.1:9", "pid": 2**22 + 12345}))
    assert running_server(tmp_path) is None
    (tmp_path / SERVER_FILE).write_text(json.dumps({"url": "http://127.0.0.1:9", "pid": os.getpid()}))
    assert running_server(tmp_path, timeout=0.5) is None  # a live pid, but nothing answers there
    (tmp_path / SERVER_FILE).write_text("{not json")
    assert running_server(tmp_path) is None
