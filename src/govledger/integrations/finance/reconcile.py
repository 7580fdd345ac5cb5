"""Reconciling the ledger's releases with the treasury's disbursements: each mismatch is a red flag with
its evidence (the release's transaction, the SP2D numbers, dates, amounts and the file lines they came from).

- matched: one disbursement of the released amount;
- disbursement-amount-differs: disbursed, but not the released amount;
- disbursed-twice: two or more SP2D for one release;
- disbursed-without-release: an SP2D naming a contract's payment the ledger never released;
- released-not-disbursed: released more than N days ago and no SP2D yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, select

from ...audit.model import Flag
from ...money import format_rupiah
from .releases import Release, releases
from .tables import disbursements

DAY = 86400
SOURCE = "govledger finance reconciliation (DESIGN.md: SPM -> SP2D; ProZorro treasury transactions)"


@dataclass(frozen=True)
class FinanceSettings:
    undisbursed_days: int = 14  # a release with no SP2D after this many days is flagged


@dataclass
class Reconciliation:
    matched: list[str] = field(default_factory=list)  # release keys
    pending: list[str] = field(default_factory=list)  # released recently, not yet disbursed
    flags: list[Flag] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for f in self.flags:
            counts[f.code] = counts.get(f.code, 0) + 1
        return {"matched": len(self.matched), "pending": len(self.pending), "findings": counts,
                "flags": [f.to_dict() for f in self.flags]}


def _evidence(rows: list[Any]) -> list[dict[str, Any]]:
    return [{"sp2d": r.number, "date": r.date, "amount": int(r.amount), "account": r.account, "reference": r.reference,
             "source": r.source} for r in rows]


def _named(row: Any) -> str:
    """An SP2D as the evidence names it: its number and where it was read (file:line)."""
    return f"SP2D {row.number} ({Path(row.source).name})"


def reconcile(engine: Engine, now: int, settings: FinanceSettings = FinanceSettings()) -> Reconciliation:
    result = Reconciliation()
    if not inspect(engine).has_table(disbursements.name):
        rows: list[Any] = []
    else:
        with engine.connect() as conn:
            rows = list(conn.execute(select(disbursements).order_by(disbursements.c.date, disbursements.c.number)))
    items = releases(engine)
    by_ref: dict[str, Release] = {}
    for r in items:
        by_ref[r.key] = r
        by_ref.setdefault(r.reference, r)
    paid: dict[str, list[Any]] = {}
    for row in rows:
        release = by_ref.get(row.reference)
        if release is None:
            result.flags.append(Flag("disbursed-without-release", row.ocid, None,
                                     f"{_named(row)} of {row.date} disbursed {format_rupiah(int(row.amount))} "
                                     f"for {row.reference}, which the ledger never released", SOURCE,
                                     extra={"disbursements": _evidence([row])}))
            continue
        paid.setdefault(release.key, []).append(row)
    for release in items:
        got = paid.get(release.key, [])
        flag = _flag_of(release, got, now, settings)
        if flag is not None:
            result.flags.append(flag)
        elif got:
            result.matched.append(release.key)
        else:
            result.pending.append(release.key)
    return result


def _flag_of(r: Release, got: list[Any], now: int, settings: FinanceSettings) -> Flag | None:
    what = f"{r.kind} {r.milestone if r.milestone is not None else ''}".strip()
    extra = {"order": r.key, "released": r.amount, "released_at": r.released_at, "disbursements": _evidence(got)}

    def flag(code: str, detail: str) -> Flag:
        return Flag(code, r.ocid, r.contract_id, f"{what}: {detail}", SOURCE, r.tx_hash, r.block_number, extra)

    if not got:
        age = (now - r.timestamp) // DAY
        if age > settings.undisbursed_days:
            return flag("released-not-disbursed", f"{format_rupiah(r.amount)} released {age} days ago and not "
                                                  f"disbursed (threshold {settings.undisbursed_days} days)")
        return None
    if len(got) > 1:
        return flag("disbursed-twice", f"{format_rupiah(r.amount)} released once, disbursed {len(got)} times "
                                       f"({', '.join(_named(g) for g in got)}; "
                                       f"{format_rupiah(sum(int(g.amount) for g in got))} in total)")
    if int(got[0].amount) != r.amount:
        return flag("disbursement-amount-differs", f"released {format_rupiah(r.amount)}, {_named(got[0])} "
                                                   f"disbursed {format_rupiah(int(got[0].amount))}")
    return None


def finance_flags(engine: Engine, now: int, settings: FinanceSettings = FinanceSettings()) -> list[Flag]:
    """The reconciliation's red flags, for `audit flags` and the audit report."""
    return reconcile(engine, now, settings).flags
