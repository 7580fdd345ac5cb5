"""The front page without sign-in: the contracts the publication policy makes public (values, dates,
progress, payments; no documents and no parties' details), and `/home`, each person's way to their role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..context import render, user_of
from ..i18n import N_
from ..nav import NavItem, register
from .signin import home_of

router = APIRouter(include_in_schema=False)
register(NavItem("/", N_("Public contracts"), None, order=90))


@router.get("/")
async def front(request: Request) -> Response:
    rows = await run_in_threadpool(request.app.state.server.app.reads.contracts)
    return render(request, "public.html", contracts=rows)


@router.get("/home")
def home(request: Request) -> Response:
    user = user_of(request)
    return RedirectResponse(home_of(user) if user else "/signin", status_code=303)
