"""The contractor's (penyedia's) pages: contracts offered (full terms, the digest they sign), accept,
submit a milestone with its evidence, payments and what holds each back, withdraw."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..context import render, translate
from ..guards import PageRefused, form_of, outcome, perform, signed_in, text, upload
from ..i18n import N_
from ..nav import NavItem, register
from ..views import milestone_lines, pending_amendments
from .contract import party_of, url_of

router = APIRouter(include_in_schema=False)
register(NavItem("/contractor", N_("My contracts and payments"), ("contractor",), order=20))

Index = Annotated[int, Path(ge=0, le=255)]


def my_contracts(request: Request, address: str | None) -> list[Any]:
    reads = request.app.state.server.app.reads
    mine = [r for r in reads.contracts() if address and r.contractor.lower() == address.lower()]
    return [reads.detail(r.ocid) for r in mine]


@router.get("/contractor")
async def contractor_home(request: Request) -> Response:
    user = signed_in(request, "contractor")
    details = await run_in_threadpool(my_contracts, request, user.address)
    proposals = await run_in_threadpool(pending_amendments, request.app.state.server.engine)
    me = (user.address or "").lower()
    consents = [d for d in details if d.contract.contract_id in proposals
                and proposals[d.contract.contract_id].proposer.lower() != me]
    return render(request, "roles/contractor.html",
                  offers=[d for d in details if d.contract.status == "pending"], consents=consents,
                  contracts=[(d, milestone_lines(d)) for d in details if d.contract.status != "pending"])


@router.post("/contract/{ocid}/accept")
async def accept(ocid: str, request: Request) -> Response:
    user, _ = await party_of(request, ocid, "contractor")
    form = await form_of(request)
    digest = text(form, "terms_hash")
    if digest and not (digest.startswith("0x") and len(digest) == 66):
        raise PageRefused(422, translate(request, N_("Open the contract, read its terms and accept them there.")))
    ledger = request.app.state.server.ledger
    # With the digest shown, the chain takes the acceptance only for exactly those terms.
    args = (bytes.fromhex(digest[2:]),) if digest else ()
    ok, detail = await perform(request, user, "accept", ocid, lambda a: ledger.accept(a, ocid, *args))
    return outcome(request, url_of(ocid), ok, detail)


@router.post("/contract/{ocid}/milestones/{index}/submit")
async def submit(ocid: str, index: Index, request: Request) -> Response:
    user, _ = await party_of(request, ocid, "contractor")
    form = await form_of(request)
    doc = await upload(request, form, "evidence", user, ocid, f"evidence-{index}")
    assert doc is not None
    ledger = request.app.state.server.ledger
    ok, detail = await perform(request, user, "submit", f"{ocid}#{index}",
                               lambda a: ledger.submit(a, ocid, index, bytes.fromhex(doc.hash[2:])))
    return outcome(request, url_of(ocid), ok, detail)


@router.post("/contract/{ocid}/withdraw")
async def withdraw(ocid: str, request: Request) -> Response:
    user, _ = await party_of(request, ocid, "contractor")
    await form_of(request)
    ledger = request.app.state.server.ledger
    ok, detail = await perform(request, user, "withdraw", ocid, lambda a: ledger.withdraw(a, ocid))
    return outcome(request, url_of(ocid), ok, detail)
