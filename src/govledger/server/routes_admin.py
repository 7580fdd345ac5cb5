"""POST routes of the platform admin and the pauser: rollout allowlist, roles, emergency pause."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from eth_utils import to_checksum_address
from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from ..types import Category
from .routes_actions import Person, State, act
from .schemas import AllowIn, InspectorIn, OfficialIn, ParametersIn, error_responses

router = APIRouter(prefix="/api/v1/admin", tags=["admin"],
                   responses=error_responses(400, 401, 403, 409, 413, 422, 429, 503))

ADMIN = ("admin",)
PAUSER = ("pauser",)
Agency = Annotated[str, Path(min_length=1, max_length=32)]


@router.post("/agencies/{agency}", summary="Set the categories an agency may register (rollout stage gate)")
async def allow(agency: Agency, body: AllowIn, request: Request, state: State, principal: Person) -> JSONResponse:
    categories = [Category[c.upper()] for c in body.categories]
    return await act(request, state, principal, "admin-allow", ADMIN, agency,
                     lambda a: state.ledger.enable_agency(a, agency, categories))


@router.post("/officials", summary="Appoint an official (PPK) of an agency")
async def appoint(body: OfficialIn, request: Request, state: State, principal: Person) -> JSONResponse:
    account = to_checksum_address(body.account)
    return await act(request, state, principal, "admin-appoint", ADMIN, f"{body.agency}:{account}",
                     lambda a: state.ledger.appoint_official(a, body.agency, account))


@router.post("/inspectors", summary="Certify (or revoke) an inspector (PPHP)")
async def certify(body: InspectorIn, request: Request, state: State, principal: Person) -> JSONResponse:
    account = to_checksum_address(body.account)
    method = state.ledger.revoke_inspector if body.revoke else state.ledger.certify_inspector
    return await act(request, state, principal, "admin-revoke" if body.revoke else "admin-certify", ADMIN, account,
                     lambda a: method(a, account))


@router.post("/parameters", summary="Change the policy for contracts registered from now on (the admin)")
async def parameters(body: ParametersIn, request: Request, state: State, principal: Person) -> JSONResponse:
    def run(admin: Any) -> Any:
        current = state.ledger.parameters()
        return state.ledger.set_parameters(admin, replace(current, **body.model_dump(exclude_none=True)))

    return await act(request, state, principal, "admin-parameters", ADMIN, "ledger", run)


@router.post("/pause", summary="Stop every state change (the pauser)")
async def pause(request: Request, state: State, principal: Person) -> JSONResponse:
    return await act(request, state, principal, "admin-pause", PAUSER, "ledger", lambda a: state.ledger.pause(a))


@router.post("/unpause", summary="Resume after an emergency pause (the pauser)")
async def unpause(request: Request, state: State, principal: Person) -> JSONResponse:
    return await act(request, state, principal, "admin-unpause", PAUSER, "ledger", lambda a: state.ledger.unpause(a))
