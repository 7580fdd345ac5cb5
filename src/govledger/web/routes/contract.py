"""A contract's page (the public view, or the private one for its parties, inspectors and auditors), its
documents, and the actions either party takes: amendments and disputes."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ...errors import GovLedgerError
from ...reads import ContractDetail
from ...types import Address, MilestoneChange, Sen
from ..access import may_see_private, relation
from ..context import render, translate, user_of, web
from ..guards import (
    PageRefused,
    chain_read,
    form_of,
    outcome,
    perform,
    signed_in,
    text,
    upload,
)
from ..i18n import N_, language_of, parse_rupiah
from ..views import contract_events, evidence_of, milestone_lines, pending_amendment

router = APIRouter(include_in_schema=False)


async def detail_of(request: Request, ocid: str) -> ContractDetail:
    app = request.app.state.server.app
    try:
        return await run_in_threadpool(app.reads.detail, ocid)
    except GovLedgerError:
        raise PageRefused(404, translate(request, N_("No contract %(ocid)s is registered.")) % {"ocid": ocid[:200]}) from None


def url_of(ocid: str) -> str:
    return f"/contract/{ocid}"


@router.get("/contract/{ocid}")
async def contract_page(ocid: str, request: Request) -> Response:
    user = user_of(request)
    detail = await detail_of(request, ocid)
    role = relation(user, detail)
    state = request.app.state.server
    events = await run_in_threadpool(contract_events, state.engine, ocid)
    context = {"detail": detail, "c": detail.contract, "lines": milestone_lines(detail), "role": role,
               "private": role is not None, "proposal": pending_amendment(events), "terms": None,
               "offer": role == "contractor" and detail.contract.status == "pending"}
    if role is not None:
        context["documents"] = web(request).documents.for_contract(ocid)
        context["evidence"] = evidence_of(events)
    if role == "contractor" and detail.contract.status == "pending":
        context["terms"] = await chain_read(request, lambda: _terms(state.ledger, ocid))
    return render(request, "contract.html", **context)


def _terms(ledger, ocid):  # type: ignore[no-untyped-def]
    """What the contractor accepts and the digest they sign (when the SDK offers it)."""
    terms = getattr(ledger, "acceptance_terms", None)
    if terms is None:
        return None
    return terms(ocid)


@router.get("/documents/{digest}")
async def download(digest: str, request: Request) -> Response:
    """A document, to those who may see its contract; refused when it no longer matches its hash."""
    user = signed_in(request)
    store = web(request).documents
    try:
        doc = store.describe(digest)
    except GovLedgerError as exc:
        raise PageRefused(404, str(exc)) from None
    detail = await detail_of(request, doc.ocid)
    if not may_see_private(user, detail):
        raise PageRefused(403, translate(request, N_("Only the contract's parties, its inspectors and the "
                                                     "auditors may see its documents.")))
    try:
        doc, data = store.read(digest)
    except GovLedgerError as exc:
        raise PageRefused(409, str(exc)) from None
    return Response(data, media_type=doc.content_type, headers={
        "Content-Disposition": f'attachment; filename="{doc.name}"', "X-Document-Hash": doc.hash})


async def party_of(request: Request, ocid: str, *relations: str):  # type: ignore[no-untyped-def]
    """The signed-in person, if they stand to the contract as one of `relations`."""
    user = signed_in(request)
    detail = await detail_of(request, ocid)
    if relation(user, detail) not in relations:
        raise PageRefused(403, translate(request, N_("Only the contract's %(who)s may do this.")) %
                          {"who": " / ".join(translate(request, r) for r in relations)})
    return user, detail


@router.post("/contract/{ocid}/amend")
async def propose_amendment(ocid: str, request: Request) -> Response:
    user, contract = await party_of(request, ocid, "official", "contractor")
    form = await form_of(request)
    value = _amount(request, form.get("value"))
    changes = _changes(request, form, contract)
    doc = await upload(request, form, "rationale", user, ocid, "rationale")
    assert doc is not None
    ledger = request.app.state.server.ledger
    ok, detail = await perform(request, user, "amend-propose", ocid, lambda a: ledger.propose_amendment(
        a, ocid, value, bytes.fromhex(doc.hash[2:]), changes))
    return outcome(request, url_of(ocid), ok, detail)


@router.post("/contract/{ocid}/consent")
async def consent_amendment(ocid: str, request: Request) -> Response:
    user, _detail = await party_of(request, ocid, "official", "contractor")
    await form_of(request)
    state = request.app.state.server
    proposal = pending_amendment(await run_in_threadpool(contract_events, state.engine, ocid))
    if proposal is None:
        raise PageRefused(409, translate(request, N_("No amendment waits for consent.")))
    ok, detail = await perform(request, user, "amend-consent", ocid, lambda a: state.ledger.consent_amendment(
        a, ocid, proposal.new_value, bytes.fromhex(proposal.rationale_hash[2:]), list(proposal.changes)))
    return outcome(request, url_of(ocid), ok, detail)


@router.post("/contract/{ocid}/dispute")
async def dispute(ocid: str, request: Request) -> Response:
    user, _detail = await party_of(request, ocid, "official", "contractor")
    form = await form_of(request)
    doc = await upload(request, form, "reason", user, ocid, "reason")
    assert doc is not None
    ledger = request.app.state.server.ledger
    ok, detail = await perform(request, user, "dispute", ocid,
                               lambda a: ledger.raise_dispute(a, ocid, bytes.fromhex(doc.hash[2:])))
    return outcome(request, url_of(ocid), ok, detail)


def _changes(request: Request, form: Any, contract: ContractDetail) -> list[MilestoneChange]:
    """The amendment's one milestone change, if any: a milestone's new amount and due date (same inspectors),
    or a new milestone checked by all of the contract's inspectors."""
    chosen = text(form, "change_index")
    if not chosen:
        return []
    try:
        index, due = int(chosen), date.fromisoformat(text(form, "change_due"))
    except ValueError as exc:
        raise PageRefused(422, str(exc)) from None
    amount = _amount(request, form.get("change_amount"))
    existing = [m for m in contract.milestones if m.index == index]
    if existing:
        k, inspectors = existing[0].required_approvals, existing[0].inspectors
    else:
        k, inspectors = 1, tuple(dict.fromkeys(i for m in contract.milestones for i in m.inspectors))
    return [MilestoneChange(index=index, amount=Sen(amount), due=due, required_approvals=k,
                            inspectors=tuple(Address(i) for i in inspectors))]


def _amount(request: Request, raw: object) -> int:
    try:
        return parse_rupiah(raw if isinstance(raw, str) else "", language_of(request))
    except GovLedgerError as exc:
        raise PageRefused(422, str(exc)) from None
