"""`govledger rollout status | plan | gates | advance | drill`: the phased rollout and its rollback drill
(govledger.rollout; the plan in docs/rollout.md)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import click

from ._context import AppContext, emit, json_option, pass_app, signer, signer_options

as_of_option = click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                            help="Measure as of this date (default: the chain head's time).")


def _unix(as_of: datetime | None) -> int | None:
    return None if as_of is None else int(as_of.replace(tzinfo=timezone.utc).timestamp())


@click.group()
def rollout() -> None:
    """The rollout's stages (allowlist on chain), its gates, and the rollback drill."""


@rollout.command("status")
@json_option
@pass_app
def status_cmd(app: AppContext, as_json: bool) -> None:
    """The current stage, the allowlist it plans against the chain's, and whether the ledger is paused."""
    from ..rollout import allowlist_drift, load_plan
    from ..rollout.drill import DrillState

    plan = load_plan(app.data_dir)
    ledger = app.ledger
    drift = allowlist_drift(ledger, plan)
    drill = DrillState.load(app.data_dir)
    value = {"stage": plan.current, "next": plan.next.name if plan.next else None, "saved": plan.path is not None,
             "paused": ledger.is_paused(), "drift": {a: {"planned": p, "on_chain": c} for a, (p, c) in drift.items()},
             "drill_unfinished": drill.done if drill else None}

    def text() -> str:
        lines = [f"stage {plan.index + 1} of {len(plan.stages)}: {plan.current}"
                 + ("" if plan.path else " (default plan: `rollout plan --file` sets yours)"),
                 f"next: {plan.next.name if plan.next else 'none (last stage)'}",
                 f"ledger: {'PAUSED' if value['paused'] else 'running'}"]
        lines += [f"allowlist behind the plan: {a} planned {', '.join(p)}; on chain {', '.join(c) or 'nothing'}"
                  for a, (p, c) in drift.items()] or ["allowlist on chain matches the stage"]
        if drill:
            lines.append(f"a rollback drill is unfinished (done: {', '.join(drill.done) or 'nothing'}): "
                         "`govledger rollout drill` finishes it")
        return "\n".join(lines)

    emit(as_json, value, text)


@rollout.command("plan")
@click.option("--file", "plan_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Install this plan (JSON, as `rollout plan --json` prints) in DATA_DIR/rollout.json.")
@json_option
@pass_app
def plan_cmd(app: AppContext, plan_file: Path | None, as_json: bool) -> None:
    """The stages with their timeline, owner, milestone, agencies and gates (or install a new plan)."""
    import json

    from ..rollout import PlanError, load_plan
    from ..rollout.stages import parse_plan

    plan = load_plan(app.data_dir)
    if plan_file is not None:
        try:
            raw = json.loads(plan_file.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise PlanError(f"{plan_file} is not a JSON rollout plan: {exc}") from None
        plan = parse_plan(raw, str(plan_file))
        plan.save(app.data_dir)
    emit(as_json, plan.to_dict(), lambda: "\n".join(
        f"{'->' if s.name == plan.current else '  '} {s.name:10} from {s.start or '?':8} {s.owner}\n"
        f"   done when: {s.milestone or '-'}\n"
        + "".join(f"   {agency}: {', '.join(categories)}\n" for agency, categories in s.agencies.items())
        + "   gates: " + ", ".join(f"{k}={v:g}" for k, v in s.thresholds.to_dict().items())
        for s in plan.stages))


@rollout.command("gates")
@as_of_option
@json_option
@pass_app
@click.pass_context
def gates_cmd(ctx: click.Context, app: AppContext, as_of: datetime | None, as_json: bool) -> None:
    """Measure the current stage's gates from the read model; exit 1 if any fails."""
    from ..rollout import load_plan, measure

    plan = load_plan(app.data_dir)
    gates = measure(app.app, plan.stage.thresholds, _unix(as_of))
    emit(as_json, [g.to_dict() for g in gates], lambda: "\n".join(
        [f"gates of stage {plan.current}:"] + [f"  {g.sentence()}" for g in gates]))
    if not all(g.ok for g in gates):
        ctx.exit(1)


@rollout.command("advance")
@as_of_option
@signer_options
@pass_app
def advance_cmd(app: AppContext, as_of: datetime | None, as_: str | None, keystore: Path | None) -> None:
    """Move to the next stage if every gate holds (the allowlist on chain, then the plan file); else refuse."""
    from ..rollout import advance, load_plan

    plan = load_plan(app.data_dir)
    before = plan.current
    gates, changed = advance(app.app, plan, signer(as_, keystore), app.data_dir, _unix(as_of))
    for gate in gates:
        click.echo(f"  {gate.sentence()}")
    for agency, categories in changed.items():
        click.echo(f"  {agency} may register: {', '.join(categories)}")
    click.echo(f"rollout advanced from {before} to {plan.current}")


@rollout.command("drill")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the exports and the report (default: DATA_DIR/drills/TIME).")
@click.option("--orders-as", metavar="NAME", default="official", show_default=True,
              help="Demo account signing the payment orders.")
@click.option("--orders-keystore", type=click.Path(path_type=Path, dir_okay=False),
              help="Key file signing the payment orders instead (password in $GOVLEDGER_PASSWORD).")
@signer_options
@pass_app
def drill_cmd(app: AppContext, out: Path | None, orders_as: str, orders_keystore: Path | None, as_: str | None,
              keystore: Path | None) -> None:
    """Rollback drill: pause, export to OCDS and payment orders, reconcile, report, resume (--as: the pauser).

    Resumable: run it again after an interruption and it continues from the step it stopped at.
    """
    from ..rollout import DRILL_STEPS, run_drill

    pauser = signer(as_, keystore)
    official = signer(None if orders_keystore else orders_as, orders_keystore)
    state = run_drill(app.app, app.data_dir, pauser, official, out,
                      lambda n, step, summary: click.echo(f"[{n}/{len(DRILL_STEPS)}] {step}: {summary}"))
    click.echo(f"drill complete: {state.out}")
