"""`govledger admin`: the rollout allowlist, roles, policy parameters and the emergency pause."""

from __future__ import annotations

from pathlib import Path

import click

from ..types import Category, Parameters
from ._context import AppContext, address_of, emit, json_option, pass_app, signer, signer_options


@click.group()
def admin() -> None:
    """Rollout allowlist, roles, parameters, emergency pause (platform admin and pauser)."""


@admin.command()
@click.argument("agency")
@click.option("--category", "categories", multiple=True, type=click.Choice([c.name.lower() for c in Category]),
              help="A category the agency may register. Repeat; none takes the agency off the allowlist.")
@signer_options
@pass_app
def allow(app: AppContext, agency: str, categories: tuple[str, ...], as_: str | None, keystore: Path | None) -> None:
    """Put AGENCY on the rollout allowlist for the given categories (the pilot stage's gate)."""
    chosen = [Category[c.upper()] for c in categories]
    app.ledger.enable_agency(signer(as_, keystore), agency, chosen)
    click.echo(f"{agency} may register: {', '.join(categories) or 'nothing (off the allowlist)'}")


@admin.command(name="appoint-official")
@click.argument("agency")
@click.argument("account")
@signer_options
@pass_app
def appoint_official(app: AppContext, agency: str, account: str, as_: str | None, keystore: Path | None) -> None:
    """Grant ACCOUNT the official (PPK) role of AGENCY."""
    app.ledger.appoint_official(signer(as_, keystore), agency, address_of(account))
    click.echo(f"{app.ledger.label(address_of(account))} is now an official of {agency}")


@admin.command(name="certify-inspector")
@click.argument("account")
@click.option("--revoke", is_flag=True, help="Take the inspector role away instead.")
@signer_options
@pass_app
def certify_inspector(app: AppContext, account: str, revoke: bool, as_: str | None, keystore: Path | None) -> None:
    """Grant (or --revoke) the inspector (PPHP) role."""
    act = app.ledger.revoke_inspector if revoke else app.ledger.certify_inspector
    act(signer(as_, keystore), address_of(account))
    click.echo(f"{app.ledger.label(address_of(account))} {'is no longer' if revoke else 'is now'} an inspector")


@admin.command()
@click.option("--amendment-cap-bps", type=click.IntRange(0, 10_000))
@click.option("--works-retention-bps", type=click.IntRange(0, 10_000))
@click.option("--penalty-per-day-bps", type=click.IntRange(0, 10_000))
@click.option("--penalty-cap-bps", type=click.IntRange(0, 10_000))
@click.option("--maintenance-days", type=click.IntRange(0, 3650))
@signer_options
@json_option
@pass_app
def parameters(app: AppContext, amendment_cap_bps: int | None, works_retention_bps: int | None,
               penalty_per_day_bps: int | None, penalty_cap_bps: int | None, maintenance_days: int | None,
               as_: str | None, keystore: Path | None, as_json: bool) -> None:
    """Show the policy parameters, or change those given (for contracts registered from now on)."""
    ledger = app.ledger
    current = ledger.parameters()
    given = {"amendment_cap_bps": amendment_cap_bps, "works_retention_bps": works_retention_bps,
             "penalty_per_day_bps": penalty_per_day_bps, "penalty_cap_bps": penalty_cap_bps,
             "maintenance_period_s": maintenance_days * 86400 if maintenance_days is not None else None}
    changes = {k: v for k, v in given.items() if v is not None}
    if changes:
        current = Parameters(**{**current.__dict__, **changes})
        ledger.set_parameters(signer(as_, keystore), current)
    emit(as_json, current, lambda: "\n".join(f"{k:22} {v}" for k, v in current.__dict__.items()))


@admin.command()
@signer_options
@pass_app
def pause(app: AppContext, as_: str | None, keystore: Path | None) -> None:
    """Stop every state change in the ledger (the rollback plan's first step; the pauser signs)."""
    app.ledger.pause(signer(as_, keystore))
    click.echo("the ledger is paused: every state change is refused until `admin unpause`")


@admin.command()
@signer_options
@pass_app
def unpause(app: AppContext, as_: str | None, keystore: Path | None) -> None:
    """Resume after an emergency pause (the pauser signs)."""
    app.ledger.unpause(signer(as_, keystore))
    click.echo("the ledger runs again")
