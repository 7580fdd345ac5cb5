"""`govledger finance orders | import | reconcile | verify-order`: the treasury side (integrations.finance)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import click

from ._context import AppContext, emit, json_option, pass_app, signer, signer_options


@click.group()
def finance() -> None:
    """Payment orders for the treasury, and its disbursement records (SP2D) reconciled with the ledger."""


@finance.command("orders")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="Folder for the orders (JSON + CSV).")
@click.option("--endpoint", metavar="URL", help="POST each order to this HTTP endpoint instead.")
@click.option("--confirmations", type=click.IntRange(min=0), default=0, show_default=True,
              help="Wait until a release is this many blocks deep (on a network with reorgs).")
@signer_options
@json_option
@pass_app
def orders_cmd(app: AppContext, out: Path | None, endpoint: str | None, confirmations: int, as_: str | None,
               keystore: Path | None, as_json: bool) -> None:
    """Write (or POST) a signed payment order for every payment released on chain and not yet sent."""
    from ..integrations.finance import OrderExporter, subscribe_orders

    exporter = OrderExporter(signer(as_, keystore), folder=out, endpoint=endpoint, confirmations=confirmations)
    unsubscribe = subscribe_orders(app.app, exporter)  # the orders follow the sync, as in the server
    try:
        app.app.sync()
    finally:
        unsubscribe()
    if exporter.last_error is not None:
        raise exporter.last_error
    result = exporter.last if exporter.last is not None else exporter.export(app.app.engine)
    emit(as_json, result.to_dict(), lambda: f"{len(result.written)} payment order(s) written, {result.skipped} "
                                            f"already sent -> {out or endpoint}")


@finance.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--encoding", default=None, help="The files' encoding if not UTF-8 (e.g. cp1252).")
@json_option
@pass_app
@click.pass_context
def import_cmd(ctx: click.Context, app: AppContext, files: tuple[Path, ...], encoding: str | None,
               as_json: bool) -> None:
    """Import SP2D-like CSV files (number, date, amount, account, reference); exit 1 if any row was refused."""
    from ..integrations.finance import import_disbursements

    app.app.sync()
    results = [import_disbursements(app.app.engine, path, encoding) for path in files]
    emit(as_json, [r.to_dict() for r in results], lambda: "\n".join(
        line for r in results for line in (
            [f"{r.path}: {r.imported} imported, {r.unchanged} already there, {len(r.problems)} refused"]
            + [f"note: {n}" for n in r.notes] + [f"REFUSED {p}" for p in r.problems])))
    if any(r.problems for r in results):
        ctx.exit(1)


@finance.command("reconcile")
@click.option("--undisbursed-days", type=click.IntRange(min=0), default=14, show_default=True,
              help="Flag a release not disbursed after this many days.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge as of this date (default: the chain head's time).")
@json_option
@pass_app
@click.pass_context
def reconcile_cmd(ctx: click.Context, app: AppContext, undisbursed_days: int, as_of: datetime | None,
                  as_json: bool) -> None:
    """Match releases with disbursements; every mismatch is a red flag (also in `audit flags`). Exit 1 on any."""
    from ..integrations.finance import FinanceSettings, reconcile

    app.app.sync()
    now = (int(as_of.replace(tzinfo=timezone.utc).timestamp()) if as_of is not None
           else int(app.ledger.w3.eth.get_block("latest")["timestamp"]))
    result = reconcile(app.app.engine, now, FinanceSettings(undisbursed_days))
    emit(as_json, result.to_dict(), lambda: "\n".join(
        [f"{len(result.matched)} matched, {len(result.pending)} awaiting disbursement, {len(result.flags)} finding(s)"]
        + [f"{f.code} {f.ocid or '-'}: {f.detail}" + (f" [tx {f.tx_hash}]" if f.tx_hash else "")
           for f in result.flags]))
    if result.flags:
        ctx.exit(1)


@finance.command("verify-order")
@click.argument("order", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@pass_app
def verify_order_cmd(app: AppContext, order: Path) -> None:
    """Check a payment order's signature and that its issuer is an official of its agency on chain."""
    from ..errors import GovLedgerValueError
    from ..integrations.finance import verify_order
    from ..roles import agency_id, official_role

    try:
        signed = json.loads(order.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise GovLedgerValueError(f"{order} is not a JSON payment order: {exc}") from None
    issuer = verify_order(signed)
    agency = signed["order"]["agency"]
    if not app.ledger.registry.functions.hasRole(official_role(agency_id(agency)), issuer).call():
        raise GovLedgerValueError(f"order {signed['order']['idempotency_key']} is signed by {issuer}, who is not an "
                                  f"official of {agency} on chain")
    click.echo(f"valid: order {signed['order']['idempotency_key']} signed by {issuer}, an official of {agency}")
