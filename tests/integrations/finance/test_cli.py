"""`govledger finance` over the pilot ledger, as an operator runs it."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from govledger.cli import cli


def run(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args])


@pytest.fixture(scope="module")
def pilot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("ledger")
    assert run(path, "init", "--pilot").exit_code == 0
    yield path


def test_orders_verify_import_reconcile_auditFlags(pilot: Path, tmp_path: Path) -> None:
    out = tmp_path / "orders"
    first = run(pilot, "finance", "orders", "--out", str(out), "--as", "official", "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["written"] == 3
    assert json.loads(run(pilot, "finance", "orders", "--out", str(out), "--as", "official", "--json").output) == {
        "written": 0, "skipped": 3, "keys": []}
    orders = sorted(out.glob("po-*.json"))
    valid = run(pilot, "finance", "verify-order", str(orders[0]))
    assert valid.exit_code == 0 and "an official of DEMO-DPUPR-KAB-CONTOH" in valid.output
    by_contractor = json.loads(orders[0].read_text())
    from govledger.accounts import demo_accounts
    from govledger.integrations.finance import sign_order

    by_contractor = sign_order({**by_contractor["order"], "issuer": demo_accounts()["contractor"].address},
                               demo_accounts()["contractor"])
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(by_contractor))
    refused = run(pilot, "finance", "verify-order", str(forged))
    assert refused.exit_code == 1 and "is not an official of DEMO-DPUPR-KAB-CONTOH" in refused.output

    order = json.loads(orders[0].read_text())["order"]
    sp2d = tmp_path / "sp2d.csv"
    sp2d.write_text("nomor_sp2d,tanggal,jumlah,rekening,referensi\n"
                    f"SP2D-0001,2026-02-01,{int(order['amount_sen']) // 100 + 1},BRI-7,{order['idempotency_key']}\n")
    imported = run(pilot, "finance", "import", str(sp2d))
    assert imported.exit_code == 0 and "1 imported" in imported.output
    assert "0 imported, 1 already there, 0 refused" in run(pilot, "finance", "import", str(sp2d)).output
    reconciled = run(pilot, "finance", "reconcile", "--undisbursed-days", "10000")
    assert reconciled.exit_code == 1 and "disbursement-amount-differs" in reconciled.output
    flags = run(pilot, "audit", "flags")
    assert f"disbursement-amount-differs {order['ocid']}" in flags.output
    assert "SP2D SP2D-0001 (sp2d.csv:2)" in flags.output  # the evidence: which SP2D, from which file and line
    report = tmp_path / "report.csv"
    assert run(pilot, "audit", "report", "--format", "csv", "--out", str(report)).exit_code == 0
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert [r["ocid"] for r in rows if r["section"] == "flag" and r["name"] == "disbursement-amount-differs"] == [
        order["ocid"]]


def test_import_badFilesNamed_theGoodOneStillImported(pilot: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes("number,date,amount,account,reference\nX,2026-01-01,5,Bank Café,y\n".encode("cp1252"))
    missing = tmp_path / "none.csv"
    good = tmp_path / "good.csv"
    good.write_text("number,date,amount,account,reference\nSP2D-9,2026-01-01,5,B,ocds-demo01-2026-PUPR-001#7\n"
                    "SP2D-10,2026-01-01,5,,ocds-demo01-2026-PUPR-001#7\n")
    result = run(pilot, "finance", "import", str(bad), str(missing), str(good))
    assert result.exit_code == 1
    assert "is not UTF-8" in result.output and "cannot be read" in result.output
    assert f"{good}: 1 imported" in result.output and f"{good}:3: account: is empty" in result.output
