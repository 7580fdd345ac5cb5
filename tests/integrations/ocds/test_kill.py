"""kill -9 in the middle of an import: the next run finishes it, and no record is on the ledger by halves."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from govledger.cli import cli
from govledger.ledger import Ledger

from .samples import MAPPING, package, release, write

RECORDS = 12


def _registered(journal: Path) -> int:
    if not journal.is_file():
        return 0
    try:
        with sqlite3.connect(journal, timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM records WHERE status = 'registered'").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


@pytest.mark.slow
def test_anImportKilledWithSigkill_isFinishedByTheNextRun(tmp_path: Path) -> None:
    data = tmp_path / "ledger"
    assert CliRunner().invoke(cli, ["--data-dir", str(data), "init"]).exit_code == 0
    (data / "ocds-mapping.toml").write_text(MAPPING)
    ocids = [f"ocds-test01-kill-{i}" for i in range(RECORDS)]
    source = write(tmp_path / "p.json", package(*(release(o) for o in ocids)))
    proc = subprocess.Popen([sys.executable, "-m", "govledger", "--data-dir", str(data), "ocds", "import", str(source)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _registered(data / "ocds-journal.sqlite") < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = _registered(data / "ocds-journal.sqlite")
    assert 3 <= done_before < RECORDS, "the import was not cut in the middle"

    again = CliRunner().invoke(cli, ["--data-dir", str(data), "ocds", "import", str(source)])
    assert again.exit_code == 0, again.output
    assert _registered(data / "ocds-journal.sqlite") == RECORDS
    with Ledger.open(data) as ledger:
        for ocid in ocids:  # every record whole: its value and both milestones
            assert ledger.contract(ocid).value == 900_000_000_00
            assert [m.amount for m in ledger.milestones(ocid)] == [300_000_000_00, 600_000_000_00]
    third = CliRunner().invoke(cli, ["--data-dir", str(data), "ocds", "import", str(source)])
    assert f"{RECORDS} unchanged" in third.output
