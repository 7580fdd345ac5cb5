"""Oversight for everyone: the auditors' desk (escalated reports, open complaints and monitorings), profiles of
agencies, contractors and inspectors, the changes feed since a block, bulk downloads with checksums, and the
proof of any record against its root on chain."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ...oversight import complaints, feedback, monitoring
from ...oversight.profiles import profile
from ...oversight.publication import bulk, changes_since, public_view
from ..context import render
from ..guards import PageRefused, signed_in
from ..i18n import N_
from ..nav import NavItem, register
from .oversight_common import run

router = APIRouter(include_in_schema=False)
register(NavItem("/oversight", N_("Oversight"), ("auditor", "arbiter", "official"), order=80))
BULK = ("ocds-release-package.json", "contracts.csv", "oversight.csv", "SHA256SUMS")


@router.get("/oversight")
async def desk(request: Request) -> Response:
    signed_in(request, "auditor", "arbiter", "official")

    def load(ov):  # type: ignore[no-untyped-def]
        return {"escalated": feedback.escalated(ov),
                "complaints": [c for c in complaints.cases(ov) if c.state in ("submitted", "accepted", "decided",
                                                                           "not-carried-out")],
                "monitorings": [m for m in monitoring.cases(ov) if m.state not in ("closed", "appealed")],
                "pending": len(ov.anchoring.pending()), "batches": len(ov.anchoring.batches())}

    return render(request, "oversight/desk.html", **await run(request, load))


@router.get("/oversight/profile/{kind}/{key}")
async def profile_page(request: Request, kind: str, key: str) -> Response:
    p = await run(request, lambda ov: profile(ov, kind, key))
    return render(request, "oversight/profile.html", p=p)


@router.get("/oversight/changes", summary="What changed since a block (public)")
async def changes(request: Request, since: int = 0) -> Response:
    return JSONResponse(await run(request, lambda ov: changes_since(ov, since)))


@router.get("/oversight/proof/{rid}")
async def proof(request: Request, rid: str) -> Response:
    def load(ov):  # type: ignore[no-untyped-def]
        record = ov.store.get(rid)
        p = ov.anchoring.proof(rid).to_dict()
        if not public_view(record)["public"]:
            p["body"] = None  # a dialogue message: its proof, not its text
        return {**p, "record": public_view(record)}

    return JSONResponse(await run(request, load))


@router.get("/oversight/bulk/{name}")
async def bulk_file(request: Request, name: str) -> Response:
    if name not in BULK:
        raise PageRefused(404, f"no bulk file {name[:80]!r}; there are {', '.join(BULK)}")
    files = {f.name: f for f in await run(request, lambda ov: bulk(ov, str(request.url)))}
    f = files[name]
    return Response(f.data, media_type=f.media_type, headers={
        "Content-Disposition": f'attachment; filename="govledger-{name}"', "X-Checksum-SHA256": f.sha256})
