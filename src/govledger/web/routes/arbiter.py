"""The arbiter's page: contracts with an open dispute, and resolving one with a resolution document."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..context import render
from ..guards import form_of, outcome, perform, signed_in, upload
from ..i18n import N_
from ..nav import NavItem, register
from .contract import detail_of, url_of

router = APIRouter(include_in_schema=False)
register(NavItem("/arbiter", N_("Disputes"), ("arbiter",), order=35))


@router.get("/arbiter")
async def arbiter_home(request: Request) -> Response:
    signed_in(request, "arbiter")
    rows = await run_in_threadpool(request.app.state.server.app.reads.contracts)
    return render(request, "roles/arbiter.html", contracts=[r for r in rows if r.disputed])


@router.post("/contract/{ocid}/resolve")
async def resolve(ocid: str, request: Request) -> Response:
    user = signed_in(request, "arbiter")
    await detail_of(request, ocid)
    form = await form_of(request)
    doc = await upload(request, form, "resolution", user, ocid, "resolution")
    assert doc is not None
    ledger = request.app.state.server.ledger
    ok, detail = await perform(request, user, "resolve", ocid,
                               lambda a: ledger.resolve_dispute(a, ocid, bytes.fromhex(doc.hash[2:])))
    return outcome(request, url_of(ocid), ok, detail)
