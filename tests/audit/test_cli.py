"""The CLI commands over the scenario's ledger (the in-memory chain stands in for --data-dir/--rpc-url)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from govledger.cli import audit_more_cli  # noqa: F401  (adds the commands, as cli/__init__ will)
from govledger.app import App
from govledger.cli import cli
from govledger.cli._context import AppContext

from .conftest import CREEP, PAID, Scenario, copy_db, sql
from .test_check import cid
from conftest import YEAR


@pytest.fixture
def data_dir(scenario: Scenario, indexed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data directory holding the indexed read model; commands reach the scenario's chain."""
    copy_db(indexed, tmp_path / "readmodel.sqlite")
    opened = App(scenario.ledger, data_dir=tmp_path)  # the commands' App: this read model, the scenario's chain
    monkeypatch.setattr(AppContext, "app", property(lambda self: opened))
    yield tmp_path
    opened.engine.dispose()


def run(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), "audit", *args])


def test_check_clean_exits0_thenHandEditedRow_exits1NamingIt(data_dir: Path) -> None:
    ok = run(data_dir, "check", "--json")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["ok"] is True and json.loads(ok.output)["tamper_checked"] is True
    db = data_dir / "readmodel.sqlite"
    block_hash, log_index, tx_hash, args = sql(
        db, "SELECT block_hash, log_index, tx_hash, args FROM events WHERE contract_id = ? AND event = ?",
        cid(CREEP), "ContractAmended")[0]
    sql(db, "UPDATE events SET args = ? WHERE block_hash = ? AND log_index = ?",
        json.dumps({**json.loads(str(args)), "rationaleHash": "0x" + "ee" * 32}), block_hash, log_index)
    bad = run(data_dir, "check")
    assert bad.exit_code == 1
    assert f"VIOLATION row-tampered {CREEP}: row ({block_hash}, log {log_index}) ContractAmended" in bad.output
    assert f"[tx {tx_hash}," in bad.output and "1 violation(s)" in bad.output


def test_flags_json_asOfADate(data_dir: Path) -> None:
    result = run(data_dir, "flags", "--json", "--as-of", f"{YEAR}-06-01")
    assert result.exit_code == 0, result.output
    flags = json.loads(result.output)["flags"]
    codes = sorted({(f["code"], f["ocid"]) for f in flags})
    # by mid-YEAR every unpaid milestone of an open contract is overdue, and the last payment long unwithdrawn
    assert ("unwithdrawn-payment", PAID) in codes and ("value-creep", CREEP) in codes
    assert sum(f["code"] == "overdue-milestone" for f in flags) == 2 + 2 + 2 + 2  # creep, many, dispute, overdue
    text = run(data_dir, "flags", "--withdrawal-days", "1000", "--as-of", f"{YEAR}-06-01")
    assert "unwithdrawn-payment" not in text.output and "value-creep ocds-aud001-creep" in text.output


def test_report_htmlAndCsv(data_dir: Path, tmp_path: Path) -> None:
    html, table = tmp_path / "out" / "report.html", tmp_path / "report.csv"
    result = run(data_dir, "report", "--format", "html", "--out", str(html))
    assert result.exit_code == 0, result.output
    assert "6 contracts, 2 payments, 0 violations, 8 flags" in result.output  # 4 ledger + 4 contract-stage
    assert "<h2>Red flags</h2>" in html.read_text() and PAID in html.read_text()
    assert run(data_dir, "report", "--format", "csv", "--out", str(table), "--no-tamper").exit_code == 0
    assert len(list(csv.DictReader(table.open()))) == 6 + 2 + 4 + 4


def test_evidence_thenVerify_intact0_edited1(data_dir: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.json"
    made = run(data_dir, "evidence", PAID, "--out", str(bundle))
    assert made.exit_code == 0, made.output and f"{PAID}: " in made.output
    ok = run(data_dir, "verify-evidence", str(bundle))
    assert ok.exit_code == 0 and ok.output.startswith("intact: ocds-aud001-paid"), ok.output
    data = json.loads(bundle.read_text())
    data["events"][0]["args"]["registration"]["value"] = "1"
    bundle.write_text(json.dumps(data))
    bad = run(data_dir, "verify-evidence", str(bundle), "--json")
    assert bad.exit_code == 1
    out = json.loads(bad.output)
    assert out["intact"] is False and "event ContractRegistered" in out["mismatch"] and "args" in out["mismatch"]
    bundle.write_text("{not json")
    assert run(data_dir, "verify-evidence", str(bundle)).exit_code == 1


def test_verifyEvidence_truncatedOrCutDownBundle_exits1NamingWhat(data_dir: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.json"
    assert run(data_dir, "evidence", PAID, "--out", str(bundle)).exit_code == 0
    text = bundle.read_text()
    data = json.loads(text)
    gone = data["events"].pop()
    bundle.write_text(json.dumps(data))
    cut = run(data_dir, "verify-evidence", str(bundle))
    assert cut.exit_code == 1 and cut.output.startswith(f"MISMATCH: missing: {gone['event']} (tx {gone['tx_hash']}")
    bundle.write_text(text[: len(text) // 2])
    truncated = run(data_dir, "verify-evidence", str(bundle))
    assert truncated.exit_code == 1 and "Traceback" not in truncated.output
    assert truncated.output.startswith(f"Error: {bundle} is not a JSON evidence bundle (truncated or damaged?)")


def test_evidence_unknownOcid_failsWithOneLine(data_dir: Path, tmp_path: Path) -> None:
    result = run(data_dir, "evidence", "ocds-nope", "--out", str(tmp_path / "b.json"))
    assert result.exit_code == 1 and "no contract ocds-nope is registered" in result.output


def test_check_sync_indexesAnEmptyReadModelFirst(scenario: Scenario, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    apps: dict[Path, App] = {}  # one App per data directory, over the scenario's chain
    monkeypatch.setattr(AppContext, "app", property(
        lambda self: apps.setdefault(self.data_dir, App(scenario.ledger, data_dir=self.data_dir))))
    result = run(tmp_path, "check", "--sync", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["ok"] and out["contracts"] == 6 and out["to_block"] == scenario.head
    (tmp_path / "empty").mkdir()
    assert run(tmp_path / "empty", "check", "--json").exit_code == 0  # nothing indexed: nothing to contradict
    for opened in apps.values():
        opened.engine.dispose()
