"""Reports: one self-contained, escaped HTML file; one CSV with a section per kind of row."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import Engine

from govledger.audit import AuditReport, Violation, ledger_flags, load_rows, render_csv, render_html, replay

from .conftest import PAID, Scenario


def report(engine: Engine, scenario: Scenario, violations: list[Violation] | None = None) -> AuditReport:
    state = replay(load_rows(engine))
    return AuditReport(state, violations or [], ledger_flags(state, scenario.head_time), scenario.head_time, 1337,
                       scenario.head)


def test_html_selfContainedWithEveryContractPaymentAndFlag(scenario: Scenario, engine: Engine) -> None:
    html = render_html(report(engine, scenario))
    assert html.startswith("<!DOCTYPE html>") and "No violations" in html
    assert not re.search(r"""(src|href)\s*=|<script|<link|@import|url\(""", html)  # no external assets
    assert html.count("<tr>") == 1 + 4 + 1 + 6 + 1 + 2  # flags, contracts, payments (headers + rows)
    assert PAID in html and "many-amendments" in html


def test_html_escapesWhatTheChainSays(scenario: Scenario, engine: Engine) -> None:
    r = report(engine, scenario, [Violation("row-tampered", "<script>alert(1)</script>", None, 'a "b" & <c>')])
    next(iter(r.replay.contracts.values())).ocid = "<img src=x onerror=alert(1)>"
    html = render_html(r)
    assert "<script>alert" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "a &quot;b&quot; &amp; &lt;c&gt;" in html
    assert "1 violation(s) found" in html


def test_csv_sectionsAndFormulaInjectionDefused(scenario: Scenario, engine: Engine) -> None:
    r = report(engine, scenario, [Violation("row-extra", "=HYPERLINK(\"http://x\")", None, "+1", "0xab", 3)])
    rows = list(csv.DictReader(io.StringIO(render_csv(r))))
    sections = [row["section"] for row in rows]
    assert sections.count("contract") == 6 and sections.count("payment") == 2
    assert sections.count("violation") == 1 and sections.count("flag") == 4
    bad = next(row for row in rows if row["section"] == "violation")
    assert bad["ocid"].startswith("'=") and bad["detail"] == "'+1" and bad["block_number"] == "3"
    paid = next(row for row in rows if row["section"] == "contract" and row["ocid"] == PAID)
    assert paid["value"] == "100000000" and paid["status"] == "completed"  # every milestone settled
