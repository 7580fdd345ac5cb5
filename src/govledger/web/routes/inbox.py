"""Each signed-in person's inbox (marked read one by one or all) and their choice of what reaches them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ...errors import GovLedgerValueError
from ...notifications import (
    KINDS,
    inbox,
    mark_read,
    person,
    preferences,
    set_email,
    set_preferences,
)
from ..context import redirect, render, translate
from ..guards import form_of, signed_in, text
from ..i18n import N_
from ..nav import NavItem, register
from .desk import engine_of

router = APIRouter(include_in_schema=False)
EVERY_ROLE = ("official", "contractor", "inspector", "auditor", "admin", "arbiter", "treasury", "pauser", "support")
register(NavItem("/inbox", N_("Inbox"), EVERY_ROLE, order=70))


@router.get("/inbox")
async def inbox_page(request: Request) -> Response:
    user = signed_in(request)
    items = await run_in_threadpool(inbox, engine_of(request), user.subject)
    return render(request, "inbox/inbox.html", items=items, kinds=KINDS,
                  unread=sum(1 for n in items if n.read_at is None))


@router.post("/inbox/read")
async def inbox_read(request: Request) -> Response:
    user = signed_in(request)
    form = await form_of(request)
    ids = [int(v) for v in form.getlist("id") if isinstance(v, str) and v.isdigit()]
    await run_in_threadpool(mark_read, engine_of(request), user.subject, ids or None)
    return redirect("/inbox", translate(request, N_("Marked as read.")))


@router.get("/inbox/preferences")
async def preferences_page(request: Request) -> Response:
    user = signed_in(request)
    chosen = await run_in_threadpool(preferences, engine_of(request), user.subject)
    known = await run_in_threadpool(person, engine_of(request), user.subject)
    return render(request, "inbox/preferences.html", chosen=chosen, kinds=KINDS, email=known.email if known else "")


@router.post("/inbox/preferences")
async def preferences_save(request: Request) -> Response:
    user = signed_in(request)
    form = await form_of(request)
    chosen = {k: (form.get(f"{k}:inbox") == "on", form.get(f"{k}:email") == "on") for k in KINDS}
    try:
        await run_in_threadpool(set_email, engine_of(request), user.subject, text(form, "email"))
    except GovLedgerValueError as exc:
        return render(request, "inbox/preferences.html", http_status=422, chosen=chosen, kinds=KINDS,
                      email=text(form, "email"), error=str(exc))
    await run_in_threadpool(set_preferences, engine_of(request), user.subject, chosen)
    return redirect("/inbox/preferences", translate(request, N_("Your choices are saved.")))
