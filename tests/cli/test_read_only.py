"""Reads create nothing: a mistyped --data-dir is refused before anything is made, and a data directory
nobody may write (a read-only mount, an archive) answers reads and `audit check` as it is."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from chain_support import NETWORK
from govledger.ledger import Ledger

from conftest import ACCOUNTS, make_spec
from .helpers import register, run

pytestmark = pytest.mark.skipif(NETWORK == "anvil", reason="the embedded chain's files")


@pytest.mark.parametrize("command", [("audit", "check"), ("audit", "flags"), ("audit", "report", "--out", "r.html")])
def test_an_audit_on_a_mistyped_directory_is_refused_and_creates_nothing(tmp_path: Path, command: tuple[str, ...]) -> None:
    missing = tmp_path / "ledgr"
    result = run(missing, *command)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: no ledger in {missing}"), result.output
    assert not missing.exists()


def _unprivileged(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a process that cannot override file permissions (as root it otherwise writes anyway)."""
    return subprocess.run(["setpriv", "--bounding-set=-dac_override,-dac_read_search", sys.executable, "-m",
                           "govledger", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "GOVLEDGER_DEBUG": ""})


@pytest.fixture
def read_only(data_dir: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the module's ledger with one contract, then made read-only."""
    assert register(data_dir, "ocds-clirdo-0001").exit_code == 0
    copy = tmp_path / "archive"
    shutil.copytree(data_dir, copy, ignore=shutil.ignore_patterns("*.lock", "server.json"))
    yield copy
    _writable(copy, True)


def _writable(path: Path, writable: bool) -> None:
    for p in [path, *path.rglob("*")]:
        p.chmod(p.stat().st_mode | 0o200 if writable else p.stat().st_mode & ~0o222)


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs setpriv to drop the override of file modes")
def test_a_read_only_directory_answers_reads_and_the_audit_check(read_only: Path) -> None:
    _writable(read_only, False)
    before = sorted(p.name for p in read_only.iterdir())
    for args in (("contract", "list"), ("summary",), ("audit", "check"), ("audit", "flags")):
        result = _unprivileged(read_only, *args)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        assert "readonly database" not in result.stderr and "warning" not in result.stderr, result.stderr
        assert result.stderr.count("note: ") <= 1, result.stderr  # at most: the read model was not updated
    assert "ocds-clirdo-0001" in _unprivileged(read_only, "contract", "list").stdout
    assert sorted(p.name for p in read_only.iterdir()) == before

    _writable(read_only, True)  # the chain moves on where it was written; the copy is read-only again
    with Ledger.open(read_only) as ledger:
        ledger.register(ACCOUNTS["official"], make_spec("ocds-clirdo-0002"))
    _writable(read_only, False)
    behind = _unprivileged(read_only, "contract", "list")
    assert behind.returncode == 0 and "ocds-clirdo-0001" in behind.stdout, behind.stderr
    assert behind.stderr.count("note: ") == 1 and "is read-only: the read model answers as of block" in behind.stderr
