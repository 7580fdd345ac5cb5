"""The inspector's (PPHP's) pages: the queue of submitted milestones assigned to them, the evidence, and
approve or reject with an inspection report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from sqlalchemy import text as sql
from starlette.concurrency import run_in_threadpool

from ..context import render
from ..guards import form_of, outcome, perform, signed_in, upload
from ..i18n import N_
from ..nav import NavItem, register
from .contract import party_of, url_of

router = APIRouter(include_in_schema=False)
register(NavItem("/inspector", N_("My inspection queue"), ("inspector",), order=30))

Index = Annotated[int, Path(ge=0, le=255)]


def queue(request: Request, address: str | None) -> list[tuple[Any, Any]]:
    """(contract detail, milestone) submitted, assigned to `address`, not yet approved by them."""
    state = request.app.state.server
    with state.engine.connect() as conn:
        ocids = [r[0] for r in conn.execute(sql(
            "SELECT DISTINCT c.ocid FROM contracts c JOIN milestones m ON m.contract_id = c.contract_id "
            "WHERE m.status = 'submitted' ORDER BY c.ocid"))]
    me = (address or "").lower()
    waiting = []
    for ocid in ocids:
        detail = state.app.reads.detail(ocid)
        for m in detail.milestones:
            if m.status == "submitted" and me in {i.lower() for i in m.inspectors} \
                    and me not in {i.lower() for i in m.approved_by}:
                waiting.append((detail, m))
    return waiting


@router.get("/inspector")
async def inspector_home(request: Request) -> Response:
    user = signed_in(request, "inspector")
    items = await run_in_threadpool(queue, request, user.address)
    return render(request, "roles/inspector.html", queue=items)


async def _attest(request: Request, ocid: str, index: int, verdict: str) -> Response:
    user, _ = await party_of(request, ocid, "inspector")
    form = await form_of(request)
    doc = await upload(request, form, "report", user, ocid, f"report-{index}")
    assert doc is not None
    ledger = request.app.state.server.ledger
    method = ledger.approve if verdict == "approve" else ledger.reject
    ok, detail = await perform(request, user, verdict, f"{ocid}#{index}",
                               lambda a: method(a, ocid, index, bytes.fromhex(doc.hash[2:])))
    return outcome(request, url_of(ocid), ok, detail)


@router.post("/contract/{ocid}/milestones/{index}/approve")
async def approve(ocid: str, index: Index, request: Request) -> Response:
    return await _attest(request, ocid, index, "approve")


@router.post("/contract/{ocid}/milestones/{index}/reject")
async def reject(ocid: str, index: Index, request: Request) -> Response:
    return await _attest(request, ocid, index, "reject")
