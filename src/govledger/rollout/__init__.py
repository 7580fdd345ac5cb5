"""Adoption: the phased rollout (stages applied through the allowlist, gates measured from the read model),
the rollback drill, and training sandboxes.

    from govledger.rollout import load_plan, measure, advance, run_drill, create_sandboxes
    plan = load_plan(data_dir)                      # DATA_DIR/rollout.json, or the default plan
    [g for g in measure(app, plan.current_gates()) if not g.ok]
    advance(app, plan, admin)                       # refuses with GateFailedError naming each failing gate
"""

from .drill import DRILL_STEPS, DrillError, DrillState, run_drill
from .gates import GateFailedError, GateResult, Thresholds, measure
from .stages import (
    PLAN_FILE,
    Plan,
    PlanError,
    Stage,
    advance,
    allowlist_drift,
    load_plan,
)
from .training import create_sandboxes

__all__ = [
    "DRILL_STEPS", "PLAN_FILE", "DrillError", "DrillState", "GateFailedError", "GateResult", "Plan", "PlanError",
    "Stage", "Thresholds", "advance", "allowlist_drift", "create_sandboxes", "load_plan", "measure", "run_drill",
]
