"""Tracking for the people who act on it: agencies ranked by how long their contracts wait, and each wait
with whom it waits for (named, for officials, auditors and admins; the portal shows the same without names)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ...tracking import bottlenecks, now_of
from ..context import render
from ..guards import signed_in
from ..i18n import N_
from ..nav import NavItem, register
from .desk import engine_of
from .portal import ACTIONS, WAITS_FOR

router = APIRouter(include_in_schema=False)
TRACKERS = ("official", "auditor", "admin")
register(NavItem("/tracking", N_("Bottlenecks"), TRACKERS, order=60))


@router.get("/tracking")
async def tracking(request: Request) -> Response:
    user = signed_in(request, *TRACKERS)
    ranked = await run_in_threadpool(lambda: bottlenecks(engine_of(request), now_of(engine_of(request))))
    if user.has("official") and not user.has("auditor", "admin"):
        ranked = [b for b in ranked if b.agency == user.agency]
    return render(request, "tracking/bottlenecks.html", ranked=ranked, waits_for=WAITS_FOR, actions=ACTIONS)
