"""The official's (PPK's) pages: the agency's contracts and what waits for them; register a contract
(from a form, which an OCDS release can fill in); fund; pay the advance; terminate; reclaim; release the
retention. Amendments and disputes are on the contract page (routes/contract.py)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from eth_utils import is_address, to_checksum_address
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ...accounts import DEMO_ADDRESSES
from ...errors import GovLedgerError, GovLedgerValueError
from ...types import Address, Category, ContractSpec, MilestoneSpec, Sen
from ..context import render, translate
from ..guards import PageRefused, form_of, outcome, perform, signed_in, text, upload
from ..i18n import N_, language_of, parse_rupiah
from ..nav import NavItem, register
from ..views import pending_amendments
from .contract import _amount, party_of, url_of

router = APIRouter(include_in_schema=False)
register(NavItem("/official", N_("My contracts"), ("official",), order=10))
register(NavItem("/official/register", N_("Register a contract"), ("official",), order=11))

MILESTONE_ROWS = 3


def agency_contracts(request: Request, agency: str | None) -> list[Any]:
    rows = request.app.state.server.app.reads.contracts()
    return [r for r in rows if agency and r.agency == agency]


def waiting_for_official(rows: list[Any], proposals: dict[str, Any], me: str | None) -> list[tuple[Any, str]]:
    """(contract, msgid of what it waits for) for the official's attention."""
    waiting = []
    for r in rows:
        proposal = proposals.get(r.contract_id)
        if proposal is not None and proposal.proposer.lower() != (me or "").lower():
            waiting.append((r, N_("An amendment waits for your consent")))
        if r.disputed:
            waiting.append((r, N_("A dispute is open: payments are frozen")))
        elif r.status == "active" and r.funded - r.refunded < r.value:
            waiting.append((r, N_("The escrow is not fully funded")))
        elif r.status == "pending":
            waiting.append((r, N_("Waiting for the contractor to accept")))
        elif r.status == "terminated" and r.funded > r.paid + r.refunded + r.retained:
            waiting.append((r, N_("Terminated: unearned funds can be reclaimed")))
    return waiting


@router.get("/official")
async def official_home(request: Request) -> Response:
    user = signed_in(request, "official")
    rows = await run_in_threadpool(agency_contracts, request, user.agency)
    proposals = await run_in_threadpool(pending_amendments, request.app.state.server.engine)
    return render(request, "roles/official.html", contracts=rows,
                  waiting=waiting_for_official(rows, proposals, user.address))


def known_inspectors(request: Request) -> list[tuple[str, str]]:
    """(address, label) of certified inspectors, from the read model's role events (demo names shown)."""
    from sqlalchemy import text as sql

    from ...roles import INSPECTOR_ROLE

    role = "0x" + bytes(INSPECTOR_ROLE).hex()
    holders: dict[str, bool] = {}
    with request.app.state.server.engine.connect() as conn:
        for event, args in conn.execute(sql("SELECT event, args FROM events WHERE event IN ('RoleGranted', "
                                            "'RoleRevoked') ORDER BY block_number, log_index")):
            data = json.loads(args)
            if str(data.get("role", "")).lower() == role:
                holders[to_checksum_address(data["account"])] = event == "RoleGranted"
    from ...accounts import label

    return [(a, label(a)) for a, held in holders.items() if held]


@router.get("/official/register")
async def register_form(request: Request) -> Response:
    signed_in(request, "official")
    inspectors = await run_in_threadpool(known_inspectors, request)
    return render(request, "roles/register.html", inspectors=inspectors, prefill={}, rows=range(MILESTONE_ROWS),
                  contractors=[(a, n) for n, a in DEMO_ADDRESSES.items() if n.startswith("contractor")])


@router.post("/official/import")
async def import_release(request: Request) -> Response:
    """Fill the registration form from an OCDS release (or release package): the official checks and sends it."""
    signed_in(request, "official")
    form = await form_of(request)
    file = form.get("release")
    try:
        data = json.loads(await file.read()) if isinstance(file, UploadFile) else None
        prefill = release_prefill(data)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PageRefused(422, translate(request, N_("This file is not an OCDS release")) + f": {exc}") from None
    inspectors = await run_in_threadpool(known_inspectors, request)
    return render(request, "roles/register.html", inspectors=inspectors, prefill=prefill,
                  rows=range(max(MILESTONE_ROWS, len(prefill.get("milestones", [])))),
                  contractors=[(a, n) for n, a in DEMO_ADDRESSES.items() if n.startswith("contractor")])


def release_prefill(data: Any) -> dict[str, Any]:
    """The form's fields from an OCDS release: ocid, category, value, period and milestones."""
    release = data["releases"][-1] if isinstance(data, dict) and "releases" in data else data
    if not isinstance(release, dict) or not release.get("ocid"):
        raise GovLedgerValueError("no release with an ocid")
    contract = (release.get("contracts") or [{}])[0]
    period = contract.get("period") or {}
    milestones = [{"amount": (m.get("value") or {}).get("amount"), "due": str(m.get("dueDate", ""))[:10]}
                  for m in (contract.get("implementation") or {}).get("milestones") or contract.get("milestones") or []]
    return {"ocid": release["ocid"], "category": (release.get("tender") or {}).get("mainProcurementCategory", ""),
            "value": (contract.get("value") or {}).get("amount"), "start": str(period.get("startDate", ""))[:10],
            "end": str(period.get("endDate", ""))[:10], "milestones": milestones}


@router.post("/official/register")
async def register_contract(request: Request) -> Response:
    user = signed_in(request, "official")
    form = await form_of(request)
    lang = language_of(request)
    try:
        spec = _spec(form, user.agency or "", lang)
    except (GovLedgerError, ValueError) as exc:
        raise PageRefused(422, translate(request, N_("The form has a mistake")) + f": {exc}") from None
    doc = await upload(request, form, "document", user, spec.ocid, "contract", required=False)
    if doc is not None:
        spec = ContractSpec(**{**spec.__dict__, "document_hash": bytes.fromhex(doc.hash[2:])})
    ledger = request.app.state.server.ledger
    ok, detail = await perform(request, user, "register", spec.ocid, lambda a: ledger.register(a, spec))
    if ok:
        return outcome(request, url_of(spec.ocid), True, detail or spec.ocid)
    return outcome(request, "/official/register", False, detail)


def _spec(form: Any, agency: str, lang: str) -> ContractSpec:
    contractor = text(form, "contractor")
    if not is_address(contractor):
        raise GovLedgerValueError(f"contractor {contractor!r} is not an account address")
    milestones = []
    for i in range(20):
        amount = text(form, f"m{i}_amount")
        if not amount:
            continue
        inspectors = tuple(Address(to_checksum_address(a)) for a in form.getlist(f"m{i}_inspectors") if is_address(a))
        if not inspectors:
            raise GovLedgerValueError(f"milestone {i + 1} has no inspector")
        milestones.append(MilestoneSpec(amount=Sen(parse_rupiah(amount, lang)), due=date.fromisoformat(text(form, f"m{i}_due")),
                                        inspectors=inspectors, required_approvals=int(text(form, f"m{i}_k") or 1)))
    if not milestones:
        raise GovLedgerValueError("a contract needs at least one milestone")
    advance = text(form, "advance")
    return ContractSpec(ocid=text(form, "ocid"), agency=agency, contractor=Address(to_checksum_address(contractor)),
                        category=Category[text(form, "category").upper()], value=Sen(parse_rupiah(text(form, "value"), lang)),
                        start=date.fromisoformat(text(form, "start")), end=date.fromisoformat(text(form, "end")),
                        milestones=tuple(milestones), advance_payment=Sen(parse_rupiah(advance, lang) if advance else 0))


@router.post("/contract/{ocid}/fund")
async def fund(ocid: str, request: Request) -> Response:
    user, _ = await party_of(request, ocid, "official")
    form = await form_of(request)
    amount = _amount(request, form.get("amount"))
    ledger = request.app.state.server.ledger
    ok, detail = await perform(request, user, "fund", ocid, lambda a: ledger.fund(a, ocid, amount))
    return outcome(request, url_of(ocid), ok, detail)


@router.post("/contract/{ocid}/terminate")
async def terminate(ocid: str, request: Request) -> Response:
    user, _ = await party_of(request, ocid, "official")
    form = await form_of(request)
    doc = await upload(request, form, "reason", user, ocid, "reason")
    assert doc is not None
    ledger = request.app.state.server.ledger
    ok, detail = await perform(request, user, "terminate", ocid,
                               lambda a: ledger.terminate(a, ocid, bytes.fromhex(doc.hash[2:])))
    return outcome(request, url_of(ocid), ok, detail)


def _simple(action: str, method: str) -> Any:
    async def route(ocid: str, request: Request) -> Response:
        user, _ = await party_of(request, ocid, "official")
        await form_of(request)
        ledger = request.app.state.server.ledger
        ok, detail = await perform(request, user, action, ocid, lambda a: getattr(ledger, method)(a, ocid))
        return outcome(request, url_of(ocid), ok, detail)

    route.__name__ = method
    return route


router.post("/contract/{ocid}/advance")(_simple("advance", "pay_advance"))
router.post("/contract/{ocid}/reclaim")(_simple("reclaim", "reclaim"))
router.post("/contract/{ocid}/release-retention")(_simple("release-retention", "release_retention"))
