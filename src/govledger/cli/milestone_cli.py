"""`govledger milestone`: submit evidence, approve or reject, list."""

from __future__ import annotations

from pathlib import Path

import click

from ._context import AppContext, document_hash, emit, hash_options, json_option, pass_app, signer, signer_options


@click.group()
def milestone() -> None:
    """Submit, approve, reject and list milestones."""


@milestone.command()
@click.argument("ocid")
@click.argument("index", type=int)
@hash_options("evidence", "Evidence document (e.g. the progress report)")
@signer_options
@json_option
@pass_app
def submit(app: AppContext, ocid: str, index: int, evidence: Path | None, evidence_hash: str | None,
           as_: str | None, keystore: Path | None, as_json: bool) -> None:
    """Submit milestone INDEX's evidence (the contractor signs)."""
    digest = document_hash(evidence, evidence_hash, "evidence")
    receipt = app.ledger.submit(signer(as_, keystore), ocid, index, digest)
    emit(as_json, receipt, lambda: f"submitted milestone {index} of {ocid} with evidence 0x{digest.hex()}")


def _attest(approve: bool):  # type: ignore[no-untyped-def]
    verb, done = ("approve", "approved") if approve else ("reject", "rejected")

    @click.argument("ocid")
    @click.argument("index", type=int)
    @hash_options("report", "Inspection report")
    @signer_options
    @json_option
    @pass_app
    def attest(app: AppContext, ocid: str, index: int, report: Path | None, report_hash: str | None,
               as_: str | None, keystore: Path | None, as_json: bool) -> None:
        ledger = app.ledger
        digest = document_hash(report, report_hash, "report")
        action = ledger.approve if approve else ledger.reject
        receipt = action(signer(as_, keystore), ocid, index, digest)
        m = ledger.milestones(ocid)[index]
        emit(as_json, {"receipt": receipt, "milestone": m}, lambda: (
            f"{done} milestone {index} of {ocid}: now {m.status.name.lower()}"
            f" ({len(m.approved_by)}/{m.required_approvals} approvals)"))

    attest.__doc__ = f"{verb.capitalize()} submitted milestone INDEX (an assigned inspector signs)."
    return milestone.command(name=verb)(attest)


approve = _attest(approve=True)
reject = _attest(approve=False)


@milestone.command(name="list")
@click.argument("ocid")
@json_option
@pass_app
def list_(app: AppContext, ocid: str, as_json: bool) -> None:
    """List a contract's milestones (from the read model)."""
    from .read_cli import milestone_line

    milestones = app.reader().detail(ocid).milestones
    emit(as_json, milestones, lambda: "\n".join(milestone_line(m) for m in milestones))
