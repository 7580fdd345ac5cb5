"""`govledger contract`: register, accept, show and list government contracts."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from ..errors import GovLedgerValueError
from ..money import format_rupiah, parse_rupiah
from ..types import AcceptanceTerms, Category, ContractSpec, MilestoneSpec, Sen
from ._context import (
    AppContext, address_of, document_hash, emit, json_option, pass_app, rupiah, signer, signer_options, to_jsonable,
)

_DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.group()
def contract() -> None:
    """Register, accept, show and list contracts."""


def parse_milestone(text: str, *, allow_zero: bool = False) -> MilestoneSpec:
    """AMOUNT@DUE@K@INSPECTOR[,INSPECTOR...], e.g. 400000000@2026-06-30@2@inspector1,inspector2,inspector3."""
    parts = text.split("@")
    if len(parts) != 4:
        raise GovLedgerValueError(f"--milestone {text!r}: expected AMOUNT@DUE@APPROVALS@INSPECTOR,INSPECTOR...")
    amount, due, k, inspectors = parts
    try:
        due_date = date.fromisoformat(due)
        approvals = int(k)
    except ValueError as exc:
        raise GovLedgerValueError(f"--milestone {text!r}: {exc}") from None
    value = parse_rupiah(amount)
    if value == 0 and not allow_zero:
        raise GovLedgerValueError(f"--milestone {text!r}: the amount must be above zero")
    return MilestoneSpec(amount=value, due=due_date, required_approvals=approvals,
                         inspectors=tuple(address_of(i) for i in inspectors.split(",") if i))


@contract.command()
@click.option("--ocid", required=True, help="OCDS open contracting id; the contract's key on chain.")
@click.option("--agency", required=True, help="Code of the agency (K/L/PD) that owns the contract.")
@click.option("--contractor", required=True, help="Contractor: demo account name or 0x address.")
@click.option("--category", required=True, type=click.Choice([c.name.lower() for c in Category]))
@click.option("--value", required=True, callback=rupiah, help="Contract value in Rupiah.")
@click.option("--advance", default="0", callback=rupiah, help="Agreed advance payment in Rupiah (uang muka).")
@click.option("--start", required=True, type=_DAY)
@click.option("--end", required=True, type=_DAY)
@click.option("--milestone", "milestones", multiple=True, required=True, metavar="AMOUNT@DUE@K@INSPECTORS",
              help="A milestone: amount in Rupiah, due date, approvals needed, comma-separated inspectors. Repeat.")
@click.option("--document", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="The signed contract document; only its hash goes on chain.")
@click.option("--metadata-uri", default="", help="Where the public contract record lives (e.g. its OCDS release).")
@signer_options
@json_option
@pass_app
def register(app: AppContext, ocid: str, agency: str, contractor: str, category: str, value: Sen, advance: Sen,
             start: datetime, end: datetime, milestones: tuple[str, ...], document: Path | None, metadata_uri: str,
             as_: str | None, keystore: Path | None, as_json: bool) -> None:
    """Register a contract with its milestones (an agency official signs)."""
    spec = ContractSpec(
        ocid=ocid, agency=agency, contractor=address_of(contractor), category=Category[category.upper()], value=value,
        start=start.date(), end=end.date(),
        document_hash=document_hash(document, None, "document") if document else b"\0" * 32,
        metadata_uri=metadata_uri, milestones=tuple(parse_milestone(m) for m in milestones),
        advance_payment=advance,
    )
    cid = app.ledger.register(signer(as_, keystore), spec)
    emit(as_json, {"ocid": ocid, "id": cid, "status": "pending"},
         lambda: f"registered {ocid} (id 0x{cid.hex()}): pending until the contractor accepts")


@contract.command()
@click.argument("ocid")
@click.option("--terms-hash", "expected", default=None, metavar="0xHASH",
              help="Accept only the terms with this hash (as shown or signed before); default: the terms shown.")
@signer_options
@json_option
@pass_app
def accept(app: AppContext, ocid: str, expected: str | None, as_: str | None, keystore: Path | None,
           as_json: bool) -> None:
    """Accept a contract (the contractor signs its terms hash); it becomes active.

    Prints every term that binds the contractor and the hash that commits to them; the chain refuses
    the acceptance if the registered terms hash to anything else.
    """
    terms = app.ledger.acceptance_terms(ocid)
    digest = _terms_hash_option(expected) if expected else terms.terms_hash
    receipt = app.ledger.accept(signer(as_, keystore), ocid, digest)
    emit(as_json, {**to_jsonable(receipt), "terms_hash": "0x" + digest.hex()},
         lambda: "\n".join([*_terms_lines(terms), f"accepted {ocid}: active, terms hash 0x{digest.hex()} "
                                                    f"(tx {receipt.tx_hash}, block {receipt.block_number})"]))


def _terms_hash_option(text: str) -> bytes:
    try:
        digest = bytes.fromhex(text.removeprefix("0x"))
    except ValueError:
        digest = b""
    if len(digest) != 32:
        raise GovLedgerValueError(f"--terms-hash {text!r}: expected 0x and 64 hex digits")
    return digest


def _terms_lines(terms: AcceptanceTerms) -> list[str]:
    """The terms a contractor accepts, one per line."""
    spec, p = terms.spec, terms.parameters
    lines = [f"terms of {spec.ocid}: {spec.category.name.lower()}, value {format_rupiah(spec.value)}, "
             f"advance {format_rupiah(spec.advance_payment)}, {spec.start} to {spec.end}, "
             f"document 0x{spec.document_hash.hex()}"]
    lines += [f"  milestone {i}: {format_rupiah(m.amount)} due {m.due}, {m.required_approvals} of "
              f"{', '.join(m.inspectors)}" for i, m in enumerate(spec.milestones)]
    lines.append(f"  policy: retention {p.works_retention_bps / 100:g}%, late penalty {p.penalty_per_day_bps / 100:g}% "
                 f"a day up to {p.penalty_cap_bps / 100:g}%, amendments up to +{p.amendment_cap_bps / 100:g}%, "
                 f"maintenance {p.maintenance_period_s // 86400} days")
    return lines


@contract.command()
@click.argument("ocid")
@json_option
@pass_app
def show(app: AppContext, ocid: str, as_json: bool) -> None:
    """Show a contract, its escrow and its milestones (from the read model)."""
    from .read_cli import describe_contract

    detail = app.reader().detail(ocid)
    emit(as_json, {"contract": detail.contract, "escrow": detail.escrow, "milestones": detail.milestones},
         lambda: describe_contract(detail))


@contract.command(name="list")
@json_option
@pass_app
def list_(app: AppContext, as_json: bool) -> None:
    """List every registered contract (from the read model; a bad ocid on chain is shown, marked)."""
    from .read_cli import contract_line

    contracts = app.reader().contracts()
    emit(as_json, contracts, lambda: "\n".join(contract_line(c) for c in contracts) or "no contracts registered")
