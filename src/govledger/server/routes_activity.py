"""The activity log for auditors: search it, and export it as CSV or JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from ..compliance.access_log import record_access
from .auth import Principal, current_principal, require_roles
from .routes_reads import Offset, page, server
from .runtime import ServerState
from .schemas import error_responses
from .store import activity_csv

router = APIRouter(prefix="/api/v1", tags=["audit"],
                   responses=error_responses(401, 403, 422))

Text = Annotated[str | None, Query(min_length=1, max_length=200)]


@router.get("/activity", summary="Who did what, when, from where, with which transaction (auditors)")
def activity(state: Annotated[ServerState, Depends(server)],
             principal: Annotated[Principal, Depends(current_principal)],
             subject: Text = None, action: Text = None, target: Text = None,
             outcome: Literal["ok", "refused", "failed"] | None = None,
             since: datetime | None = None, until: datetime | None = None,
             format: Literal["json", "csv"] = "json", limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
             offset: Offset = 0) -> Any:
    require_roles(principal, ("auditor", "admin"), "reading the activity log")
    total, rows = state.activity.search(
        subject=subject, action=action, target=target, outcome=outcome,
        since=since.timestamp() if since else None, until=until.timestamp() if until else None,
        limit=limit, offset=offset)
    record_access(state.app.data_dir, principal.subject, (r["subject"] for r in rows), "activity log lines", "audit")
    if format == "csv":
        return Response(activity_csv(rows), media_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="activity.csv"'})
    return page(total, rows, limit, offset)



