"""The rollback drill: pause the ledger, export everything for the systems it came from (OCDS releases and
records, payment orders), reconcile, report, then resume.

Each finished step is written to DATA_DIR/rollout-drill.json before the next starts, so a drill cut short
(an error, Ctrl-C, kill) is finished by running it again, from the step it stopped at. A drill that stops
while the ledger is paused says so, and how to resume: it never leaves the ledger paused silently.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import GovLedgerError, GovLedgerValueError

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

    from ..app import App

STATE_FILE = "rollout-drill.json"
DRILL_STEPS = ("pause", "export-ocds", "payment-orders", "reconcile", "report", "resume")
RESUME_HINT = "run `govledger rollout drill` again to finish it, or `govledger admin unpause --as guardian` to resume now"


class DrillError(GovLedgerError):
    """The drill stopped at a step; the message says whether the ledger is left paused and how to resume."""

    def __init__(self, step: str, cause: BaseException, paused: bool | None) -> None:
        self.step, self.cause, self.paused = step, cause, paused
        state = {True: f"THE LEDGER IS PAUSED: {RESUME_HINT}",
                 False: "the ledger is not paused; run `govledger rollout drill` again to finish the drill",
                 None: f"the ledger may be paused (`govledger rollout status` tells): {RESUME_HINT}"}[paused]
        super().__init__(f"the rollback drill stopped at step {step}: {type(cause).__name__}: {cause}; {state}")


@dataclass
class DrillState:
    out: str
    started_at: str
    done: dict[str, str] = field(default_factory=dict)  # step -> what it did
    paused_by_drill: bool = False
    paused_before: bool = False  # paused by someone else before the drill: left paused at the end

    @classmethod
    def load(cls, data_dir: Path) -> DrillState | None:
        path = Path(data_dir) / STATE_FILE
        if not path.is_file():
            return None
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, TypeError) as exc:
            raise GovLedgerValueError(f"{path} is not a drill state ({exc}): remove it to start a new drill") from None

    def save(self, data_dir: Path) -> None:
        path = Path(data_dir) / STATE_FILE
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")
        temporary.replace(path)


@dataclass
class _Drill:
    app: App
    data_dir: Path
    pauser: LocalAccount
    official: LocalAccount
    state: DrillState
    now: int | None

    @property
    def out(self) -> Path:
        return Path(self.state.out)

    def pause(self) -> str:
        ledger = self.app.ledger
        if ledger.is_paused():
            if self.state.paused_by_drill:
                return "paused already by this drill"
            self.state.paused_before = True
            return "the ledger was paused before the drill: it stays paused at the end"
        receipt = ledger.pause(self.pauser)
        self.state.paused_by_drill = True
        return f"paused at block {receipt.block_number}: every change is refused"

    def export_ocds(self) -> str:
        from ..integrations.ocds import export as ocds_export
        from ..integrations.ocds.journal import Journal

        self.app.sync()
        journal = Journal.existing(self.data_dir)
        try:
            packages = {"releases": ocds_export.release_package(self.app, journal),
                        "records": ocds_export.record_package(self.app, journal)}
        finally:
            journal.close()
        counts = []
        for kind, package in packages.items():
            problems = ocds_export.validation_errors(package)
            if problems:
                raise GovLedgerValueError(f"the OCDS {kind} break the schema at {problems[0][0]}: {problems[0][1]}")
            ocds_export.write_atomically(self.out / f"ocds-{kind}.json", package)
            counts.append(f"{len(package[kind])} {kind}")
        return f"{' and '.join(counts)} written to {self.out}, valid against OCDS 1.1.5"

    def payment_orders(self) -> str:
        from ..integrations.finance import OrderExporter

        self.app.sync()
        result = OrderExporter(self.official, folder=self.out / "payment-orders").export(self.app.engine)
        total = len(result.written) + result.skipped
        return f"{total} signed payment order(s) in {self.out / 'payment-orders'} ({len(result.written)} new)"

    def reconcile(self) -> str:
        from ..integrations.finance import reconcile

        now = self.now if self.now is not None else int(self.app.ledger.w3.eth.get_block("latest")["timestamp"])
        result = reconcile(self.app.engine, now)
        (self.out / "reconciliation.json").write_text(json.dumps(result.to_dict(), indent=1, default=str),
                                                      encoding="utf-8")
        return (f"{len(result.matched)} matched, {len(result.pending)} awaiting disbursement, "
                f"{len(result.flags)} finding(s)")

    def report(self) -> str:
        lines = [f"# Rollback drill of {self.state.started_at}", ""]
        lines += [f"- **{step}**: {summary}" for step, summary in self.state.done.items()]
        lines += ["", f"Files: {', '.join(sorted(p.name for p in self.out.iterdir()))}", ""]
        (self.out / "drill-report.md").write_text("\n".join(lines), encoding="utf-8")
        return f"report in {self.out / 'drill-report.md'}"

    def resume(self) -> str:
        if self.state.paused_before:
            return "left paused as it was found: `govledger admin unpause` resumes it"
        if not self.app.ledger.is_paused():
            return "the ledger is not paused"
        receipt = self.app.ledger.unpause(self.pauser)
        return f"unpaused at block {receipt.block_number}: the ledger takes changes again"


_STEP_METHODS: dict[str, Callable[[_Drill], str]] = {
    "pause": _Drill.pause, "export-ocds": _Drill.export_ocds, "payment-orders": _Drill.payment_orders,
    "reconcile": _Drill.reconcile, "report": _Drill.report, "resume": _Drill.resume,
}


def run_drill(app: App, data_dir: Path, pauser: LocalAccount, official: LocalAccount, out: Path | None = None,
              on_step: Callable[[int, str, str], None] = lambda _n, _step, _summary: None,
              now: int | None = None) -> DrillState:
    """Run (or finish) the drill; `on_step(number, step, summary)` hears each step as it ends.

    A drill already under way continues where it stopped, into its own output folder (`out` is then ignored).
    Raises DrillError naming the step and whether the ledger is left paused.
    """
    data_dir = Path(data_dir)
    state = DrillState.load(data_dir)
    if state is None:
        started = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        state = DrillState(str(out or data_dir / "drills" / started), started)
    drill = _Drill(app, data_dir, pauser, official, state, now)
    drill.out.mkdir(parents=True, exist_ok=True)
    for number, step in enumerate(DRILL_STEPS, 1):
        if step in state.done:
            on_step(number, step, f"done before: {state.done[step]}")
            continue
        try:
            state.done[step] = _STEP_METHODS[step](drill)
        except (Exception, KeyboardInterrupt) as exc:
            state.save(data_dir)
            raise DrillError(step, exc, _paused(app)) from exc
        state.save(data_dir)
        on_step(number, step, state.done[step])
    (data_dir / STATE_FILE).replace(drill.out / "drill-state.json")  # finished: the next drill starts afresh
    return state


def _paused(app: App) -> bool | None:
    try:
        return app.ledger.is_paused()
    except Exception:  # noqa: BLE001 - the chain itself may be what failed
        return None
