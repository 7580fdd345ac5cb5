"""Oversight of one contract in pages: citizens' reports (signed in, under a pseudonym), the official's answer
and the author's rating; complaints to their decision and its execution; the auditor's monitoring from opening
to closing. Every step is a content-addressed record anchored on chain (govledger.oversight)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ...errors import GovLedgerValueError
from ...oversight import complaints, feedback, monitoring
from ...oversight.escalation import notify_escalations
from ...oversight.service import Oversight
from ..context import redirect, render, translate, user_of
from ..guards import PageRefused, form_of, signed_in, text, upload
from ..i18n import N_
from .oversight_common import actor_of, number, run, rupiah_to_sen

router = APIRouter(include_in_schema=False)
SAVED = N_("Recorded; its hash is anchored on the ledger.")


def _contract_page(ov: Oversight, ocid: str, actor: Any) -> dict[str, Any]:
    contract = ov.contract(ocid)
    mine = ov.author(actor, ocid) if actor is not None else None
    cases = complaints.cases(ov, ocid)
    return {"c": contract, "threads": feedback.threads(ov, ocid), "complaints": cases,
            "full": {c.id for c in cases if actor is not None and complaints.party_of(ov, actor, c)},
            "monitorings": monitoring.cases(ov, ocid), "mine": mine,
            "official": actor is not None and actor.has("official") and actor.agency == contract.agency,
            "delivered": feedback.DELIVERED, "timeliness": feedback.TIMELINESS, "against": complaints.AGAINST,
            "outcomes": complaints.OUTCOMES, "reasons": monitoring.REASONS}


@router.get("/oversight/contract/{ocid}")
async def contract_page(request: Request, ocid: str) -> Response:
    actor = actor_of(user_of(request))
    data = await run(request, lambda ov: _contract_page(ov, ocid, actor))
    return render(request, "oversight/contract.html", actor=actor, **data)


def back(ocid: str, anchor: str = "") -> str:
    return f"/oversight/contract/{ocid}{anchor}"


@router.post("/oversight/contract/{ocid}/feedback")
async def feedback_post(request: Request, ocid: str) -> Response:
    user = signed_in(request)
    form = await form_of(request)
    await run(request, lambda ov: ov.contract(ocid))  # an unknown contract before any file is stored
    doc = await upload(request, form, "attachment", user, ocid, "feedback", required=False)
    attachment = {"hash": doc.hash, "name": doc.name, "content_type": doc.content_type} if doc else None
    await run(request, lambda ov: feedback.submit(
        ov, actor_of(user), ocid, delivered=text(form, "delivered"), timeliness=text(form, "timeliness"),
        quality=number(text(form, "quality")), milestone=number(text(form, "milestone")),
        comment=text(form, "comment"), attachment=attachment))
    return redirect(back(ocid, "#feedback"), translate(request, SAVED))


@router.post("/oversight/feedback/{rid}/answer")
async def answer_post(request: Request, rid: str) -> Response:
    user = signed_in(request, "official")
    form = await form_of(request)
    record = await run(request, lambda ov: feedback.answer(ov, actor_of(user), rid, text(form, "answer")))
    return redirect(back(record.ocid, "#feedback"), translate(request, SAVED))


@router.post("/oversight/answer/{rid}/rate")
async def rate_post(request: Request, rid: str) -> Response:
    user = signed_in(request)
    form = await form_of(request)
    record = await run(request, lambda ov: feedback.rate(ov, actor_of(user), rid, number(text(form, "score"), 0)))
    await run(request, notify_escalations)  # a bad rating reaches the auditors at once
    return redirect(back(record.ocid, "#feedback"), translate(request, SAVED))


@router.post("/oversight/contract/{ocid}/complaint")
async def complaint_post(request: Request, ocid: str) -> Response:
    user = signed_in(request)
    form = await form_of(request)
    try:
        payment = rupiah_to_sen(request, text(form, "payment"))
    except GovLedgerValueError as exc:
        raise PageRefused(422, str(exc)) from None
    await run(request, lambda ov: complaints.file(
        ov, actor_of(user), ocid, against=text(form, "against"), objections=text(form, "objections").splitlines(),
        remedy=text(form, "remedy"), payment=payment, action_ref=text(form, "action_ref")))
    return redirect(back(ocid, "#complaints"), translate(request, SAVED))


@router.post("/oversight/complaint/{rid}/{step}")
async def complaint_step(request: Request, rid: str, step: str) -> Response:
    user = signed_in(request)
    form = await form_of(request)
    actor = actor_of(user)
    try:
        payment = rupiah_to_sen(request, text(form, "payment"))
    except GovLedgerValueError as exc:
        raise PageRefused(422, str(exc)) from None
    steps = {
        "accept": lambda ov: complaints.accept(ov, actor, rid),
        "decide": lambda ov: complaints.decide(ov, actor, rid, outcome=text(form, "outcome"),
                                               reasoning=text(form, "reasoning"), payment=payment),
        "carried-out": lambda ov: complaints.record_execution(ov, actor, rid, text(form, "note")),
    }
    if step not in steps:
        raise PageRefused(404, f"no complaint step {step!r}")
    record = await run(request, steps[step])
    return redirect(back(record.ocid, "#complaints"), translate(request, SAVED))


@router.post("/oversight/contract/{ocid}/monitoring")
async def monitoring_open(request: Request, ocid: str) -> Response:
    user = signed_in(request, "auditor")
    form = await form_of(request)
    record = await run(request, lambda ov: monitoring.open_case(
        ov, actor_of(user), ocid, reason=text(form, "reason"), reason_ref=text(form, "reason_ref"),
        note=text(form, "note")))
    return redirect(f"/oversight/monitoring/{record.id}", translate(request, SAVED))


@router.get("/oversight/monitoring/{rid}")
async def monitoring_page(request: Request, rid: str) -> Response:
    actor = actor_of(user_of(request))

    def load(ov: Oversight) -> dict[str, Any]:
        m = monitoring.case(ov, rid)
        c = ov.contract(m.record.ocid)
        return {"m": m, "c": c, "dialogue": monitoring.sees_dialogue(ov, actor, m),
                "official": actor is not None and actor.has("official") and actor.agency == c.agency}

    data = await run(request, load)
    return render(request, "oversight/monitoring.html", actor=actor, **data)


@router.post("/oversight/monitoring/{rid}/{step}")
async def monitoring_step(request: Request, rid: str, step: str) -> Response:
    user = signed_in(request)
    form = await form_of(request)
    actor = actor_of(user)
    steps = {
        "message": lambda ov: monitoring.say(ov, actor, rid, text(form, "text")),
        "conclude": lambda ov: monitoring.conclude(ov, actor, rid, findings=text(form, "findings"),
                                                   violations=form.get("violations") == "on"),
        "report": lambda ov: monitoring.report(ov, actor, rid, text(form, "corrections")),
        "close": lambda ov: monitoring.close(ov, actor, rid, text(form, "note")),
        "appeal": lambda ov: monitoring.appeal(ov, actor, rid, text(form, "grounds")),
    }
    if step not in steps:
        raise PageRefused(404, f"no monitoring step {step!r}")
    await run(request, steps[step])
    return redirect(f"/oversight/monitoring/{rid}", translate(request, SAVED))
