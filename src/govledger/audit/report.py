"""`audit report`: contracts, payments, violations and flags as one self-contained HTML file or a CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape
from typing import Any

from ..roles import agency_code
from .model import Flag, Violation
from .replay import Replay

STATUS_CSS = "body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0;" \
             "width:100%}th,td{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}" \
             "th{background:#f0f0f0}td.n{text-align:right;font-variant-numeric:tabular-nums}" \
             ".bad{color:#a00}.ok{color:#070}code{font-size:12px;word-break:break-all}"


@dataclass
class AuditReport:
    replay: Replay
    violations: list[Violation]
    flags: list[Flag]
    generated_at: int  # unix seconds
    chain_id: int | None = None
    head_block: int | None = None

    def contracts(self) -> list[dict[str, Any]]:
        rows = []
        for c in sorted(self.replay.contracts.values(), key=lambda c: (c.registered.block_number, c.ocid or "")):
            agency = agency_code(bytes.fromhex(c.agency.removeprefix("0x"))) if c.agency else ""
            rows.append({"ocid": c.ocid, "contract_id": c.contract_id, "agency": agency, "contractor": c.contractor,
                         "status": c.status + (" (disputed)" if c.disputed else ""), "original_value": c.original_value,
                         "value": c.value, "amendments": len(c.amendments), "funded": c.account["funded"],
                         "credited": c.credited, "withdrawn": c.account["withdrawn"], "held": c.account["held"],
                         "milestones": len(c.milestones),
                         "milestones_paid": sum(1 for m in c.milestones.values() if m.paid)})
        return rows

    def payments(self) -> list[dict[str, Any]]:
        return [{"ocid": p.ocid, "milestone": p.index, "net": p.net, "retention": p.retention,
                 "advance_recovered": p.advance_recovered, "penalty": p.penalty, "approvals": p.valid_approvals,
                 "required": p.required, "tx_hash": p.where.tx_hash, "block_number": p.where.block_number,
                 "time": _iso(p.where.timestamp)}
                for c in self.replay.contracts.values() for p in c.payments]


def _iso(ts: int | None) -> str:
    return "" if ts is None else datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")


def _cell(value: Any) -> str:
    klass = ' class="n"' if isinstance(value, int) and not isinstance(value, bool) else ""
    text = "" if value is None else str(value)
    if isinstance(value, str) and value.startswith("0x") and len(value) >= 42:
        return f"<td><code>{escape(text)}</code></td>"
    return f"<td{klass}>{escape(text)}</td>"


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(_cell(r.get(c)) for c in columns) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: AuditReport) -> str:
    """One HTML file, no external assets; every value escaped."""
    contracts, payments = report.contracts(), report.payments()
    violations = [v.to_dict() for v in report.violations]
    flags = [{**f.to_dict(), "extra": ", ".join(f"{k}={v}" for k, v in f.extra.items())} for f in report.flags]
    verdict = ('<p class="ok">No violations: every invariant holds.</p>' if not violations else
               f'<p class="bad">{len(violations)} violation(s) found.</p>')
    meta = f"chain {report.chain_id}, head block {report.head_block}, " if report.chain_id is not None else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>govledger audit report</title>"
        f"<style>{STATUS_CSS}</style></head><body>"
        f"<h1>govledger audit report</h1><p>{escape(meta)}generated {escape(_iso(report.generated_at))}; "
        f"{len(contracts)} contracts, {len(payments)} payments, {len(violations)} violations, {len(flags)} flags.</p>"
        f"{verdict}"
        "<h2>Violations</h2>" + _table(violations, ["rule", "ocid", "detail", "tx_hash", "block_number"])
        + "<h2>Red flags</h2>" + _table(flags, ["code", "ocid", "detail", "source", "tx_hash", "block_number"])
        + "<h2>Contracts</h2>" + _table(contracts, ["ocid", "agency", "status", "original_value", "value",
                                                    "amendments", "funded", "credited", "withdrawn", "held",
                                                    "milestones", "milestones_paid"])
        + "<h2>Payments</h2>" + _table(payments, ["ocid", "milestone", "net", "retention", "advance_recovered",
                                                 "penalty", "approvals", "required", "time", "tx_hash",
                                                 "block_number"])
        + "<p>Amounts in sen (Rupiah × 100). Definitions of the red flags: docs/red-flags.md.</p></body></html>\n"
    )


CSV_COLUMNS = ["section", "ocid", "contract_id", "name", "status", "amount", "value", "detail", "tx_hash",
               "block_number"]


def render_csv(report: AuditReport) -> str:
    """One CSV, a `section` column telling contract, payment, violation and flag rows apart."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for c in report.contracts():
        writer.writerow({"section": "contract", "ocid": c["ocid"], "contract_id": c["contract_id"], "name": c["agency"],
                         "status": c["status"], "amount": c["credited"], "value": c["value"],
                         "detail": f"original {c['original_value']}; {c['amendments']} amendments; funded "
                                   f"{c['funded']}; withdrawn {c['withdrawn']}; held {c['held']}"})
    for p in report.payments():
        writer.writerow({"section": "payment", "ocid": p["ocid"], "name": f"milestone {p['milestone']}",
                         "amount": p["net"], "detail": f"retention {p['retention']}; advance recovered "
                                                       f"{p['advance_recovered']}; penalty {p['penalty']}",
                         "tx_hash": p["tx_hash"], "block_number": p["block_number"]})
    for v in report.violations:
        writer.writerow({"section": "violation", "ocid": v.ocid, "contract_id": v.contract_id, "name": v.rule,
                         "detail": v.detail, "tx_hash": v.tx_hash, "block_number": v.block_number})
    for f in report.flags:
        writer.writerow({"section": "flag", "ocid": f.ocid, "contract_id": f.contract_id, "name": f.code,
                         "detail": f.detail, "tx_hash": f.tx_hash, "block_number": f.block_number})
    return _defuse(out.getvalue())


def _defuse(text: str) -> str:
    """Spreadsheet formula injection: no cell may start with = + - @ (ocids and details come from the chain)."""
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(["'" + cell if cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and not _number(cell))
                         else cell for cell in row])
    return out.getvalue()


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
