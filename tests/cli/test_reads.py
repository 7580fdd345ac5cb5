"""Reads answer from the read model: without web3 or py-evm, without the chain's lock, and refuse an unknown
id the same way everywhere."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from chain_support import NETWORK
from govledger.ledger import Ledger

from conftest import ACCOUNTS, make_spec
from .helpers import ok, register, run

OCID = "ocds-clird1-0001"
READS = (("summary",), ("contract", "list"), ("contract", "show", OCID), ("milestone", "list", OCID),
         ("escrow", "balance", OCID))
PROBE = """
import sys
from govledger.cli import cli
try:
    cli(sys.argv[1:], prog_name="govledger")
except SystemExit as exit:
    code = exit.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"web3", "eth", "eth_tester", "eth_account", "eth_utils"})
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
sys.exit(code)
"""

embedded_only = pytest.mark.skipif(NETWORK == "anvil", reason="the embedded chain's head, lock and files")


def _probe(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PROBE, "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "GOVLEDGER_DEBUG": ""})


@pytest.fixture(scope="module")
def registered(data_dir: Path) -> Path:
    assert register(data_dir, OCID).exit_code == 0
    return data_dir


@embedded_only
@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_readCommand_asItsOwnProcess_importsNoEthereumLibrary(registered: Path, args: tuple[str, ...]) -> None:
    done = _probe(registered, *args)
    assert done.returncode == 0, done.stderr
    assert "HEAVY=\n" in done.stderr, done.stderr
    assert OCID in done.stdout or "Rp" in done.stdout


@pytest.mark.parametrize("args", [("escrow", "balance"), ("milestone", "list"), ("contract", "show")], ids=" ".join)
@pytest.mark.parametrize("ocid", ["ocds-typo", "ocds-nope99-0001"])
def test_unknownOcid_isRefusedTheSameWayByEveryRead(registered: Path, args: tuple[str, ...], ocid: str) -> None:
    result = run(registered, *args, ocid)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: no contract {ocid} is registered"), result.output
    assert len(result.output.strip().splitlines()) == 1


@embedded_only
def test_read_whileAnotherProcessHoldsTheChain_answersAndSaysHowFarBehind(registered: Path) -> None:
    before = json.loads(ok(registered, "contract", "list", "--json"))
    with Ledger.open(registered) as holder:  # holds the chain, as a running server or a long import would
        current = _probe(registered, "contract", "list")
        assert current.returncode == 0 and "warning" not in current.stderr  # current: no lock needed
        holder.register(ACCOUNTS["official"], make_spec("ocds-clird1-0002"))
        behind = _probe(registered, "contract", "list", "--json")
        assert behind.returncode == 0, behind.stderr
        assert [c["ocid"] for c in json.loads(behind.stdout)] == [c["ocid"] for c in before]
        assert "the read model is 1 block behind" in behind.stderr
    caught_up = json.loads(ok(registered, "contract", "list", "--json"))
    assert "ocds-clird1-0002" in [c["ocid"] for c in caught_up]


@embedded_only
def test_list_showsABadOcidAlreadyOnChain_marked(registered: Path, tmp_path: Path) -> None:
    """A record registered before the ocid rules (here written into a copy of the read model) is listed,
    marked, and never makes the listing fail."""
    copy = tmp_path / "copy"
    shutil.copytree(registered, copy, ignore=shutil.ignore_patterns("chain.lock"))
    with sqlite3.connect(copy / "readmodel.sqlite") as db:
        db.execute("UPDATE contracts SET ocid = ' ' WHERE ocid = ?", (OCID,))
    listed = ok(copy, "contract", "list")
    assert "[bad ocid: it is empty or blank]" in listed
    assert "[bad ocid" in ok(copy, "summary")
