"""The support desk in pages: ask from any page (the form remembers where), the help page (answers staff
published, searchable), my questions, and the staff's queue where they answer."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ...compliance.access_log import record_access
from ...errors import GovLedgerValueError, NotFoundError
from ...support import (
    STAFF_ROLES,
    answer,
    ask,
    asked_by,
    help_entries,
    open_questions,
    question,
)
from ..context import redirect, render, translate, user_of
from ..guards import PageRefused, form_of, signed_in, text
from ..i18n import N_, language_of
from ..nav import NavItem, register
from .desk import engine_of

router = APIRouter(include_in_schema=False)
register(NavItem("/help", N_("Help"), None, order=95))
register(NavItem("/support", N_("Support desk"), STAFF_ROLES, order=96))


@router.get("/help")
async def help_page(request: Request, q: str = "") -> Response:
    entries = await run_in_threadpool(help_entries, engine_of(request), q)
    return render(request, "support/help.html", entries=entries, q=q)


@router.get("/support/ask")
async def ask_page(request: Request, page: str = "/") -> Response:
    return render(request, "support/ask.html", page=page if page.startswith("/") else "/", error=None)


@router.post("/support/ask")
async def ask_post(request: Request) -> Response:
    form = await form_of(request)
    user = user_of(request)
    try:
        number = await run_in_threadpool(lambda: ask(
            engine_of(request), kind=text(form, "kind") or "question", title=text(form, "title"),
            body=text(form, "body"), page=text(form, "page") or "/", subject=user.subject if user else None,
            lang=language_of(request)))
    except GovLedgerValueError as exc:
        return render(request, "support/ask.html", http_status=422, page=text(form, "page") or "/", error=str(exc),
                      title=text(form, "title"), body=text(form, "body"))
    message = translate(request, N_("Thank you. Your message is number %(number)s; the answer will reach your "
                                    "inbox.")) % {"number": number}
    return redirect("/support/mine" if user else "/help", message)


@router.get("/support/mine")
async def mine(request: Request) -> Response:
    user = signed_in(request)
    items = await run_in_threadpool(asked_by, engine_of(request), user.subject)
    return render(request, "support/mine.html", items=items)


@router.get("/support")
async def queue(request: Request) -> Response:
    staff = signed_in(request, *STAFF_ROLES)
    items = await run_in_threadpool(open_questions, engine_of(request))
    await run_in_threadpool(record_access, request.app.state.server.app.data_dir, staff.subject,
                            (q.subject for q in items if q.subject), "support question", "support desk queue")
    return render(request, "support/queue.html", items=items)


@router.get("/support/{number}")
async def one(request: Request, number: int) -> Response:
    user = user_of(request)
    try:
        q = await run_in_threadpool(question, engine_of(request), number)
    except NotFoundError as exc:
        raise PageRefused(404, str(exc)) from None
    staff = user is not None and user.has(*STAFF_ROLES)
    if not (q.published or staff or (user is not None and user.subject == q.subject)):
        raise PageRefused(404, f"no support question #{number}")
    if staff and q.subject and q.subject != user.subject:  # type: ignore[union-attr]
        await run_in_threadpool(record_access, request.app.state.server.app.data_dir, user.subject,  # type: ignore[union-attr]
                                q.subject, f"support question #{number}", "support desk")
    return render(request, "support/question.html", q=q, staff=staff)


@router.post("/support/{number}/answer")
async def answer_post(request: Request, number: int) -> Response:
    user = signed_in(request, *STAFF_ROLES)
    form = await form_of(request)
    try:
        await run_in_threadpool(lambda: answer(engine_of(request), number, staff=user.subject,
                                               text=text(form, "answer"), publish=form.get("publish") == "on"))
    except NotFoundError as exc:
        raise PageRefused(404, str(exc)) from None
    except GovLedgerValueError as exc:
        raise PageRefused(422, str(exc)) from None
    return redirect("/support", translate(request, N_("The answer is saved and the asker told.")))
