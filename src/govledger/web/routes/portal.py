"""The public portal, without sign-in: contracts by agency and category, each one's progress against plan
(the S-curve), payments, where it waits, the red flags, and everything as OCDS. The publication policy:
values, dates, agencies, categories, statuses, amounts and the ledger's transaction hashes are public;
no person (official, inspector, auditor) is named or identified, and no document or email is shown.
The OCDS download carries the parties as the OCDS export publishes them (agency and supplier ids)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ...errors import NotFoundError
from ...tracking import bottlenecks, now_of, progress, progress_all, s_curve_svg, waits
from ..context import render, translate
from ..guards import PageRefused
from ..i18n import N_, day, language_of
from ..nav import NavItem, register

router = APIRouter(include_in_schema=False)
register(NavItem("/portal", N_("Transparency portal"), None, order=85))

WAITS_FOR = {"contractor": N_("the contractor"), "inspectors": N_("the inspectors"),
             "official": N_("the agency's official"), "arbiter": N_("the arbiter")}
ACTIONS = {"accept": N_("to accept the contract"), "submit": N_("to submit the milestone"),
           "resubmit": N_("to resubmit the rejected milestone"), "approve": N_("to approve the milestone"),
           "fund": N_("to fund the escrow"), "resolve": N_("to resolve the dispute")}
FLAG_TEXT = N_("Red flag %(code)s")


def _app(request: Request) -> Any:
    return request.app.state.server.app


def curve_labels(request: Request) -> dict[str, str]:
    t = lambda m: translate(request, m)
    return {"title": t(N_("Progress against plan")), "planned": t(N_("Planned")), "verified": t(N_("Verified")),
            "disbursed": t(N_("Disbursed")), "today": t(N_("today")),
            "desc": t(N_("As of {as_of}: planned {planned}%, verified {verified}%, disbursed {disbursed}% of the "
                         "contract value."))}


def percent(lang: str) -> Any:
    """A percentage figure with the language's decimal sign (28,8 in Indonesian, 28.8 in English)."""
    from babel.numbers import format_decimal

    from ..i18n import LOCALES

    return lambda value: format_decimal(round(float(value), 1), format="#,##0.0", locale=LOCALES[lang])


def curve_svg(request: Request, p: Any) -> str:
    lang = language_of(request)
    return s_curve_svg(p, curve_labels(request), lambda ts: day(int(ts), lang), number=percent(lang))


PAGE_SIZE = 100


def _listing(app: Any, agency: str, category: str, page: int) -> dict[str, Any]:
    rows = app.reads.contracts()
    now = now_of(app.engine)
    agencies, categories = Counter(r.agency for r in rows), Counter(r.category for r in rows)
    shown = [r for r in rows if (not agency or r.agency == agency) and (not category or r.category == category)
             and r.ocid_problem is None]
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    curves = progress_all(app.engine, now)
    return {"contracts": shown[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], "count": len(shown), "page": page,
            "pages": pages, "curves": curves, "agencies": sorted(agencies.items()),
            "categories": sorted(categories.items()), "agency": agency, "category": category,
            "value": sum(r.value for r in shown), "paid": sum(r.paid for r in shown),
            "ranked": [b for b in bottlenecks(app.engine, now) if not agency or b.agency == agency]}


@router.get("/portal")
async def portal(request: Request, agency: str = "", category: str = "", page: int = 1) -> Response:
    data = await run_in_threadpool(_listing, _app(request), agency, category, page)
    return render(request, "portal/index.html", waits_for=WAITS_FOR, pct=percent(language_of(request)), **data)


def _contract(app: Any, ocid: str) -> dict[str, Any]:
    detail = app.reads.detail(ocid)
    now = now_of(app.engine)
    e = app.engine
    payments = _payments(e, detail.contract.contract_id)
    flags = _contract_flags(e, detail.contract.contract_id, ocid, now)
    return {"c": detail.contract, "milestones": detail.milestones, "escrow": detail.escrow,
            "p": progress(e, ocid, now), "waits": waits(e, now, ocid=ocid), "payments": payments, "flags": flags}


def _contract_flags(engine: Any, contract_id: str, ocid: str, now: int) -> list[Any]:
    """The red flags of one contract: its events and the ledger-wide ones (roles, parameters) replayed, not
    every contract's; and the integrations' flags of this ocid."""
    from sqlalchemy import or_, select

    from ...audit import ledger_flags, replay
    from ...audit.integrations import integration_flags
    from ...readmodel import schema

    e = schema.events.c
    with engine.connect() as conn:
        rows = [{**r._mapping, "args": json.loads(r.args)} for r in conn.execute(
            select(schema.events).where(or_(e.contract_id == contract_id, e.contract_id.is_(None)))
            .order_by(e.block_number, e.log_index))]
    own = ledger_flags(replay(rows), now)
    return own + [f for f in integration_flags(engine, now) if f.ocid == ocid]


def _payments(engine: Any, contract_id: str) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from ...readmodel import schema

    ev = schema.events.c
    with engine.connect() as conn:
        rows = conn.execute(select(ev.event, ev.args, ev.block_timestamp, ev.tx_hash).where(
            ev.contract_id == contract_id, ev.event.in_(("PaymentReleased", "AdvancePaid", "RetentionReleased")))
            .order_by(ev.block_number, ev.log_index)).all()
    out = []
    for name, args, ts, tx in rows:
        a = json.loads(args)
        out.append({"kind": name, "milestone": a.get("index"), "amount": int(a.get("net", a.get("amount", 0))),
                    "penalty": int(a.get("penalty", 0)), "retention": int(a.get("retention", 0)), "at": int(ts),
                    "tx": tx})
    return out


@router.get("/portal/contract/{ocid}")
async def portal_contract(request: Request, ocid: str) -> Response:
    try:
        data = await run_in_threadpool(_contract, _app(request), ocid)
    except NotFoundError as exc:
        raise PageRefused(404, str(exc)) from None
    return render(request, "portal/contract.html", svg=curve_svg(request, data["p"]), waits_for=WAITS_FOR,
                  pct=percent(language_of(request)),
                  actions=ACTIONS, **data)


@router.get("/portal/flags")
async def portal_flags(request: Request) -> Response:
    flags = await run_in_threadpool(lambda: _app(request).flags(as_of=now_of(_app(request).engine)))
    counts = Counter(f.code for f in flags)
    return render(request, "portal/flags.html", flags=flags, counts=sorted(counts.items()))


@router.get("/portal/ocds.json")
async def portal_ocds(request: Request) -> Response:
    """Every contract as an OCDS 1.1.5 release package (the OCDS export, validated when it is built)."""
    from ...integrations.ocds.export import release_package
    from ...integrations.ocds.journal import Journal

    def build() -> bytes:
        app = _app(request)
        journal = Journal.for_data_dir(app.data_dir)
        try:
            return json.dumps(release_package(app, journal, uri=str(request.url)), ensure_ascii=False).encode()
        finally:
            journal.close()

    body = await run_in_threadpool(build)
    return Response(body, media_type="application/json", headers={
        "Content-Disposition": 'attachment; filename="govledger-ocds-release-package.json"'})
