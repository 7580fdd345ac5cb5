"""`govledger escrow`: fund a contract, withdraw payments, see balances."""

from __future__ import annotations

from pathlib import Path

import click

from ..money import format_rupiah
from ..types import Sen
from ._context import AppContext, address_of, emit, is_account, json_option, pass_app, rupiah, signer, signer_options


@click.group()
def escrow() -> None:
    """Fund escrow, withdraw payments, show balances."""


@escrow.command()
@click.argument("ocid")
@click.argument("amount", callback=rupiah)
@signer_options
@json_option
@pass_app
def fund(app: AppContext, ocid: str, amount: Sen, as_: str | None, keystore: Path | None, as_json: bool) -> None:
    """Move AMOUNT Rupiah of the official's budget into the contract's escrow."""
    receipt = app.ledger.fund(signer(as_, keystore), ocid, amount)
    emit(as_json, receipt, lambda: f"funded {ocid} with {format_rupiah(amount)} (tx {receipt.tx_hash})")


@escrow.command()
@click.argument("ocid")
@signer_options
@json_option
@pass_app
def withdraw(app: AppContext, ocid: str, as_: str | None, keystore: Path | None, as_json: bool) -> None:
    """Withdraw everything credited to the contractor on the contract."""
    ledger = app.ledger
    before = ledger.escrow_account(ocid).withdrawable
    receipt = ledger.withdraw(signer(as_, keystore), ocid)
    emit(as_json, {"amount": before, "receipt": receipt},
         lambda: f"withdrew {format_rupiah(before)} from {ocid} (tx {receipt.tx_hash})")


def _official_action(name: str, method: str, doc: str, done: str):  # type: ignore[no-untyped-def]
    @click.argument("ocid")
    @signer_options
    @json_option
    @pass_app
    def action(app: AppContext, ocid: str, as_: str | None, keystore: Path | None, as_json: bool) -> None:
        receipt = getattr(app.ledger, method)(signer(as_, keystore), ocid)
        emit(as_json, receipt, lambda: f"{done} {ocid} (tx {receipt.tx_hash})")

    action.__doc__ = doc
    return escrow.command(name=name)(action)


advance = _official_action("advance", "pay_advance", "Pay the agreed advance to the contractor (an agency official).",
                           "advance paid on")
release_retention = _official_action(
    "release-retention", "release_retention",
    "Release the retention once the maintenance period after closing is over (an agency official).",
    "retention released on")
reclaim = _official_action("reclaim", "reclaim",
                           "Take back what a completed or terminated contract never earned (an agency official).",
                           "reclaimed unearned funds of")


@escrow.command()
@click.argument("target")
@json_option
@pass_app
def balance(app: AppContext, target: str, as_json: bool) -> None:
    """TARGET is a contract's ocid (its escrow, from the read model) or an account (its token balance)."""
    if is_account(target):
        ledger = app.ledger
        address = address_of(target)
        amount = ledger.balance(address)
        emit(as_json, {"account": address, "balance": amount},
             lambda: f"{ledger.label(address)} holds {format_rupiah(amount)}")
        return
    account = app.reader().detail(target).escrow
    emit(as_json, account, lambda: (
        f"{target}: funded {format_rupiah(account.funded)}, held {format_rupiah(account.held)}, "
        f"withdrawable {format_rupiah(account.withdrawable)}, withdrawn {format_rupiah(account.withdrawn)}"))
