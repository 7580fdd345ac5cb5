"""Payment orders from the releases on chain; SP2D disbursements imported and reconciled, planted mismatches found."""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from govledger.accounts import demo_accounts
from govledger.app import App
from govledger.errors import GovLedgerError
from govledger.integrations.finance import (
    ORDER_FIELDS,
    OrderExporter,
    OrderSignatureError,
    import_disbursements,
    reconcile,
    releases,
    subscribe_orders,
    verify_order,
)
from govledger.pilot import PILOT_AGENCY
from govledger.types import Category, ContractSpec, MilestoneSpec, Sen

ACC = demo_accounts()
YEAR = date.today().year + 2
A, B = "ocds-test01-FIN-A", "ocds-test01-FIN-B"


def _paid_contract(app: App, ocid: str, amounts: tuple[int, int]) -> None:
    inspectors = (ACC["inspector1"].address,)
    spec = ContractSpec(ocid, PILOT_AGENCY, ACC["contractor"].address, Category.GOODS, Sen(sum(amounts)),
                        date(YEAR, 1, 1), date(YEAR, 12, 31),
                        milestones=tuple(MilestoneSpec(Sen(a), date(YEAR, 6, 1), inspectors) for a in amounts))
    ledger = app.ledger
    ledger.register(ACC["official"], spec)
    ledger.accept(ACC["contractor"], ocid)
    ledger.fund(ACC["official"], ocid, spec.value)
    for i in range(2):
        ledger.submit(ACC["contractor"], ocid, i, b"\x01" * 32)
        ledger.approve(ACC["inspector1"], ocid, i, b"\x02" * 32)


@pytest.fixture
def paid(app: App) -> App:
    """Four releases: A's milestones (Rp 1,000,000 and Rp 2,000,000) and B's (Rp 3,000,000 and Rp 4,000,000)."""
    _paid_contract(app, A, (1_000_000_00, 2_000_000_00))
    _paid_contract(app, B, (3_000_000_00, 4_000_000_00))
    app.sync()
    return app


def test_orders_toFolder_signedByTheOfficial_writtenOnce(paid: App, tmp_path: Path) -> None:
    exporter = OrderExporter(ACC["official"], folder=tmp_path / "out")
    first = exporter.export(paid.engine)
    assert len(first.written) == 4 and first.skipped == 0
    files = sorted((tmp_path / "out").glob("po-*.json"))
    signed = json.loads(files[0].read_text())
    assert verify_order(signed) == ACC["official"].address
    assert signed["order"]["tx_hash"] == next(r.tx_hash for r in releases(paid.engine) if r.key == files[0].stem)
    rows = list(csv.DictReader((tmp_path / "out" / "payment-orders.csv").open()))
    assert len(rows) == 4 and verify_order({"order": {k: rows[0][k] for k in ORDER_FIELDS},
                                            "signature": rows[0]["signature"]}) == ACC["official"].address
    again = exporter.export(paid.engine)
    assert (again.written, again.skipped) == ([], 4) and len(list((tmp_path / "out").glob("po-*.json"))) == 4


def test_alteredOrder_failsVerification(paid: App, tmp_path: Path) -> None:
    OrderExporter(ACC["official"], folder=tmp_path).export(paid.engine)
    signed = json.loads(next(tmp_path.glob("po-*.json")).read_text())
    signed["order"]["amount_sen"] = str(int(signed["order"]["amount_sen"]) + 1)
    with pytest.raises(OrderSignatureError, match="not by its issuer"):
        verify_order(signed)


def test_orders_followTheAppsSyncs(app: App, tmp_path: Path) -> None:
    exporter = OrderExporter(ACC["official"], folder=tmp_path)
    subscribe_orders(app, exporter)
    _paid_contract(app, A, (1_000_000_00, 2_000_000_00))
    app.sync()
    assert exporter.last is not None and len(exporter.last.written) == 2


@pytest.fixture
def endpoint() -> Iterator[tuple[str, list[dict], list[int]]]:
    """A treasury endpoint on loopback; `fail` holds status codes to answer before answering 201."""
    received: list[dict] = []
    fail: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            status = fail.pop(0) if fail else 201
            if status == 201:
                assert self.headers["Idempotency-Key"] == body["order"]["idempotency_key"]
                received.append(body)
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/orders", received, fail
    server.shutdown()


def test_subscribedExporter_anEndpointDown_doesNotStopTheSync(app: App, endpoint) -> None:
    url, received, fail = endpoint
    fail.append(503)
    exporter = OrderExporter(ACC["official"], endpoint=url)
    subscribe_orders(app, exporter)
    _paid_contract(app, A, (1_000_000_00, 2_000_000_00))
    assert app.sync() is not None and "answered 503" in str(exporter.last_error)
    app.sync()  # the next sync sends what is still unsent
    assert exporter.last_error is None and len(received) == 2


def test_orders_toEndpoint_aFailureStops_theNextRunSendsTheRestOnce(paid: App, endpoint) -> None:
    url, received, fail = endpoint
    fail.append(500)
    exporter = OrderExporter(ACC["official"], endpoint=url)
    with pytest.raises(GovLedgerError, match="answered 500"):
        exporter.export(paid.engine)
    assert exporter.export(paid.engine).written and len(received) == 4
    assert exporter.export(paid.engine).written == [] and len(received) == 4
    assert len({r["order"]["idempotency_key"] for r in received}) == 4


def _sp2d(path: Path, rows: list[tuple[str, ...]], *, prefix: bytes = b"", tail: str = "") -> Path:
    text = "number,date,amount,account,reference\n" + "".join(",".join(r) + "\n" for r in rows) + tail
    path.write_bytes(prefix + text.encode())
    return path


def test_reconcile_findsEveryPlantedMismatch_andBadRowsAreNamed(paid: App, tmp_path: Path) -> None:
    keys = {r.reference: r.key for r in releases(paid.engine)}
    good = _sp2d(tmp_path / "sp2d.csv", [
        ("SP2D-1", "2030-02-01", "1000000", "BNI-1", keys[f"{A}#0"]),  # matched
        ("SP2D-2", "2030-02-01", '"1,999,000.00"', "BNI-1", f"{A}#1"),  # amount differs
        ("SP2D-3", "01/02/2030", "3000000", "BNI-1", f"{B}#0"),  # disbursed twice (with SP2D-4)
        ("SP2D-4", "2030-02-02", "3000000", "BNI-1", f"{B}#0"),
        ("SP2D-5", "2030-02-02", "500000", "BNI-1", f"{A}#7"),  # no such release
        ("SP2D-6", "2030-02-02", "-5", "BNI-1", f"{A}#0"),  # negative
        ("SP2D-7", "2030-02-02", "lima", "BNI-1", f"{A}#0"),  # a string
        ("SP2D-8", "2030-02-02", "5", "BNI-1", "ocds-test01-NOPE#0"),  # unknown contract
    ], prefix=b"\xef\xbb\xbf", tail="SP2D-9,2030-02-0")  # a byte-order mark; the last row cut short
    result = import_disbursements(paid.engine, good)
    assert (result.imported, result.unchanged) == (5, 0) and "byte-order mark removed" in result.notes[0]
    reasons = [p.reason for p in result.problems]
    assert len(reasons) == 4
    for expected in ("-5 is negative", "'lima' is not an amount", "unknown contract", "truncated"):
        assert sum(expected in r for r in reasons) == 1, (expected, reasons)
    again = import_disbursements(paid.engine, good)
    assert (again.imported, again.unchanged) == (0, 5)

    later = max(r.timestamp for r in releases(paid.engine)) + 30 * 86400
    found = reconcile(paid.engine, later)
    codes = sorted((f.code, f.ocid, f.detail.split(":")[0]) for f in found.flags if f.code != "disbursed-without-release")
    assert codes == [("disbursed-twice", B, "milestone 0"), ("disbursement-amount-differs", A, "milestone 1"),
                     ("released-not-disbursed", B, "milestone 1")]
    [unreleased] = [f for f in found.flags if f.code == "disbursed-without-release"]
    assert unreleased.ocid == A
    assert unreleased.detail == (f"SP2D SP2D-5 (sp2d.csv:6) of 2030-02-02 disbursed Rp 500,000.00 for {A}#7, "
                                 "which the ledger never released")
    assert len(found.matched) == 1
    twice = next(f for f in found.flags if f.code == "disbursed-twice")
    assert [d["sp2d"] for d in twice.extra["disbursements"]] == ["SP2D-3", "SP2D-4"]
    assert {f.code for f in paid.flags(as_of=later)} >= {"disbursed-twice", "released-not-disbursed"}  # audit flags


def test_import_sameNumberWithOtherContent_refused_otherEncodingRefused(paid: App, tmp_path: Path) -> None:
    import_disbursements(paid.engine, _sp2d(tmp_path / "a.csv", [("SP2D-1", "2030-02-01", "1000000", "X", f"{A}#0")]))
    changed = import_disbursements(paid.engine, _sp2d(tmp_path / "b.csv",
                                                      [("SP2D-1", "2030-02-01", "1000001", "X", f"{A}#0")]))
    assert changed.imported == 0 and "imported before with other content" in changed.problems[0].reason
    latin = tmp_path / "c.csv"
    latin.write_bytes("number,date,amount,account,reference\nSP2D-2,2030-02-01,5,Bank Café,x\n".encode("cp1252"))
    refused = import_disbursements(paid.engine, latin)
    assert refused.imported == 0 and "is not UTF-8" in refused.problems[0].reason


def test_confirmations_holdBackReleasesNotYetDeepEnough(paid: App, tmp_path: Path) -> None:
    newest = max(r.block_number for r in releases(paid.engine))
    head = paid.ledger.w3.eth.block_number
    held = OrderExporter(ACC["official"], folder=tmp_path, confirmations=head - newest + 1).export(paid.engine)
    assert len(held.written) == 3  # the newest release waits for one more block
