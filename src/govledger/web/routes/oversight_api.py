"""The oversight JSON API (OpenAPI at /docs): what the pages do, for API clients signed in with a bearer token.
Amounts in sen. An official's agency comes from the token's `agency` claim (the development sign-in: the pilot
agency); a person's account from the signer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ...oversight import Actor, OversightError, complaints, feedback, monitoring
from ...oversight.escalation import notify_escalations
from ...oversight.publication import public_view
from ...oversight.service import Oversight
from ...pilot import PILOT_AGENCY
from ...server.auth import Principal, current_principal
from ...server.errors import ApiError
from ...server.schemas import error_responses
from .oversight_common import oversight_of, status_of

router = APIRouter(prefix="/api/v1/oversight", tags=["oversight"], responses=error_responses(401, 403, 404, 422, 429))
Person = Annotated[Principal, Depends(current_principal)]
Text = Annotated[str, Field(max_length=2000)]


class FeedbackIn(BaseModel):
    delivered: str
    timeliness: str
    quality: int | None = None
    milestone: int | None = None
    comment: Text = ""


class TextIn(BaseModel):
    text: Text


class RatingIn(BaseModel):
    score: int


class ComplaintIn(BaseModel):
    against: str
    objections: list[Text]
    remedy: Text
    payment: int = 0
    action_ref: Text = ""


class StepIn(BaseModel):
    outcome: str = ""
    reasoning: Text = ""
    payment: int = 0
    note: Text = ""
    text: Text = ""
    findings: Text = ""
    violations: bool = False
    corrections: Text = ""
    grounds: Text = ""


class MonitoringIn(BaseModel):
    reason: str
    reason_ref: Text = ""
    note: Text = ""


def actor(request: Request, principal: Principal) -> Actor:
    app = request.app.state.server.app
    try:
        address = app.signer.account(principal.signer_key).address
    except Exception:  # noqa: BLE001 - a person without an account on chain: no party to any contract
        address = None
    agency = principal.claims.get("agency") or (PILOT_AGENCY if principal.development else None)
    return Actor(principal.subject, tuple(sorted(principal.roles)), str(agency) if agency else None, address)


async def call(request: Request, work: Callable[[Oversight], Any]) -> Any:
    try:
        return await run_in_threadpool(work, oversight_of(request))
    except OversightError as exc:
        raise ApiError(status_of(exc), type(exc).__name__, str(exc)) from None


def written(record: Any) -> dict[str, Any]:
    return public_view(record) | {"body": record.body}


async def step_of(request: Request, what: str, step: str, steps: dict[str, Callable[[Oversight], Any]]) -> dict[str, Any]:
    if step not in steps:
        raise ApiError(404, "not_found", f"no {what} step {step!r}; there are {', '.join(steps)}")
    return written(await call(request, steps[step]))


@router.get("/contracts/{ocid}", summary="A contract's reports, complaints and monitorings (public fields)")
async def of_contract(ocid: str, request: Request) -> dict[str, Any]:
    def load(ov: Oversight) -> dict[str, Any]:
        ov.contract(ocid)
        return {"feedback": [{**public_view(t.feedback), "answers": [public_view(a) for a in t.answers],
                              "rating": t.rating, "escalation": t.escalation} for t in feedback.threads(ov, ocid)],
                "complaints": [{**public_view(c.record), "state": c.state,
                                "decision": public_view(c.decision) if c.decision else None,
                                "execution": public_view(c.execution) if c.execution else None}
                               for c in complaints.cases(ov, ocid)],
                "monitorings": [{**public_view(m.record), "state": m.state,
                                 "conclusion": public_view(m.conclusion) if m.conclusion else None}
                                for m in monitoring.cases(ov, ocid)]}

    return await call(request, load)


@router.post("/contracts/{ocid}/feedback", summary="Report on a contract (any signed-in person; a pseudonym shows)")
async def post_feedback(ocid: str, body: FeedbackIn, request: Request, principal: Person) -> dict[str, Any]:
    who = actor(request, principal)
    return written(await call(request, lambda ov: feedback.submit(ov, who, ocid, **body.model_dump())))


@router.post("/feedback/{rid}/answers", summary="Answer a report (an official of the contract's agency)")
async def post_answer(rid: str, body: TextIn, request: Request, principal: Person) -> dict[str, Any]:
    who = actor(request, principal)
    return written(await call(request, lambda ov: feedback.answer(ov, who, rid, body.text)))


@router.post("/answers/{rid}/rating", summary="Rate an answer (the author of the report, once)")
async def post_rating(rid: str, body: RatingIn, request: Request, principal: Person) -> dict[str, Any]:
    who = actor(request, principal)
    record = await call(request, lambda ov: feedback.rate(ov, who, rid, body.score))
    await call(request, notify_escalations)  # a bad rating reaches the auditors at once
    return written(record)


@router.get("/escalated", summary="Reports escalated to the auditors")
async def get_escalated(request: Request, principal: Person) -> list[dict[str, Any]]:
    if "auditor" not in principal.roles:
        raise ApiError(403, "forbidden", f"the escalated reports are for the auditors; {principal.subject} is not one")
    return await call(request, lambda ov: [{**public_view(t.feedback), "escalation": t.escalation}
                                           for t in feedback.escalated(ov)])


@router.post("/contracts/{ocid}/complaints", summary="File a complaint (the contractor or an interested party)")
async def post_complaint(ocid: str, body: ComplaintIn, request: Request, principal: Person) -> dict[str, Any]:
    who = actor(request, principal)
    return written(await call(request, lambda ov: complaints.file(ov, who, ocid, **body.model_dump())))


@router.post("/complaints/{rid}/{step}", summary="accept or decide (the arbiter), carried-out (an official)")
async def post_complaint_step(rid: str, step: str, body: StepIn, request: Request, principal: Person) -> dict[str, Any]:
    who = actor(request, principal)
    steps = {"accept": lambda ov: complaints.accept(ov, who, rid),
             "decide": lambda ov: complaints.decide(ov, who, rid, outcome=body.outcome, reasoning=body.reasoning,
                                                    payment=body.payment),
             "carried-out": lambda ov: complaints.record_execution(ov, who, rid, body.note)}
    return await step_of(request, "complaint", step, steps)


@router.post("/contracts/{ocid}/monitorings", summary="Open a monitoring (an auditor)")
async def post_monitoring(ocid: str, body: MonitoringIn, request: Request, principal: Person) -> dict[str, Any]:
    who = actor(request, principal)
    return written(await call(request, lambda ov: monitoring.open_case(ov, who, ocid, **body.model_dump())))


@router.post("/monitorings/{rid}/{step}", summary="message, conclude, report, close or appeal a monitoring")
async def post_monitoring_step(rid: str, step: str, body: StepIn, request: Request, principal: Person) -> dict[str, Any]:
    who = actor(request, principal)
    steps = {"message": lambda ov: monitoring.say(ov, who, rid, body.text),
             "conclude": lambda ov: monitoring.conclude(ov, who, rid, findings=body.findings, violations=body.violations),
             "report": lambda ov: monitoring.report(ov, who, rid, body.corrections),
             "close": lambda ov: monitoring.close(ov, who, rid, body.note),
             "appeal": lambda ov: monitoring.appeal(ov, who, rid, body.grounds)}
    return await step_of(request, "monitoring", step, steps)
