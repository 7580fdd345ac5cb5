"""Contract-stage red flags, each with its legal or methodological basis, the date it applies from and the
unit that owns it, and data-quality checks in the way Open Contracting's Pelican runs them. Rules are
configurable (thresholds, start dates, owners, on/off) from a JSON file: see docs/red-flags.md."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, select

from ..errors import GovLedgerValueError
from ..types import Category
from .model import Flag
from .replay import ContractState, Replay

DAY = 86400
RULES_ENV = "GOVLEDGER_RISK_RULES"


@dataclass(frozen=True)
class RiskRule:
    code: str
    basis: str  # the law, regulation or method the rule stands on
    start: str  # ISO date: contracts registered before it are not flagged by this rule
    owner: str  # who maintains and answers for the rule
    params: dict[str, Any] = field(default_factory=dict)
    enabled: bool = True

    @property
    def start_ts(self) -> int:
        return int(datetime.combine(date.fromisoformat(self.start), datetime.min.time(), timezone.utc).timestamp())


LKPP = "LKPP (procurement policy) with the APIP risk unit"
RULES: dict[str, RiskRule] = {r.code: r for r in (
    RiskRule("cs-value-raised", "Perpres 16/2018 art. 54(2): additions at most 10% of the initial contract price; "
             "OCP Red Flags for Integrity (2016), large amendments", "2026-01-01", LKPP,
             {"total_pct": 20.0, "cap_pct": 10.0, "near_cap_share": 0.8}),
    RiskRule("cs-price-churn", "OCP Red Flags for Integrity (2016): repeated price changes after award",
             "2026-01-01", LKPP, {"changes": 2, "window_days": 90}),
    RiskRule("cs-fast-completion", "Perpres 16/2018 art. 57 (acceptance after completion); OCP Red Flags: works "
             "reported complete implausibly early", "2026-01-01", "BPKP (state audit methodology)",
             {"min_days": 14, "categories": ["works"]}),
    RiskRule("cs-split-purchases", "Perpres 16/2018 art. 20(2)(d): splitting a package to avoid tendering is "
             "forbidden; Rp 200 million is the ceiling of direct procurement (art. 38)", "2026-01-01", LKPP,
             {"threshold_sen": 200_000_000_00, "window_days": 30, "contracts": 2}),
    RiskRule("cs-disputes-reopened", "ProZorro monitoring practice: repeated disputes on one contract",
             "2026-01-01", "Arbitration desk (complaint body)", {"disputes": 2}),
    RiskRule("cs-same-inspectors", "Perpres 16/2018 on the acceptance of works (PjPHP/PPHP independence); OCP Red Flags: "
             "collusion between supervisors and suppliers", "2026-01-01", "BPKP (state audit methodology)",
             {"contracts": 3}),
    RiskRule("dq-transactions-above-value", "OCP Pelican data-quality check: transactions never above the "
             "contract value", "2026-01-01", "Open-data desk", {}),
    RiskRule("dq-dates-incoherent", "OCP Pelican data-quality check: coherent dates (start before end, "
             "milestones inside the period)", "2026-01-01", "Open-data desk", {"grace_days": 0}),
    RiskRule("dq-published-disappeared", "OCP Pelican data-quality check: nothing published disappears between "
             "two exports", "2026-01-01", "Open-data desk", {}),
)}
# `many-amendments` (3 or more, ProZorro ari-1-1) is a ledger flag (audit.flags, FlagSettings) and
# `disbursed-without-release` (a payment disbursed by the treasury with no release on the ledger) is computed by
# the finance reconciliation (govledger.integrations.finance); docs/red-flags.md lists it with these rules.


def load_rules(path: Path | str | None = None) -> dict[str, RiskRule]:
    """The rules, with what the JSON file at `path` (or $GOVLEDGER_RISK_RULES) changes:
    {"cs-split-purchases": {"start": "2027-01-01", "owner": "...", "enabled": false, "params": {...}}}."""
    path = path or os.environ.get(RULES_ENV)
    rules = dict(RULES)
    if not path:
        return rules
    try:
        changes = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GovLedgerValueError(f"cannot read the risk rules {path}: {exc}") from None
    for code, change in changes.items():
        if code not in rules:
            raise GovLedgerValueError(f"{path}: no risk rule {code!r}; known: {', '.join(sorted(rules))}")
        rule = rules[code]
        rules[code] = replace(rule, start=str(change.get("start", rule.start)), owner=str(change.get("owner", rule.owner)),
                              enabled=bool(change.get("enabled", rule.enabled)),
                              params={**rule.params, **change.get("params", {})})
        date.fromisoformat(rules[code].start)
    return rules


def contract_stage_flags(state: Replay, rules: dict[str, RiskRule] | None = None,
                         engine: Engine | None = None) -> list[Flag]:
    """Every contract-stage flag and data-quality finding of the replayed ledger (and its exports, with `engine`)."""
    rules = rules or load_rules()
    out: list[Flag] = []

    def flag(code: str, c: ContractState | None, detail: str, **extra: Any) -> None:
        rule = rules[code]
        if c is not None and c.registered.timestamp < rule.start_ts:
            return
        out.append(Flag(code, c.ocid if c else None, c.contract_id if c else None, detail,
                        f"{rule.basis} (owner: {rule.owner}; since {rule.start})", None, None, dict(extra)))

    on = {code for code, r in rules.items() if r.enabled}
    for c in state.contracts.values():
        _per_contract(c, rules, on, flag)
    if "cs-split-purchases" in on:
        _split(state, rules["cs-split-purchases"].params, flag)
    if "cs-same-inspectors" in on:
        _same_inspectors(state, rules["cs-same-inspectors"].params["contracts"], flag)
    if engine is not None and "dq-published-disappeared" in on:
        for ocid in disappeared(engine):
            out.append(Flag("dq-published-disappeared", ocid, None, f"{ocid} was in the previous bulk export and is "
                            "not in the last one", rules["dq-published-disappeared"].basis))
    return out


def _per_contract(c: ContractState, rules: dict[str, RiskRule], on: set[str], flag: Any) -> None:
    p = {code: rules[code].params for code in on}
    if "cs-value-raised" in on and c.original_value and c.value > c.original_value:
        q = p["cs-value-raised"]
        pct = 100 * (c.value - c.original_value) / c.original_value
        if pct > q["total_pct"] or pct >= q["cap_pct"] * q["near_cap_share"]:
            flag("cs-value-raised", c, f"amendments raised the value by {pct:.2f}% (flag above {q['total_pct']:g}% or "
                 f"from {q['cap_pct'] * q['near_cap_share']:g}%, near the {q['cap_pct']:g}% cap)", increase_pct=round(pct, 2))
    if "cs-price-churn" in on:
        q = p["cs-price-churn"]
        times = [a["where"].timestamp for a in c.amendments if a["new"] != a["previous"]]
        window = q["window_days"] * DAY
        most = max((sum(1 for u in times if t <= u < t + window) for t in times), default=0)
        if most >= q["changes"]:
            flag("cs-price-churn", c, f"the price changed {most} times within {q['window_days']} days", changes=most)
    if "cs-fast-completion" in on and c.milestones and Category(c.category).label in p["cs-fast-completion"]["categories"]:
        done = [m.verified_at for m in c.milestones.values()]
        if all(done):
            days = (max(done) - c.registered.timestamp) / DAY  # type: ignore[type-var, operator]
            if days < p["cs-fast-completion"]["min_days"]:
                flag("cs-fast-completion", c, f"every milestone verified {days:.1f} days after registration "
                     f"(plausible from {p['cs-fast-completion']['min_days']})", days=round(days, 1))
    if "cs-disputes-reopened" in on and len(c.disputes) >= p["cs-disputes-reopened"]["disputes"]:
        flag("cs-disputes-reopened", c, f"{len(c.disputes)} disputes raised on this contract", disputes=len(c.disputes))
    if "dq-transactions-above-value" in on:
        planned = sum(m.amount for m in c.milestones.values())
        if c.credited > c.value or planned > c.value:
            flag("dq-transactions-above-value", c, f"credited {c.credited}, milestones {planned}, above the value "
                 f"{c.value}")
    if "dq-dates-incoherent" in on:
        grace = p["dq-dates-incoherent"]["grace_days"] * DAY
        outside = sorted(m.index for m in c.milestones.values() if not c.start - grace <= m.due <= c.end + grace)
        if c.start > c.end or outside:
            flag("dq-dates-incoherent", c, f"period {c.start}..{c.end}; milestones due outside it: {outside or 'none'}")


def _split(state: Replay, q: dict[str, Any], flag: Any) -> None:
    groups: dict[tuple[str, str], list[ContractState]] = defaultdict(list)
    for c in state.contracts.values():
        if c.value < q["threshold_sen"]:
            groups[(c.agency, c.contractor.lower())].append(c)
    for small in groups.values():
        small.sort(key=lambda c: c.registered.timestamp)
        for i, first in enumerate(small):
            near = [c for c in small[i:] if c.registered.timestamp - first.registered.timestamp <= q["window_days"] * DAY]
            total = sum(c.value for c in near)
            if len(near) >= q["contracts"] and total >= q["threshold_sen"]:
                for c in near:
                    flag("cs-split-purchases", c, f"{len(near)} contracts of one agency with one supplier within "
                         f"{q['window_days']} days, each under {q['threshold_sen']} sen, {total} sen together",
                         together=total, contracts=len(near))
                break


def _same_inspectors(state: Replay, many: int, flag: Any) -> None:
    seen: dict[tuple[str, frozenset[str]], list[ContractState]] = defaultdict(list)
    for c in state.contracts.values():
        teams = {frozenset(m.approvals) for m in c.milestones.values() if m.verified_at and m.approvals}
        for team in teams:
            seen[(c.contractor.lower(), team)].append(c)
    for (_, team), contracts in seen.items():
        if len(contracts) >= many:
            for c in contracts:
                flag("cs-same-inspectors", c, f"the same inspectors ({', '.join(sorted(team))}) verified milestones "
                     f"of this contractor on {len(contracts)} contracts", contracts=len(contracts))


def disappeared(engine: Engine) -> list[str]:
    """Ocids published in the previous bulk export and missing from the last one."""
    if not inspect(engine).has_table("oversight_exports"):
        return []
    from ..oversight.schema import exports

    with engine.connect() as conn:
        last = list(conn.execute(select(exports.c.ocids).order_by(exports.c.number.desc()).limit(2)))
    if len(last) < 2:
        return []
    return sorted(set(json.loads(last[1].ocids)) - set(json.loads(last[0].ocids)))
