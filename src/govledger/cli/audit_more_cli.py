"""`govledger audit check|flags|report|evidence|verify-evidence`: added to the `audit` group of audit_cli."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import click

from ..audit import (
    AuditReport, EvidenceError, FlagSettings, build_bundle, check, ledger_flags, render_csv, render_html, verify_bundle,
)
from ..audit.checks import reading_chain
from ..errors import GovLedgerValueError
from ..readmodel import ChainUnreachableError
from ._context import AppContext, emit, json_option, pass_app
from .audit_cli import audit

F = TypeVar("F", bound=Callable[..., Any])


def db_option(func: F) -> F:
    return click.option("--db", "db_url", envvar="GOVLEDGER_READMODEL_URL", metavar="URL",
                        help="SQLAlchemy URL of the read model (default: sqlite:///DATA_DIR/readmodel.sqlite).")(func)


def sync_option(func: F) -> F:
    return click.option("--sync/--no-sync", default=False, show_default=True,
                        help="Index new blocks into the read model first (as `audit replay`).")(func)


def flag_options(func: F) -> F:
    func = click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        help="Judge overdue/unwithdrawn as of this date (default: the chain head's time).")(func)
    func = click.option("--withdrawal-days", type=click.IntRange(min=0), default=30, show_default=True,
                        help="Flag a paid milestone not withdrawn after this many days.")(func)
    return click.option("--value-creep-pct", type=click.FloatRange(min=0), default=10.0, show_default=True,
                        help="Flag amendments that raise the value by more than this percentage.")(func)


def _engine(app: AppContext, db_url: str | None, sync: bool) -> Any:
    """The read model of the command's App (opened with the ledger first, so a mistyped --data-dir is
    refused before anything is made), synced first if asked. The App closes it when the command ends."""
    app.db_url = db_url
    opened = app.app
    if sync:
        with reading_chain("new blocks to index"):
            opened.sync()
    return opened.engine


def _checked(ctx: click.Context, app: AppContext, db_url: str | None, sync: bool, tamper: bool) -> Any:
    """`check` (after a sync if asked), with an unreachable chain reported as an error with exit status 2
    (1 is for violations and refusals)."""
    try:
        return check(_engine(app, db_url, sync), app.ledger, tamper=tamper)
    except ChainUnreachableError as exc:
        click.echo(f"Error: {exc}", err=True)
        ctx.exit(2)


def _now(app: AppContext, as_of: datetime | None) -> int:
    if as_of is not None:
        return int(as_of.replace(tzinfo=timezone.utc).timestamp())
    return int(app.ledger.w3.eth.get_block("latest")["timestamp"])


def _where(v: Any) -> str:
    return f" [tx {v.tx_hash}, block {v.block_number}]" if v.tx_hash else ""


@audit.command("check")
@db_option
@sync_option
@click.option("--tamper/--no-tamper", default=True, show_default=True,
              help="Also compare every read model row with the chain's logs.")
@json_option
@pass_app
@click.pass_context
def check_cmd(ctx: click.Context, app: AppContext, db_url: str | None, sync: bool, tamper: bool,
              as_json: bool) -> None:
    """Replay the read model and check the invariants off chain, and compare every table with the chain.

    Exit 0 when all holds, 1 on any violation, 2 when the chain cannot be read (an outage is no finding).
    """
    result = _checked(ctx, app, db_url, sync, tamper)
    emit(as_json, result.to_dict(), lambda: "\n".join(
        [f"{result.rows} events, {result.contracts} contracts"
         + (f", blocks {result.from_block}..{result.to_block} compared with the chain" if result.tamper_checked else "")
         + (": every invariant holds" if result.ok else f": {len(result.violations)} violation(s)")]
        + [f"VIOLATION {v.rule} {v.ocid or v.contract_id or '-'}: {v.detail}{_where(v)}" for v in result.violations]))
    if not result.ok:
        ctx.exit(1)


@audit.command("flags")
@db_option
@sync_option
@flag_options
@json_option
@pass_app
def flags_cmd(app: AppContext, db_url: str | None, sync: bool, as_of: datetime | None, withdrawal_days: int,
              value_creep_pct: float, as_json: bool) -> None:
    """Compute the ledger red flags (definitions: docs/red-flags.md)."""
    from ..audit import load_rows, replay

    from ..audit.integrations import integration_flags

    engine = _engine(app, db_url, sync)
    now = _now(app, as_of)
    state = replay(load_rows(engine))
    found = integration_flags(engine, now)  # finance reconciliation
    flags = ledger_flags(state, now, FlagSettings(value_creep_pct=value_creep_pct, withdrawal_days=withdrawal_days))
    flags += found
    from ..integrations.ocds.flags import imported_flags  # tender data from the OCDS import (R018, R003, ...)

    flags += imported_flags(app.data_dir)
    emit(as_json, {"as_of": now, "flags": [f.to_dict() for f in flags]}, lambda: "\n".join(
        [f"{len(flags)} red flag(s) in {len(state.contracts)} contracts as of "
         f"{datetime.fromtimestamp(now, timezone.utc):%Y-%m-%d}"]
        + [f"{f.code} {f.ocid or '-'}: {f.detail}{_where(f)}" for f in flags]))


@audit.command("report")
@db_option
@sync_option
@flag_options
@click.option("--format", "fmt", type=click.Choice(["html", "csv"]), default="html", show_default=True)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="File to write.")
@click.option("--tamper/--no-tamper", default=True, show_default=True,
              help="Include the comparison of the read model with the chain.")
@pass_app
@click.pass_context
def report_cmd(ctx: click.Context, app: AppContext, db_url: str | None, sync: bool, as_of: datetime | None,
               withdrawal_days: int, value_creep_pct: float, fmt: str, out: Path, tamper: bool) -> None:
    """Write the contracts, payments, violations and red flags as one HTML file or a CSV (exit 2 when the
    chain cannot be read)."""
    result = _checked(ctx, app, db_url, sync, tamper)
    now = _now(app, as_of)
    flags = ledger_flags(result.replay, now,
                         FlagSettings(value_creep_pct=value_creep_pct, withdrawal_days=withdrawal_days))
    from ..audit.integrations import integration_flags

    flags += integration_flags(app.app.engine, now)  # finance reconciliation
    w3 = app.ledger.w3
    report = AuditReport(result.replay, result.violations, flags, now, int(w3.eth.chain_id), int(w3.eth.block_number))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(report) if fmt == "html" else render_csv(report), encoding="utf-8")
    click.echo(f"{len(report.contracts())} contracts, {len(report.payments())} payments, "
               f"{len(result.violations)} violations, {len(flags)} flags -> {out}")


@audit.command("evidence")
@click.argument("ocid")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="Bundle file to write.")
@pass_app
def evidence_cmd(app: AppContext, ocid: str, out: Path) -> None:
    """Export the evidence bundle of one contract: events, receipts, block headers and hashes."""
    ledger = app.ledger
    if ledger.deployment is None:
        raise GovLedgerValueError("the ledger is not deployed here: no evidence to export")
    try:
        bundle = build_bundle(ledger.w3, ledger.deployment, ocid)
    except EvidenceError as exc:
        raise GovLedgerValueError(str(exc)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(bundle, indent=1, sort_keys=True), encoding="utf-8")
    click.echo(f"{ocid}: {len(bundle['events'])} events, {len(bundle['receipts'])} receipts, "
               f"{len(bundle['blocks'])} blocks, {len(bundle['hashes'])} hashes -> {out}")


@audit.command("verify-evidence")
@click.argument("bundle_path", metavar="BUNDLE", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@json_option
@pass_app
@click.pass_context
def verify_evidence_cmd(ctx: click.Context, app: AppContext, bundle_path: Path, as_json: bool) -> None:
    """Re-fetch every block, receipt and log of BUNDLE from the chain, and ask the chain again for all of the
    contract's logs in the bundle's range: exit 0 if intact and complete, 1 naming every missing, extra or
    altered item, 2 when the chain cannot be read."""
    try:
        bundle = json.loads(bundle_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise GovLedgerValueError(f"{bundle_path} is not a JSON evidence bundle (truncated or damaged?): {exc}") from None
    ledger = app.ledger
    try:
        counts = verify_bundle(ledger.w3, bundle, ledger.deployment)
    except EvidenceError as exc:
        problems = exc.problems
        emit(as_json, {"intact": False, "mismatch": str(exc), "problems": problems},
             lambda: "\n".join(f"MISMATCH: {p}" for p in problems))
        ctx.exit(1)
        return
    except ChainUnreachableError as exc:
        click.echo(f"Error: {exc}", err=True)
        ctx.exit(2)
        return
    emit(as_json, {"intact": True, **counts}, lambda: (
        f"intact: {bundle.get('ocid')}: {counts['events']} events, {counts['receipts']} receipts, "
        f"{counts['blocks']} blocks and {counts['hashes']} hashes match the chain, and no log of the contract "
        f"in blocks {counts['from_block']}..{counts['to_block']} is missing"))
