"""`govledger init`, `summary` and `accounts`: set up a ledger and see what is on it."""

from __future__ import annotations

import time

import click

from ..accounts import DEMO_ROLES, demo_accounts
from ..money import format_rupiah
from ..pilot import PILOT_AGENCY, load_pilot, pilot_data, setup_roles
from ._context import AppContext, emit, json_option, pass_app


@click.command()
@click.option("--pilot/--no-pilot", default=False, help="Also load the fictional pilot data set.")
@pass_app
def init(app: AppContext, pilot: bool) -> None:
    """Create the ledger: deploy the contracts (once) with the demo roles, and optionally the pilot data.

    The only command that creates a chain. Safe to run again: a run cut short (even by kill -9) is
    completed, step by step, from what the chain shows was done.
    """
    app.create = True
    ledger = app.ledger
    started = time.perf_counter()
    if ledger.deployment is None:
        acc = demo_accounts()
        deployment = ledger.deploy(acc["admin"], acc["treasury"].address)
        click.echo(f"deployed to chain {deployment.chain_id}: registry {deployment.addresses['ContractRegistry']}")
    else:
        click.echo(f"already initialised: registry {ledger.deployment.addresses['ContractRegistry']}")
    steps = setup_roles(ledger)
    if steps:
        click.echo(f"pilot agency {PILOT_AGENCY} enabled; demo roles appointed (see `govledger accounts`)")
    if pilot:
        total = len(pilot_data()["contracts"])
        with click.progressbar(length=total, label="loading pilot contracts") as bar:
            loaded = load_pilot(ledger, progress=lambda _line: bar.update(1))
        click.echo(f"pilot: {loaded} contracts loaded or completed, {total - loaded} already there")
    click.echo(f"done in {time.perf_counter() - started:.1f} s")


@click.command()
@json_option
@pass_app
def summary(app: AppContext, as_json: bool) -> None:
    """A summary of the ledger: contracts by status, escrow and payments."""
    ledger = app.ledger
    rows = []
    for c in ledger.contracts():
        account = ledger.escrow_account(c.ocid or "")
        paid = sum(1 for m in ledger.milestones(c.ocid or "") if m.status.name == "PAID")
        rows.append({"contract": c, "escrow": account, "paid_milestones": paid})
    data = {"chain_id": ledger.w3.eth.chain_id, "block": ledger.w3.eth.block_number, "contracts": rows}

    def text() -> str:
        lines = [f"govledger on chain {data['chain_id']} at block {data['block']}: {len(rows)} contracts", ""]
        lines.append(f"{'ocid':28} {'category':10} {'status':10} {'value':>22} {'funded':>22} {'paid out':>22}  milestones")
        for r in rows:
            c, a = r["contract"], r["escrow"]
            lines.append(
                f"{c.ocid:28} {c.category.name.lower():10} {c.status.name.lower():10} {format_rupiah(c.value):>22} "
                f"{format_rupiah(a.funded):>22} {format_rupiah(a.withdrawn + a.withdrawable):>22}  "
                f"{r['paid_milestones']}/{c.milestone_count} paid"
            )
        total_value = sum(r["contract"].value for r in rows)
        total_paid = sum(r["escrow"].withdrawn + r["escrow"].withdrawable for r in rows)
        lines += ["", f"total value {format_rupiah(total_value)}, paid out {format_rupiah(total_paid)}"]
        return "\n".join(lines)

    emit(as_json, data, text)


@click.command()
@json_option
@pass_app
def accounts(app: AppContext, as_json: bool) -> None:
    """The demo accounts (public keys: for the fictional pilot only), their roles and balances."""
    ledger = app.ledger
    rows = [
        {"name": name, "role": DEMO_ROLES[name], "address": a.address,
         "balance": ledger.balance(a.address) if ledger.deployment else 0}
        for name, a in demo_accounts().items()
    ]
    emit(as_json, rows, lambda: "\n".join(
        f"{r['name']:12} {r['address']}  {format_rupiah(r['balance']):>24}  {r['role']}" for r in rows))
