"""What every page and form checks: who is signed in and with which role, the CSRF token, and sending an
action through the server (rate limit, signing for the person, activity log, read model catch-up)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from ..errors import GovLedgerError
from ..server.auth import client_address
from ..server.errors import ApiError, api_error_of
from .context import session_of, translate, web
from .documents import StoredDocument
from .i18n import N_
from .sessions import WebUser, csrf_matches


class PageRefused(GovLedgerError):
    """Rendered as an error page with `status` and a message that says what to do."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def signed_in(request: Request, *roles: str) -> WebUser:
    """The signed-in person, who must hold one of `roles` (any role when none is named)."""
    user = session_of(request).user
    if user is None:
        raise PageRefused(401, translate(request, N_("Sign in to see this page.")))
    if roles and not user.has(*roles):
        raise PageRefused(403, translate(request, N_("This page is for another role. Your roles: %(roles)s."))
                          % {"roles": ", ".join(user.roles)})
    return user


async def form_of(request: Request) -> FormData:
    """The posted form, after checking its CSRF token against the session's."""
    form = await request.form()
    token = form.get("csrf")
    if not csrf_matches(session_of(request), token if isinstance(token, str) else None):
        raise PageRefused(403, translate(request, N_("This form has expired or did not come from this site. "
                                                     "Go back, reload the page and send it again.")))
    return form


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


async def upload(request: Request, form: FormData, name: str, user: WebUser, ocid: str, kind: str,
                 required: bool = True) -> StoredDocument | None:
    """Store the file(s) posted as `name` for contract `ocid` (several: under a manifest, see
    `DocumentStore.put_many`); PageRefused with the reason when one is refused."""
    files = [f for f in form.getlist(name) if isinstance(f, UploadFile) and f.filename]
    if not files:
        if required:
            raise PageRefused(422, translate(request, N_("Attach the document: the ledger keeps its hash.")))
        return None
    contents = [(file.filename or "document", await file.read()) for file in files]
    try:
        return web(request).documents.put_many(ocid, contents, kind, user.subject)
    except GovLedgerError as exc:
        raise PageRefused(422, translate(request, N_("The document was refused")) + f": {exc}") from None


async def perform(request: Request, user: WebUser, action: str, target: str,
                  run: Callable[[Any], Any]) -> tuple[bool, str]:
    """Sign and send `run(account)` for `user` through the server; (True, tx hash) or (False, why)."""
    state = request.app.state.server
    try:
        state.limits.check_write(user.subject)
    except ApiError as exc:
        return False, exc.message
    status, body = await run_in_threadpool(state.perform_action, user.principal(), action, target, run, None,
                                           client_address(request))
    if status == 200:
        return True, str(body.get("tx_hash") or "")
    return False, str(body.get("message") or body)


async def chain_read(request: Request, read: Callable[[], Any]) -> Any:
    """A read from the chain itself (terms, pause state), one at a time with the writes."""
    state = request.app.state.server

    def locked() -> Any:
        with state.write_lock:
            return read()

    try:
        return await run_in_threadpool(locked)
    except Exception as exc:  # noqa: BLE001 - every failure becomes the API's refusal, shown as a page
        error = api_error_of(exc)
        raise PageRefused(error.status, error.message) from None


def outcome(request: Request, url: str, ok: bool, detail: str):  # type: ignore[no-untyped-def]
    """Back to `url` with what happened: the transaction, or the ledger's refusal."""
    from .context import redirect

    if ok:
        message = translate(request, N_("Done. Transaction %(tx)s.")) % {"tx": detail[:18] + "…" if detail else "–"}
    else:
        message = translate(request, N_("Refused: %(why)s")) % {"why": detail}
    return redirect(url, message, ok)
