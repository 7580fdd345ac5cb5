"""The auditor's (APIP/BPK's) pages: red flags, the check results, replay status, evidence bundles,
exports and the activity log."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ...compliance.access_log import record_access
from ..context import render
from ..guards import chain_read, signed_in
from ..i18n import N_
from ..nav import NavItem, register
from .contract import detail_of

router = APIRouter(include_in_schema=False)
register(NavItem("/auditor", N_("Audit"), ("auditor",), order=40))
register(NavItem("/auditor/activity", N_("Activity log"), ("auditor", "admin"), order=41))

AUDIT = ("auditor",)


def replay_status(state: Any) -> dict[str, Any]:
    head = state.head()
    indexed = state.indexed_block()
    return {"head": head, "indexed": indexed, "lag": None if indexed is None else max(0, head - indexed),
            "error": state.last_sync_error}


@router.get("/auditor")
async def auditor_home(request: Request) -> Response:
    signed_in(request, *AUDIT)
    state = request.app.state.server
    flags = await chain_read(request, state.app.flags)
    status = await chain_read(request, lambda: replay_status(state))
    contracts = await run_in_threadpool(state.app.reads.contracts)
    return render(request, "roles/auditor.html", flags=flags, status=status, contracts=contracts)


@router.get("/auditor/check")
async def run_check(request: Request) -> Response:
    """The invariants replayed off chain and the read model compared with the chain (a fragment for htmx)."""
    signed_in(request, *AUDIT)
    state = request.app.state.server
    result = await chain_read(request, state.app.check)
    template = "roles/check_fragment.html" if request.headers.get("hx-request") else "roles/check.html"
    return render(request, template, result=result)


@router.get("/auditor/evidence/{ocid}")
async def evidence_bundle(ocid: str, request: Request) -> Response:
    signed_in(request, *AUDIT)
    await detail_of(request, ocid)
    from ...audit.evidence import build_bundle

    ledger = request.app.state.server.ledger
    bundle = await chain_read(request, lambda: build_bundle(ledger.w3, ledger.deployment, ocid))
    return Response(json.dumps(bundle, indent=2, default=str), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="evidence-{_safe(ocid)}.json"'})


@router.get("/auditor/export/{what}.csv")
async def export(what: str, request: Request) -> Response:
    """Flags or contracts as CSV (amounts in sen)."""
    signed_in(request, *AUDIT)
    state = request.app.state.server
    if what == "flags":
        rows = [f.to_dict() for f in await chain_read(request, state.app.flags)]
        fields = ["code", "ocid", "detail", "source", "tx_hash", "block_number"]
    elif what == "contracts":
        rows = [r.__dict__ if hasattr(r, "__dict__") else {k: getattr(r, k) for k in r.__slots__}
                for r in await run_in_threadpool(state.app.reads.contracts)]
        fields = ["ocid", "agency", "category", "status", "disputed", "contractor", "value", "original_value",
                  "funded", "paid", "withdrawn", "retained", "refunded", "amendment_count", "start", "end"]
    else:
        return Response(status_code=404)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return Response(out.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{what}.csv"'})


@router.get("/auditor/activity")
async def activity(request: Request) -> Response:
    user = signed_in(request, "auditor", "admin")
    state = request.app.state.server
    q = request.query_params
    search = {k: q.get(k) or None for k in ("subject", "action", "target", "outcome")}
    if search["outcome"] not in (None, "ok", "refused", "failed"):
        search["outcome"] = None
    total, rows = await run_in_threadpool(lambda: state.activity.search(**search, since=None, until=None,
                                                                        limit=200, offset=0))
    await run_in_threadpool(record_access, state.app.data_dir, user.subject, (r["subject"] for r in rows),
                            "activity log lines", "audit")
    if q.get("format") == "csv":
        from ...server.store import activity_csv  # the same CSV as the API's export

        return Response(activity_csv(rows), media_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="activity.csv"'})
    return render(request, "roles/activity.html", rows=rows, total=total, search=search)


def _safe(ocid: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in ocid)[:100]
