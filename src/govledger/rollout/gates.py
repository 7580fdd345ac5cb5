"""Gates that must hold before the rollout moves to its next stage, each measured from the read model.

A gate compares one measured figure with its threshold: milestones verified on time (a minimum share),
reconciliation mismatches, open disputes, red flags and support questions left unanswered (maxima).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, select

from ..errors import GovLedgerError, GovLedgerValueError

if TYPE_CHECKING:
    from ..app import App


@dataclass(frozen=True)
class Thresholds:
    """What a stage must show before the next one starts (stored per stage in the plan file)."""

    on_time_min_pct: float = 80.0  # of the milestones due so far, the share verified by their due date
    reconciliation_mismatches_max: int = 0  # finance reconciliation findings (SP2D against releases)
    open_disputes_max: int = 0  # contracts frozen by a dispute
    red_flags_max: int = 10  # every red flag of `audit flags`
    unanswered_support_max: int = 5  # support questions older than `support_wait_days` without an answer
    support_wait_days: int = 3

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Thresholds:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise GovLedgerValueError(f"unknown gate threshold {unknown[0]!r}; known: {', '.join(sorted(known))}")
        for name, value in data.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise GovLedgerValueError(f"gate threshold {name} must be a number of at least 0, not {value!r}")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class GateResult:
    name: str
    measured: float
    threshold: float
    at_least: bool  # True: measured must be >= threshold; False: <=
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.measured >= self.threshold if self.at_least else self.measured <= self.threshold

    def sentence(self) -> str:
        rule = f"{'at least' if self.at_least else 'at most'} {_num(self.threshold)}"
        verdict = "holds" if self.ok else "FAILS"
        return f"{self.name}: {_num(self.measured)} ({rule}) {verdict}" + (f"; {self.detail}" if self.detail else "")

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def _num(value: float) -> str:
    return f"{value:g}"


class GateFailedError(GovLedgerError):
    """`rollout advance` refused: a gate of the current stage does not hold."""

    def __init__(self, stage: str, failed: list[GateResult]) -> None:
        self.stage, self.failed = stage, failed
        super().__init__(f"the rollout stays at stage {stage}: " + "; ".join(g.sentence() for g in failed))


def measure(app: App, thresholds: Thresholds, now: int | None = None) -> list[GateResult]:
    """Every gate measured against `thresholds` as of unix time `now` (default: the chain head's time)."""
    from ..integrations.finance import reconcile
    from ..readmodel.schema import contracts, milestones

    app.sync()
    if now is None:
        now = int(app.ledger.w3.eth.get_block("latest")["timestamp"])
    engine = app.engine
    with engine.connect() as conn:
        due = conn.execute(select(milestones.c.verified_at, milestones.c.due_date).where(
            milestones.c.due_date <= now, milestones.c.status != "cancelled")).all()
        disputed = conn.execute(select(contracts.c.ocid).where(contracts.c.disputed.is_(True))).scalars().all()
    on_time = sum(1 for verified_at, due_date in due if verified_at is not None and verified_at <= due_date)
    share = 100.0 * on_time / len(due) if due else 100.0
    mismatches = reconcile(engine, now).flags
    flags = app.flags(now)
    waiting = _unanswered(app, now - thresholds.support_wait_days * 86400)
    return [
        GateResult("milestones verified on time (%)", round(share, 1), thresholds.on_time_min_pct, True,
                   f"{on_time} of {len(due)} due" if due else "none due yet"),
        GateResult("reconciliation mismatches", len(mismatches), thresholds.reconciliation_mismatches_max, False,
                   _codes(f.code for f in mismatches)),
        GateResult("open disputes", len(disputed), thresholds.open_disputes_max, False, ", ".join(disputed[:5])),
        GateResult("red flags", len(flags), thresholds.red_flags_max, False, _codes(f.code for f in flags)),
        GateResult(f"support questions unanswered after {thresholds.support_wait_days} days", waiting,
                   thresholds.unanswered_support_max, False),
    ]


def _codes(codes: Any) -> str:
    counted: dict[str, int] = {}
    for code in codes:
        counted[code] = counted.get(code, 0) + 1
    return ", ".join(f"{n} {code}" for code, n in sorted(counted.items()))


def _unanswered(app: App, asked_before: int) -> int:
    from ..support.store import questions

    if not inspect(app.engine).has_table(questions.name):  # no support desk ever ran here
        return 0
    with app.engine.connect() as conn:
        rows = conn.execute(select(questions.c.id).where(questions.c.answer.is_(None),
                                                          questions.c.created_at <= asked_before)).all()
    return len(rows)
