"""Red flags computed from the ledger's replayed events. Definitions and sources: docs/red-flags.md."""

from __future__ import annotations

from dataclasses import dataclass

from ..types import ContractStatus, MilestoneStatus
from .model import Flag
from .replay import ContractState, Replay

DAY = 86400


@dataclass(frozen=True)
class FlagSettings:
    value_creep_pct: float = 10.0  # total amendments above this share of the original value
    many_amendments: int = 3  # this many amendments or more (ProZorro ari-1-1)
    withdrawal_days: int = 30  # a paid milestone with no withdrawal after this many days
    overdue_grace_days: int = 0  # a milestone overdue when its due date is this many days past


SOURCES = {
    "value-creep": "DESIGN.md; OCP 'Red flags for integrity' (2016) contract-stage flag 'large contract amendments'",
    "many-amendments": "ProZorro risk indicator ari-1-1 (3 or more amendments)",
    "unverified-payment": "govledger invariant: nothing paid without k approvals (should be impossible)",
    "unwithdrawn-payment": "DESIGN.md ledger flag: a met milestone with no payment (withdrawal) after N days",
    "overdue-milestone": "OCP 'Red flags for integrity' (2016): delays in implementation",
    "paid-above-value": "OCP 'Red flags for integrity' (2016): payments above the contract value",
    "payment-during-dispute": "govledger invariant: a dispute freezes payments",
}


def ledger_flags(state: Replay, now: int, settings: FlagSettings = FlagSettings()) -> list[Flag]:
    """Every ledger red flag of every contract, as of unix time `now` (use the chain head's timestamp)."""
    flags: list[Flag] = []
    for c in state.contracts.values():
        flags.extend(contract_flags(c, now, settings))
    return flags


def contract_flags(c: ContractState, now: int, settings: FlagSettings = FlagSettings()) -> list[Flag]:
    out: list[Flag] = []

    def flag(code: str, detail: str, tx: str | None = None, block: int | None = None, **extra: object) -> None:
        out.append(Flag(code, c.ocid, c.contract_id, detail, SOURCES[code], tx, block, dict(extra)))

    if c.amendments:
        last = c.amendments[-1]["where"]
        increase = c.value - c.original_value
        pct = 100 * increase / c.original_value if c.original_value else 0.0
        if pct > settings.value_creep_pct:
            flag("value-creep", f"amendments raised the value by {pct:.2f}% ({c.original_value} -> {c.value}), "
                                f"above {settings.value_creep_pct:g}%", last.tx_hash, last.block_number,
                 increase_pct=round(pct, 4))
        if len(c.amendments) >= settings.many_amendments:
            flag("many-amendments", f"{len(c.amendments)} amendments (threshold {settings.many_amendments})",
                 last.tx_hash, last.block_number, amendments=len(c.amendments))
    for p in c.payments:
        if not p.verified or p.valid_approvals < p.required:
            flag("unverified-payment", f"milestone {p.index} paid without verification "
                                       f"({p.valid_approvals} of {p.required} valid approvals, "
                                       f"verified: {'yes' if p.verified else 'no'})", p.where.tx_hash,
                 p.where.block_number, index=p.index)
        withdrawn_after = any(w.block_number >= p.where.block_number for _, w in c.withdrawals)
        age = now - p.where.timestamp
        if p.net > 0 and not withdrawn_after and age > settings.withdrawal_days * DAY:
            flag("unwithdrawn-payment", f"milestone {p.index}: {p.net} credited {age // DAY} days ago and not "
                                        f"withdrawn (threshold {settings.withdrawal_days} days)",
                 p.where.tx_hash, p.where.block_number, index=p.index, days=age // DAY)
    if c.status not in (ContractStatus.TERMINATED.label, ContractStatus.COMPLETED.label):
        for m in sorted(c.milestones.values(), key=lambda m: m.index):
            if m.status in (MilestoneStatus.PAID.label, MilestoneStatus.CANCELLED.label) or m.paid:
                continue
            late = now - m.due
            if late > settings.overdue_grace_days * DAY:
                flag("overdue-milestone", f"milestone {m.index} due {late // DAY} days ago, still {m.status}",
                     index=m.index, days=late // DAY, due=m.due)
    if c.credited > c.value:
        last = c.payments[-1].where if c.payments else c.registered
        flag("paid-above-value", f"credited {c.credited} (advance + net + retention) exceeds the contract "
                                 f"value {c.value}", last.tx_hash, last.block_number, credited=c.credited)
    for what, w in c.dispute_payouts:
        flag("payment-during-dispute", f"{what} while the contract was disputed", w.tx_hash, w.block_number)
    return out
