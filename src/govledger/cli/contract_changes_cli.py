"""`govledger contract amend|terminate|dispute|resolve`: what happens to a contract after it starts."""

from __future__ import annotations

from pathlib import Path

import click

from ..money import format_rupiah
from ..types import MilestoneChange, Sen
from ._context import (
    AppContext, document_hash, emit, hash_options, json_option, pass_app, rupiah, signer, signer_options,
)
from .contract_cli import contract, parse_milestone


def _change(text: str) -> MilestoneChange:
    """INDEX=AMOUNT@DUE@K@INSPECTORS; an amount of 0 cancels the milestone."""
    index, _, rest = text.partition("=")
    spec = parse_milestone(rest if "@" in rest else f"{rest}@1970-01-01@1@", allow_zero=True)
    return MilestoneChange(index=int(index), amount=spec.amount, due=spec.due, inspectors=spec.inspectors,
                           required_approvals=spec.required_approvals)


@contract.command()
@click.argument("ocid")
@click.option("--value", required=True, callback=rupiah, help="The contract value after the amendment, in Rupiah.")
@hash_options("rationale", "The addendum's justification")
@click.option("--change", "changes", multiple=True, metavar="INDEX=AMOUNT@DUE@K@INSPECTORS",
              help="Re-plan milestone INDEX (the next index adds one; INDEX=0 cancels it). Repeat.")
@click.option("--consent", is_flag=True, help="Consent to the other party's proposal, restating its content.")
@signer_options
@json_option
@pass_app
def amend(app: AppContext, ocid: str, value: Sen, rationale: Path | None, rationale_hash: str | None,
          changes: tuple[str, ...], consent: bool, as_: str | None, keystore: Path | None, as_json: bool) -> None:
    """Propose an amendment (addendum), or --consent to the one the other party proposed."""
    ledger = app.ledger
    digest = document_hash(rationale, rationale_hash, "rationale")
    act = ledger.consent_amendment if consent else ledger.propose_amendment
    receipt = act(signer(as_, keystore), ocid, value, digest, [_change(c) for c in changes])
    c = ledger.contract(ocid)
    emit(as_json, {"receipt": receipt, "contract": c}, lambda: (
        f"amendment {c.amendment_count} of {ocid} in force: value {format_rupiah(c.value)}" if consent else
        f"amendment proposed for {ocid}: value {format_rupiah(value)}; the other party must consent"))


@contract.command()
@click.argument("ocid")
@hash_options("reason", "The termination decision and its reasons")
@signer_options
@json_option
@pass_app
def terminate(app: AppContext, ocid: str, reason: Path | None, reason_hash: str | None, as_: str | None,
              keystore: Path | None, as_json: bool) -> None:
    """Terminate a contract (an agency official); unearned funds can then be reclaimed."""
    receipt = app.ledger.terminate(signer(as_, keystore), ocid, document_hash(reason, reason_hash, "reason"))
    emit(as_json, receipt, lambda: f"terminated {ocid}: reclaim what it never earned with `escrow reclaim`")


@contract.command()
@click.argument("ocid")
@hash_options("reason", "The statement of the dispute")
@signer_options
@json_option
@pass_app
def dispute(app: AppContext, ocid: str, reason: Path | None, reason_hash: str | None, as_: str | None,
            keystore: Path | None, as_json: bool) -> None:
    """Flag a dispute (either party): payments freeze until the arbiter resolves it."""
    receipt = app.ledger.raise_dispute(signer(as_, keystore), ocid, document_hash(reason, reason_hash, "reason"))
    emit(as_json, receipt, lambda: f"dispute raised on {ocid}: payments are frozen")


@contract.command()
@click.argument("ocid")
@hash_options("resolution", "The arbiter's decision")
@signer_options
@json_option
@pass_app
def resolve(app: AppContext, ocid: str, resolution: Path | None, resolution_hash: str | None, as_: str | None,
            keystore: Path | None, as_json: bool) -> None:
    """Resolve a dispute (the arbiter): payments resume."""
    digest = document_hash(resolution, resolution_hash, "resolution")
    receipt = app.ledger.resolve_dispute(signer(as_, keystore), ocid, digest)
    emit(as_json, receipt, lambda: f"dispute on {ocid} resolved: payments resume")
