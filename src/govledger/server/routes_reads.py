"""GET routes: what the CLI reads, from the read model (`check` also compares it with the chain)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timezone
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from . import reads
from .auth import Principal, current_principal, require_roles
from .runtime import ServerState
from .schemas import error_responses

router = APIRouter(prefix="/api/v1", tags=["reads"],
                   responses=error_responses(404, 422, 503))

Limit = Annotated[int, Query(ge=1, le=500, description="page size")]
Offset = Annotated[int, Query(ge=0, le=10**9)]
Status = Literal["pending", "active", "completed", "terminated"]


async def server(request: Request) -> ServerState:  # async: no worker thread for a lookup
    return request.app.state.server


def page(total: int, items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    after = offset + len(items)
    return {"items": items, "total": total, "limit": limit, "offset": offset,
            "next_offset": after if after < total else None}


@router.get("/contracts", summary="Contracts in registration order, a page at a time")
def list_contracts(state: Annotated[ServerState, Depends(server)], limit: Limit = 50, offset: Offset = 0,
                   agency: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
                   status: Status | None = None,
                   contractor: Annotated[str | None, Query(pattern=r"^0x[0-9a-fA-F]{40}$")] = None) -> dict[str, Any]:
    total, items = reads.list_page(state.engine, limit=limit, offset=offset, agency=agency, status=status,
                                   contractor=contractor)
    return page(total, items, limit, offset)


@router.get("/contracts/{ocid}", summary="One contract with its escrow and milestones")
def get_contract(ocid: str, state: Annotated[ServerState, Depends(server)]) -> dict[str, Any]:
    detail = state.app.reads.detail(ocid)
    return {**asdict(detail.contract), "escrow": detail.escrow, "milestones": detail.milestones}


@router.get("/contracts/{ocid}/milestones", summary="A contract's milestones")
def get_milestones(ocid: str, state: Annotated[ServerState, Depends(server)]) -> dict[str, Any]:
    return {"items": state.app.reads.detail(ocid).milestones}


@router.get("/contracts/{ocid}/escrow", summary="A contract's escrow account")
def get_escrow(ocid: str, state: Annotated[ServerState, Depends(server)]) -> Any:
    return state.app.reads.detail(ocid).escrow


@router.get("/contracts/{ocid}/events", summary="A contract's events in chain order")
def get_events(ocid: str, state: Annotated[ServerState, Depends(server)], limit: Limit = 100,
               offset: Offset = 0) -> dict[str, Any]:
    state.app.reads.contract(ocid)  # an unknown ocid is refused as everywhere, not an empty page
    total, items = reads.events(state.engine, ocid, limit=limit, offset=offset)
    return page(total, items, limit, offset)


@router.get("/summary", summary="Contracts by status and the totals of value and escrow")
def get_summary(state: Annotated[ServerState, Depends(server)]) -> dict[str, Any]:
    return reads.summary(state.engine)


@router.get("/flags", summary="Red flags of the ledger (audit flags)")
def get_flags(state: Annotated[ServerState, Depends(server)],
              as_of: Annotated[date | None, Query(ge=date(1970, 1, 2), le=date(9999, 12, 31))] = None,
              ) -> dict[str, Any]:
    now = int(datetime(as_of.year, as_of.month, as_of.day, tzinfo=timezone.utc).timestamp()) if as_of else None
    return {"as_of": as_of, "items": [f.to_dict() for f in state.app.flags(now)]}


@router.get("/check", summary="Invariants replayed off chain and the read model compared with the chain")
def get_check(state: Annotated[ServerState, Depends(server)],
              principal: Annotated[Principal, Depends(current_principal)], tamper: bool = True) -> dict[str, Any]:
    require_roles(principal, ("auditor", "admin"), "audit check")
    return state.app.check(tamper=tamper).to_dict()


@router.get("/me", summary="Who the bearer token says you are")
def get_me(principal: Annotated[Principal, Depends(current_principal)],
           state: Annotated[ServerState, Depends(server)]) -> dict[str, Any]:
    account = state.account(principal).address
    return {"subject": principal.subject, "roles": sorted(principal.roles), "account": account,
            "development": principal.development}
