"""`govledger migrate` as an operator runs it: in process, and killed with SIGKILL mid-run then resumed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from govledger.cli import cli
from govledger.integrations.migration.sample import write_sample


def run(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args])


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "ledger"
    assert run(path, "init").exit_code == 0
    yield path


def test_migrate_verify_report(data_dir: Path, tmp_path: Path) -> None:
    source = write_sample(tmp_path / "c.csv", 6)
    dry = run(data_dir, "migrate", str(source), "--as", "official", "--dry-run")
    assert dry.exit_code == 0 and "6 contracts read, 0 refused (dry run: nothing sent)" in dry.output
    needs_admin = run(data_dir, "migrate", str(source), "--as", "official", "--no-progress")
    assert needs_admin.exit_code == 1 and "no RecordAnchor yet" in needs_admin.output
    done = run(data_dir, "migrate", str(source), "--as", "official", "--admin-as", "admin", "--no-progress")
    assert done.exit_code == 0, done.output
    assert "5 registered now in 1 batches" in done.output and "no difference" in done.output
    proof = run(data_dir, "migrate", "verify", "ocds-demo01-MIG-00004", "--json")
    assert proof.exit_code == 0 and json.loads(proof.output)["count"] == 6
    proof_file = tmp_path / "proof.json"
    assert run(data_dir, "migrate", "verify", "ocds-demo01-MIG-00004", "--out", str(proof_file)).exit_code == 0
    third_party = run(data_dir, "migrate", "verify", "--proof", str(proof_file))
    assert third_party.exit_code == 0 and "proven" in third_party.output
    altered = json.loads(proof_file.read_text())
    altered["record"] = altered["record"].replace('"status":"closed"', '"status":"active"')
    proof_file.write_text(json.dumps(altered))
    refused = run(data_dir, "migrate", "verify", "--proof", str(proof_file))
    assert refused.exit_code == 1 and "do not lead to the root" in refused.output
    unknown = run(data_dir, "migrate", "verify", "ocds-demo01-NOPE-1")
    assert unknown.exit_code == 1 and "is in no migration" in unknown.output
    report = run(data_dir, "migrate", "report")
    assert report.exit_code == 0 and "5 contracts compared (108 fields): 5 match; 0 difference(s)" in report.output


@pytest.mark.slow
def test_killedMidRun_resumesToCompletion(data_dir: Path, tmp_path: Path) -> None:
    source = write_sample(tmp_path / "c.csv", 60, closed_every=0)
    command = [sys.executable, "-m", "govledger", "--data-dir", str(data_dir), "migrate", str(source), "--as",
               "official", "--admin-as", "admin", "--batch-size", "10", "--no-progress"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    journal = None
    while time.monotonic() < deadline and process.poll() is None:
        journal = next(data_dir.glob("migrations/*/journal.jsonl"), None)
        if journal is not None and journal.read_text().count('"batch"') >= 2:
            break
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert journal is not None and journal.read_text().count('"batch"') < 6, "the run ended before it was killed"
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "no difference between the source and the ledger" in resumed.stdout
    report = json.loads(run(data_dir, "migrate", "report", "--json").output)
    assert report["report"]["compared"] == 60 and report["registered_now"] + report["already_registered"] == 60
