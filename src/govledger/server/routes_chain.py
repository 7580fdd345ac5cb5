"""GET routes the read model cannot answer, read from the chain: a contract's terms as the contractor
accepts them, its evidence bundle, the policy parameters, and an account's token balance."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from eth_utils import to_checksum_address
from fastapi import APIRouter, Depends, Path
from starlette.concurrency import run_in_threadpool

from ..audit import build_bundle
from .errors import jsonable
from .routes_reads import server
from .runtime import ServerState
from .schemas import error_responses

router = APIRouter(prefix="/api/v1", tags=["chain reads"],
                   responses=error_responses(404, 422, 503))
State = Annotated[ServerState, Depends(server)]


@router.get("/contracts/{ocid}/terms", summary="Every term that binds the contractor, and the hash they accept")
async def terms(ocid: str, state: State) -> dict[str, Any]:
    found = await run_in_threadpool(state.ledger.acceptance_terms, ocid)
    return jsonable({"spec": asdict(found.spec), "parameters": asdict(found.parameters),
                     "terms_hash": found.terms_hash})


@router.get("/contracts/{ocid}/evidence", summary="The contract's evidence bundle, for anyone to verify against a node")
async def evidence(ocid: str, state: State) -> Any:
    def bundle() -> Any:
        state.app.reads.contract(ocid)  # an unknown ocid is refused as everywhere
        return build_bundle(state.ledger.w3, state.ledger.deployment, ocid)

    return await run_in_threadpool(bundle)


@router.get("/parameters", summary="The policy in force for contracts registered from now on")
async def parameters(state: State) -> dict[str, Any]:
    return asdict(await run_in_threadpool(state.ledger.parameters))


@router.get("/accounts/{address}/balance", summary="Settlement tokens held by an account (in sen)")
async def balance(address: Annotated[str, Path(pattern=r"^0x[0-9a-fA-F]{40}$")], state: State) -> dict[str, Any]:
    account = to_checksum_address(address)
    return {"account": account, "balance": await run_in_threadpool(state.ledger.balance, account)}
