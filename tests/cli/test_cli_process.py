"""The lifecycle driven through the real `govledger` command, one process per step, as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import YEAR

pytestmark = pytest.mark.slow
OCID = "ocds-proc01-0001"


def govledger(data_dir: Path, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "govledger", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == expect, done.stdout + done.stderr
    return done


def test_lifecycle_inSeparateProcesses_survivesEveryRestart(tmp_path: Path) -> None:
    data = tmp_path / "ledger"
    govledger(data, "init")
    govledger(data, "contract", "register", "--as", "official", "--ocid", OCID, "--agency", "DEMO-DPUPR-KAB-CONTOH",
              "--contractor", "contractor2", "--category", "goods", "--value", "750,000,000",
              "--start", f"{YEAR}-03-01", "--end", f"{YEAR}-10-31",
              "--milestone", f"300,000,000@{YEAR}-06-30@2@inspector1,inspector2",
              "--milestone", f"450,000,000@{YEAR}-10-31@2@inspector1,inspector2")
    govledger(data, "contract", "accept", OCID, "--as", "contractor2")
    govledger(data, "escrow", "fund", OCID, "750000000", "--as", "official")
    govledger(data, "milestone", "submit", OCID, "0", "--evidence-hash", "0x" + "aa" * 32, "--as", "contractor2")

    refused = govledger(data, "milestone", "approve", OCID, "0", "--report-hash", "0x" + "bb" * 32,
                        "--as", "inspector3", expect=1)
    assert refused.stderr.strip() == f"Error: inspector3 (0xA630…8F75) is not an assigned inspector of milestone 0 of contract {OCID}"
    assert "Traceback" not in refused.stderr

    govledger(data, "milestone", "approve", OCID, "0", "--report-hash", "0x" + "bb" * 32, "--as", "inspector1")
    govledger(data, "milestone", "approve", OCID, "0", "--report-hash", "0x" + "cc" * 32, "--as", "inspector2")
    govledger(data, "escrow", "withdraw", OCID, "--as", "contractor2")

    balance = json.loads(govledger(data, "escrow", "balance", "contractor2", "--json").stdout)
    assert balance["balance"] == 300_000_000_00
    shown = json.loads(govledger(data, "contract", "show", OCID, "--json").stdout)
    assert shown["milestones"][0]["status"] == "paid"
    assert shown["escrow"]["withdrawn"] == 300_000_000_00
    assert shown["escrow"]["held"] == 450_000_000_00
