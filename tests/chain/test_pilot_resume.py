"""`govledger init --pilot` killed (kill -9) at any block and run again finishes the pilot."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from govledger.accounts import demo_accounts
from govledger.chain import read_head
from govledger.ledger import Ledger


def init_pilot(data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "govledger", "--data-dir", str(data_dir), "init", "--pilot"]


def pilot_state(data_dir: Path) -> dict[str, Any]:
    """What the pilot leaves on chain, without what differs between runs (addresses, timestamps)."""
    with Ledger.open(data_dir, read_only=True) as ledger:
        contracts = {
            c.ocid: (c.status, c.value, c.advance_payment, c.settled_count,
                     [(m.status, m.round, m.approved_by) for m in ledger.milestones(c.ocid or "")],
                     ledger.escrow_account(c.ocid or ""))
            for c in ledger.contracts()
        }
        balances = {name: ledger.balance(a.address) for name, a in demo_accounts().items()}
        return {"contracts": contracts, "balances": balances, "paused": ledger.is_paused()}


def run_until_block(data_dir: Path, block: int) -> subprocess.Popen[bytes]:
    """Start `init --pilot` and kill -9 it as soon as the chain has `block` committed."""
    child = subprocess.Popen(init_pilot(data_dir), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while child.poll() is None and time.monotonic() < deadline:
        head = read_head(data_dir)
        if head is not None and head.number >= block:
            os.kill(child.pid, signal.SIGKILL)
            break
        time.sleep(0.001)
    child.wait()
    return child


@pytest.mark.slow
def test_init_pilot_killed_anywhere_is_completed_by_running_it_again(tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    subprocess.run(init_pilot(reference), check=True, capture_output=True)
    expected = pilot_state(reference)
    head = read_head(reference)
    assert head is not None and len(expected["contracts"]) == 4
    # From genesis through deployment, roles and every pilot contract's steps.
    kill_points = sorted({0, 2} | {round(head.number * f) for f in (0.25, 0.45, 0.65, 0.85)})
    for block in kill_points:
        data = tmp_path / f"killed-at-{block}"
        killed = run_until_block(data, block)
        assert killed.returncode == -signal.SIGKILL, f"block {block}: {killed.stderr.read() if killed.stderr else ''}"
        rerun = subprocess.run(init_pilot(data), capture_output=True, text=True)
        assert rerun.returncode == 0, f"killed at block {block}: {rerun.stderr}"
        assert "done in" in rerun.stdout
        assert pilot_state(data) == expected, f"killed at block {block}"
    again = subprocess.run(init_pilot(data), capture_output=True, text=True, check=True)
    assert "pilot: 0 contracts loaded or completed, 4 already there" in again.stdout
