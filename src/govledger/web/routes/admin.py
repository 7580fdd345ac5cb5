"""The platform admin's pages: rollout stages (the allowlist of agencies and categories), role grants,
and the emergency pause (for the pauser)."""

from __future__ import annotations

from eth_utils import is_address, to_checksum_address
from fastapi import APIRouter, Request
from fastapi.responses import Response

from ...types import Category
from ..context import render, translate
from ..guards import PageRefused, chain_read, form_of, outcome, perform, signed_in, text
from ..i18n import N_
from ..nav import NavItem, register

router = APIRouter(include_in_schema=False)
register(NavItem("/admin", N_("Administration"), ("admin", "pauser"), order=50))

ADMIN = ("admin", "pauser")


@router.get("/admin")
async def admin_home(request: Request) -> Response:
    signed_in(request, *ADMIN)
    ledger = request.app.state.server.ledger
    paused = await chain_read(request, ledger.is_paused)
    agencies = sorted({r.agency for r in request.app.state.server.app.reads.contracts()})
    allowed = await chain_read(request, lambda: {a: [c.label for c in ledger.allowed_categories(a)] for a in agencies})
    return render(request, "roles/admin.html", paused=paused, allowed=allowed, categories=Category.labels())


@router.post("/admin/allow")
async def allow(request: Request) -> Response:
    user = signed_in(request, "admin")
    form = await form_of(request)
    agency = text(form, "agency")
    categories = [Category[c.upper()] for c in form.getlist("categories") if isinstance(c, str) and c.upper() in Category.__members__]
    ledger = request.app.state.server.ledger
    ok, detail = await perform(request, user, "admin-allow", agency, lambda a: ledger.enable_agency(a, agency, categories))
    return outcome(request, "/admin", ok, detail)


@router.post("/admin/grant")
async def grant(request: Request) -> Response:
    user = signed_in(request, "admin")
    form = await form_of(request)
    account, role, agency = text(form, "account"), text(form, "role"), text(form, "agency")
    if not is_address(account):
        raise PageRefused(422, translate(request, N_("Give the account's address (0x followed by 40 hex digits).")))
    account = to_checksum_address(account)
    ledger = request.app.state.server.ledger
    actions = {
        "official": ("admin-appoint", lambda a: ledger.appoint_official(a, agency, account)),
        "inspector": ("admin-certify", lambda a: ledger.certify_inspector(a, account)),
        "revoke-inspector": ("admin-revoke", lambda a: ledger.revoke_inspector(a, account)),
    }
    if role not in actions:
        raise PageRefused(422, translate(request, N_("Choose a role to grant.")))
    action, run = actions[role]
    ok, detail = await perform(request, user, action, account, run)
    return outcome(request, "/admin", ok, detail)


@router.post("/admin/pause")
async def pause(request: Request) -> Response:
    user = signed_in(request, "pauser")
    form = await form_of(request)
    ledger = request.app.state.server.ledger
    resume = text(form, "resume") == "1"
    ok, detail = await perform(request, user, "admin-unpause" if resume else "admin-pause", "ledger",
                               ledger.unpause if resume else ledger.pause)
    return outcome(request, "/admin", ok, detail)
