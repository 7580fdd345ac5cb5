"""POST routes: every action of the CLI, signed by the signer for the authenticated person.

The token's roles are checked first (a contractor cannot reach `fund`), then the chain checks the
role the person's account holds on chain, which is what binds. Send `Idempotency-Key` to retry safely.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse

from ..types import ContractSpec
from .auth import Principal, current_principal, require_roles
from .routes_reads import server
from .runtime import Action, ServerState
from .schemas import (
    AcceptIn,
    AmendmentIn,
    EvidenceIn,
    FundIn,
    ReasonIn,
    RegisterIn,
    ReportIn,
    ResolutionIn,
    SignedAcceptanceIn,
    error_responses,
)

router = APIRouter(prefix="/api/v1", tags=["actions"],
                   responses=error_responses(400, 401, 403, 404, 409, 413, 422, 429, 503))

Index = Annotated[int, Path(ge=0, le=255)]
Person = Annotated[Principal, Depends(current_principal)]
State = Annotated[ServerState, Depends(server)]

OFFICIAL = ("official",)
CONTRACTOR = ("contractor",)
INSPECTOR = ("inspector",)
PARTY = ("official", "contractor")
ROLES = ("admin", "treasury", "official", "contractor", "inspector", "auditor", "pauser", "arbiter")


async def act(request: Request, state: ServerState, principal: Principal, action: str, roles: tuple[str, ...],
              target: str, run: Action) -> JSONResponse:
    require_roles(principal, roles, action)
    return await state.perform(request, principal, action, target, run)


def registration_tx(ledger: Any, cid: bytes) -> tuple[str | None, int]:
    """The transaction that registered `cid` and its block: `Ledger.register` answers with the id only.
    Looked up in the last blocks (the write lock is held: on the embedded chain it is the head block)."""
    head = ledger.w3.eth.block_number
    logs = ledger.w3.eth.get_logs({"address": ledger.registry.address, "fromBlock": max(0, head - 16),
                                   "toBlock": head})
    for log in reversed(logs):  # on a node other blocks may have followed it
        if len(log["topics"]) > 1 and bytes(log["topics"][1]) == cid:
            return "0x" + bytes(log["transactionHash"]).hex(), int(log["blockNumber"])
    return None, head


def _hash(hex_text: str) -> bytes:
    return bytes.fromhex(hex_text[2:])


@router.post("/contracts", summary="Register a contract with its milestones (an agency official)")
async def register(body: RegisterIn, request: Request, state: State, principal: Person) -> JSONResponse:
    spec = ContractSpec(
        ocid=body.ocid, agency=body.agency, contractor=body.contractor, category=body.category_enum,
        value=body.value, start=body.start, end=body.end, document_hash=_hash(body.document_hash),
        metadata_uri=body.metadata_uri, milestones=tuple(m.spec() for m in body.milestones),
        advance_payment=body.advance)

    def run(account: Any) -> dict[str, Any]:
        cid = bytes(state.ledger.register(account, spec))
        tx_hash, block = registration_tx(state.ledger, cid)
        return {"ocid": body.ocid, "id": "0x" + cid.hex(), "status": "pending", "tx_hash": tx_hash,
                "block_number": block}

    require_roles(principal, OFFICIAL, "register")
    return await state.perform(request, principal, "register", body.ocid, run, shape=lambda r: r)


@router.post("/contracts/{ocid}/accept", summary="Accept the contract's terms (the contractor); it becomes active")
async def accept(ocid: str, request: Request, state: State, principal: Person,
                 body: AcceptIn | None = None) -> JSONResponse:
    terms = _hash(body.terms_hash) if body and body.terms_hash else None
    return await act(request, state, principal, "accept", CONTRACTOR, ocid,
                     lambda a: state.ledger.accept(a, ocid, terms))


@router.post("/contracts/{ocid}/accept-signed",
             summary="Relay the contractor's EIP-712 acceptance (anyone signed in may relay it)")
async def accept_signed(ocid: str, body: SignedAcceptanceIn, request: Request, state: State,
                        principal: Person) -> JSONResponse:
    terms = _hash(body.terms_hash) if body.terms_hash else None
    return await act(request, state, principal, "accept-signed", ROLES, ocid, lambda a: state.ledger.accept_signed(
        a, ocid, body.deadline, _hash(body.signature), terms))


@router.post("/contracts/{ocid}/fund", summary="Move tokens into the contract's escrow (an agency official)")
async def fund(ocid: str, body: FundIn, request: Request, state: State, principal: Person) -> JSONResponse:
    return await act(request, state, principal, "fund", OFFICIAL, ocid,
                     lambda a: state.ledger.fund(a, ocid, body.amount))


@router.post("/contracts/{ocid}/advance", summary="Pay the agreed advance (an agency official)")
async def advance(ocid: str, request: Request, state: State, principal: Person) -> JSONResponse:
    return await act(request, state, principal, "advance", OFFICIAL, ocid, lambda a: state.ledger.pay_advance(a, ocid))


@router.post("/contracts/{ocid}/withdraw", summary="Withdraw everything credited (the contractor)")
async def withdraw(ocid: str, request: Request, state: State, principal: Person) -> JSONResponse:
    return await act(request, state, principal, "withdraw", CONTRACTOR, ocid, lambda a: state.ledger.withdraw(a, ocid))


@router.post("/contracts/{ocid}/terminate", summary="Terminate the contract (an agency official)")
async def terminate(ocid: str, body: ReasonIn, request: Request, state: State, principal: Person) -> JSONResponse:
    return await act(request, state, principal, "terminate", OFFICIAL, ocid,
                     lambda a: state.ledger.terminate(a, ocid, _hash(body.reason_hash)))


@router.post("/contracts/{ocid}/dispute", summary="Raise a dispute (either party): payments freeze")
async def dispute(ocid: str, body: ReasonIn, request: Request, state: State, principal: Person) -> JSONResponse:
    return await act(request, state, principal, "dispute", PARTY, ocid,
                     lambda a: state.ledger.raise_dispute(a, ocid, _hash(body.reason_hash)))


@router.post("/contracts/{ocid}/resolve", summary="Resolve the dispute (the arbiter)")
async def resolve(ocid: str, body: ResolutionIn, request: Request, state: State, principal: Person) -> JSONResponse:
    return await act(request, state, principal, "resolve", ("arbiter",), ocid,
                     lambda a: state.ledger.resolve_dispute(a, ocid, _hash(body.resolution_hash)))


@router.post("/contracts/{ocid}/reclaim", summary="Take back what the contract never earned (an agency official)")
async def reclaim(ocid: str, request: Request, state: State, principal: Person) -> JSONResponse:
    return await act(request, state, principal, "reclaim", OFFICIAL, ocid, lambda a: state.ledger.reclaim(a, ocid))


@router.post("/contracts/{ocid}/release-retention", summary="Release the retention (an agency official)")
async def release_retention(ocid: str, request: Request, state: State, principal: Person) -> JSONResponse:
    return await act(request, state, principal, "release-retention", OFFICIAL, ocid,
                     lambda a: state.ledger.release_retention(a, ocid))


@router.post("/contracts/{ocid}/amendments", summary="Propose an amendment (either party)")
async def propose(ocid: str, body: AmendmentIn, request: Request, state: State, principal: Person) -> JSONResponse:
    return await act(request, state, principal, "amend-propose", PARTY, ocid, lambda a: state.ledger.propose_amendment(
        a, ocid, body.value, _hash(body.rationale_hash), [c.change() for c in body.changes]))


@router.post("/contracts/{ocid}/amendments/consent", summary="Consent to the proposed amendment (the other party)")
async def consent(ocid: str, body: AmendmentIn, request: Request, state: State, principal: Person) -> JSONResponse:
    return await act(request, state, principal, "amend-consent", PARTY, ocid, lambda a: state.ledger.consent_amendment(
        a, ocid, body.value, _hash(body.rationale_hash), [c.change() for c in body.changes]))


@router.post("/contracts/{ocid}/milestones/{index}/submit", summary="Submit a milestone's evidence hash")
async def submit(ocid: str, index: Index, body: EvidenceIn, request: Request, state: State,
                 principal: Person) -> JSONResponse:
    return await act(request, state, principal, "submit", CONTRACTOR, f"{ocid}#{index}",
                     lambda a: state.ledger.submit(a, ocid, index, _hash(body.evidence_hash)))


@router.post("/contracts/{ocid}/milestones/{index}/approve", summary="Approve a submitted milestone (an inspector)")
async def approve(ocid: str, index: Index, body: ReportIn, request: Request, state: State,
                  principal: Person) -> JSONResponse:
    return await act(request, state, principal, "approve", INSPECTOR, f"{ocid}#{index}",
                     lambda a: state.ledger.approve(a, ocid, index, _hash(body.report_hash)))


@router.post("/contracts/{ocid}/milestones/{index}/reject", summary="Reject a submitted milestone (an inspector)")
async def reject(ocid: str, index: Index, body: ReportIn, request: Request, state: State,
                 principal: Person) -> JSONResponse:
    return await act(request, state, principal, "reject", INSPECTOR, f"{ocid}#{index}",
                     lambda a: state.ledger.reject(a, ocid, index, _hash(body.report_hash)))



