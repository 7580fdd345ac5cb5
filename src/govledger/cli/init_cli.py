"""`govledger init` and `accounts`: set up a ledger and see who acts on it (`summary` is in read_cli)."""

from __future__ import annotations

import time

import click

from ..accounts import DEMO_ROLES, demo_accounts
from ..money import format_rupiah
from ..pilot import PILOT_AGENCY, load_pilot, pilot_data, setup_roles
from ._context import AppContext, emit, json_option, pass_app


@click.command()
@click.option("--pilot/--no-pilot", default=False, help="Also load the fictional pilot data set.")
@click.option("--training", is_flag=True,
              help="Workshop: a sandbox ledger with the pilot data per participant, in DATA_DIR/training/NAME.")
@click.option("--participants", type=int, help="With --training: this many participants, named p01, p02, ...")
@click.option("--participant", "names", multiple=True, metavar="NAME", help="With --training: a participant. Repeat.")
@pass_app
def init(app: AppContext, pilot: bool, training: bool, participants: int | None, names: tuple[str, ...]) -> None:
    """Create the ledger: deploy the contracts (once) with the demo roles, and optionally the pilot data.

    The only command that creates a chain. Safe to run again: a run cut short (even by kill -9) is
    completed, step by step, from what the chain shows was done.
    """
    if training or participants or names:
        _training(app, training, participants, names)
        return
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


def _training(app: AppContext, training: bool, participants: int | None, names: tuple[str, ...]) -> None:
    """One isolated sandbox ledger per participant (govledger.rollout.training), listed with its command."""
    from ..errors import GovLedgerValueError
    from ..rollout.training import create_sandboxes, participant_names

    if not training:
        raise GovLedgerValueError("--participants and --participant go with --training")
    chosen = participant_names(participants, names)
    started = time.perf_counter()
    for name, directory, created in create_sandboxes(app.data_dir / "training", chosen):
        click.echo(f"{name:12} {directory}{'' if created else '  (kept: already there)'}  "
                   f"-> govledger --data-dir {directory} summary")
    click.echo(f"{len(chosen)} sandbox(es) with the pilot contracts and demo accounts in {time.perf_counter() - started:.1f} s")
