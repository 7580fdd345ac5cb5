"""The rollout plan: stages (the pilot agencies and categories, then wider waves), each with its timeline,
owner and gates, kept in DATA_DIR/rollout.json and applied on chain through the allowlist.

Each stage names the agencies (and categories) it adds; the allowlist of a stage is everything its stage and
the earlier ones name. Moving on never takes a category away: stepping back is the rollback drill's job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import GovLedgerValueError
from ..ocid import check_agency_code
from ..pilot import PILOT_AGENCY
from ..types import Category
from .gates import GateFailedError, GateResult, Thresholds, measure

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

    from ..app import App
    from ..ledger import Ledger

PLAN_FILE = "rollout.json"
CATEGORIES = [c.label for c in Category]


class PlanError(GovLedgerValueError):
    """A rollout plan file that cannot be used as written, or a step the plan does not allow."""


@dataclass(frozen=True)
class Stage:
    name: str
    agencies: dict[str, list[str]]  # agency code -> categories this stage adds
    start: str = ""  # when it is planned to start (ISO month or date)
    owner: str = ""  # who decides to advance into it
    milestone: str = ""  # what marks it done
    thresholds: Thresholds = field(default_factory=Thresholds)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "start": self.start, "owner": self.owner, "milestone": self.milestone,
                "agencies": self.agencies, "gates": self.thresholds.to_dict()}


@dataclass
class Plan:
    stages: list[Stage]
    current: str
    path: Path | None = None

    @property
    def index(self) -> int:
        return [s.name for s in self.stages].index(self.current)

    @property
    def stage(self) -> Stage:
        return self.stages[self.index]

    @property
    def next(self) -> Stage | None:
        return self.stages[self.index + 1] if self.index + 1 < len(self.stages) else None

    def allowlist(self, index: int | None = None) -> dict[str, set[Category]]:
        """Agency -> categories allowed at stage `index` (default: the current one)."""
        upto = self.index if index is None else index
        merged: dict[str, set[Category]] = {}
        for stage in self.stages[: upto + 1]:
            for agency, categories in stage.agencies.items():
                merged.setdefault(agency, set()).update(Category[c.upper()] for c in categories)
        return merged

    def to_dict(self) -> dict[str, Any]:
        return {"current": self.current, "stages": [s.to_dict() for s in self.stages]}

    def save(self, data_dir: Path) -> Path:
        path = Path(data_dir) / PLAN_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        temporary.replace(path)
        self.path = path
        return path


def default_plan() -> Plan:
    """A pilot in one agency, then two waves of fictional agencies: replace it with the real plan file."""
    every = list(CATEGORIES)
    return Plan([
        Stage("pilot", {PILOT_AGENCY: every}, "2027-01", "LKPP rollout board with the pilot PPK",
              "3 months of contracts on the ledger, every payment reconciled with SP2D",
              Thresholds(on_time_min_pct=80, red_flags_max=10)),
        Stage("wave-1", {"DEMO-DINKES-KAB-CONTOH": ["goods", "services"], "DEMO-DISDIK-KAB-CONTOH": ["goods", "services"]},
              "2027-04", "provincial procurement office (UKPBJ)", "every wave-1 agency registered its new contracts",
              Thresholds(on_time_min_pct=85, red_flags_max=20)),
        Stage("wave-2", {"DEMO-DINKES-KAB-CONTOH": every, "DEMO-DISDIK-KAB-CONTOH": every,
                         "DEMO-BAPPEDA-KAB-CONTOH": every},
              "2027-07", "LKPP rollout board", "every contract of the district on the ledger",
              Thresholds(on_time_min_pct=90, red_flags_max=30)),
    ], "pilot")


def load_plan(data_dir: Path | str | None) -> Plan:
    """The plan in DATA_DIR/rollout.json, or the default plan (not saved) when there is none."""
    path = None if data_dir is None else Path(data_dir) / PLAN_FILE
    if path is None or not path.is_file():
        return default_plan()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PlanError(f"{path} is not a JSON rollout plan: {exc}") from None
    plan = parse_plan(raw, str(path))
    plan.path = path
    return plan


def parse_plan(raw: Any, where: str = "the plan") -> Plan:
    """A plan from its JSON form, every field checked: the first problem is refused with its place."""
    if not isinstance(raw, dict) or not isinstance(raw.get("stages"), list) or not raw["stages"]:
        raise PlanError(f"{where} needs a non-empty list 'stages'")
    stages = [_stage(item, f"{where} stage {n}") for n, item in enumerate(raw["stages"])]
    names = [s.name for s in stages]
    if len(set(names)) != len(names):
        raise PlanError(f"{where} names a stage twice: {', '.join(names)}")
    current = raw.get("current", names[0])
    if current not in names:
        raise PlanError(f"{where}: the current stage {current!r} is not one of {', '.join(names)}")
    return Plan(stages, current)


def _stage(item: Any, where: str) -> Stage:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
        raise PlanError(f"{where} needs a name")
    agencies = item.get("agencies", {})
    if not isinstance(agencies, dict):
        raise PlanError(f"{where} ({item['name']}): 'agencies' maps agency codes to lists of categories")
    for agency, categories in agencies.items():
        try:
            check_agency_code(agency)
        except GovLedgerValueError as exc:
            raise PlanError(f"{where} ({item['name']}): {exc}") from None
        if not isinstance(categories, list) or not categories or any(c not in CATEGORIES for c in categories):
            raise PlanError(f"{where} ({item['name']}): agency {agency} needs categories among "
                            f"{', '.join(CATEGORIES)}, not {categories!r}")
    try:
        thresholds = Thresholds.from_dict(item.get("gates", {}))
    except GovLedgerValueError as exc:
        raise PlanError(f"{where} ({item['name']}): {exc}") from None
    return Stage(item["name"], agencies, str(item.get("start", "")), str(item.get("owner", "")),
                 str(item.get("milestone", "")), thresholds)


def allowlist_drift(ledger: Ledger, plan: Plan) -> dict[str, tuple[list[str], list[str]]]:
    """Agencies whose allowlist on chain lacks what the current stage plans: agency -> (planned, on chain)."""
    drift = {}
    for agency, wanted in plan.allowlist().items():
        held = set(ledger.allowed_categories(agency))
        if not wanted <= held:
            drift[agency] = (sorted(c.label for c in wanted), sorted(c.label for c in held))
    return drift


def advance(app: App, plan: Plan, admin: LocalAccount, data_dir: Path, now: int | None = None,
            ) -> tuple[list[GateResult], dict[str, list[str]]]:
    """Move `plan` to its next stage when every gate of the current one holds: allowlist on chain, then the file.

    Returns the gates measured and the agencies whose categories changed. A run cut short is finished by
    running it again: the allowlist is set only where the chain lacks it, the file is written last.
    """
    upcoming = plan.next
    if upcoming is None:
        raise PlanError(f"the rollout is at its last stage ({plan.current}): there is no stage to advance to")
    gates = measure(app, plan.stage.thresholds, now)
    failed = [g for g in gates if not g.ok]
    if failed:
        raise GateFailedError(plan.current, failed)
    changed = apply_allowlist(app.ledger, plan.allowlist(plan.index + 1), admin)
    plan.current = upcoming.name
    plan.save(data_dir)
    return gates, changed


def apply_allowlist(ledger: Ledger, allowlist: dict[str, set[Category]], admin: LocalAccount) -> dict[str, list[str]]:
    """Enable each agency for its categories where the chain lacks them (categories held already stay)."""
    changed = {}
    for agency, wanted in sorted(allowlist.items()):
        held = set(ledger.allowed_categories(agency))
        if wanted <= held:
            continue
        merged = sorted(wanted | held, key=int)
        ledger.enable_agency(admin, agency, merged)
        changed[agency] = [c.label for c in merged]
    return changed
