"""`/rpc`: standard Ethereum JSON-RPC answered by the chain the server holds, so the CLI, the SDK,
web3.py, scripts and ape reach the same chain while the server runs.

On the embedded chain each call goes through web3's eth-tester formatting (hex in, camelCase out) and
the provider's lock; results are encoded as JSON-RPC expects (quantities as 0x hex). A revert is the
error ``{"code": 3, "message": "execution reverted", "data": "0x<selector+args>"}`` as geth answers it,
so clients decode custom errors themselves. Methods that would rewrite the chain (``evm_*`` snapshots
and reverts, unlocked-account signing) are refused. On a node (network mode) calls are relayed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from web3.datastructures import NamedElementOnion

from .._utils.reverts import revert_data
from .auth import client_address
from .errors import ApiError, is_unavailable

router = APIRouter(tags=["json-rpc"])
log = logging.getLogger("govledger.server.rpc")

MAX_BATCH = 100
_REFUSED_PREFIXES = ("evm_", "testing_", "personal_", "admin_", "debug_", "miner_", "engine_")
_REFUSED = frozenset({"eth_sendTransaction", "eth_sign", "eth_signTransaction", "eth_signTypedData",
                      "eth_accounts", "eth_coinbase"})
_WRITES = frozenset({"eth_sendRawTransaction"})
_CALLS = frozenset({"eth_call", "eth_estimateGas", "eth_createAccessList"})

INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS, SERVER_ERROR, PARSE_ERROR = -32600, -32601, -32602, -32000, -32700


def to_rpc(value: Any) -> Any:
    """A result from eth-tester as JSON-RPC encodes it: integers as 0x quantities, bytes as 0x data."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return hex(value)
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): to_rpc(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_rpc(v) for v in value]
    return value


def _error(request_id: Any, code: int, message: str, data: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if data is not None:
        error["data"] = data
    return {"jsonrpc": "2.0", "id": request_id, "error": error}


class RpcBackend:
    """Answers one JSON-RPC call from the ledger's provider."""

    def __init__(self, ledger: Any, embedded: bool) -> None:
        self.w3 = ledger.w3
        self.embedded = embedded
        self._chain_id: int | None = None
        self._call: Callable[[str, Any], Any]
        if embedded:
            self._call = self.w3.provider.request_func(self.w3, NamedElementOnion([]))
        else:
            self._call = self.w3.provider.make_request

    def call(self, method: str, params: Any) -> dict[str, Any]:
        if self.embedded:
            if method == "net_version":  # eth-tester answers "1" whatever the chain id
                return {"result": str(self.w3.eth.chain_id)}
            params = self._with_sender(method, params)
        response = dict(self._call(method, params))
        if "error" in response:
            return {"error": response["error"]}
        return {"result": to_rpc(response.get("result")) if self.embedded else response.get("result")}


    def _with_sender(self, method: str, params: Any) -> Any:
        """eth-tester needs a sender for calls and estimates (it checks the sender can pay for gas);
        a node assumes the zero address. Without one, read as the ledger's funded reading account."""
        if method not in _CALLS or not isinstance(params, list) or not params or not isinstance(params[0], dict):
            return params
        if params[0].get("from"):
            return params
        sender = self.w3.eth.default_account
        sender = sender if isinstance(sender, str) else "0x" + "00" * 20
        return [{**params[0], "from": sender}, *params[1:]]


class RpcService:
    def __init__(self, backend: RpcBackend, state: Any) -> None:
        self.backend = backend
        self.state = state

    def answer(self, item: Any, client: str) -> dict[str, Any] | None:
        """The response to one request object (None for a notification, which has no id)."""
        if not isinstance(item, dict) or item.get("jsonrpc") != "2.0" or not isinstance(item.get("method"), str):
            return _error(item.get("id") if isinstance(item, dict) else None, INVALID_REQUEST,
                          "a request is an object with jsonrpc \"2.0\", a method name and optional params")
        request_id, method = item.get("id"), item["method"]
        params = item.get("params", [])
        notification = "id" not in item
        if not isinstance(params, (list, dict)):
            return None if notification else _error(request_id, INVALID_PARAMS, "params must be an array or object")
        if method in _REFUSED or method.startswith(_REFUSED_PREFIXES):
            self._count(method, "refused")
            return None if notification else _error(
                request_id, METHOD_NOT_FOUND, f"{method} is not served here: sign transactions locally and send "
                "them with eth_sendRawTransaction")
        outcome = self._answer(method, params, client)
        self._count(method, "error" if "error" in outcome else "ok")
        return None if notification else {"jsonrpc": "2.0", "id": request_id, **outcome}

    def _answer(self, method: str, params: Any, client: str) -> dict[str, Any]:
        state = self.state
        try:
            if method in _WRITES:
                state.limits.check_write(f"rpc:{client}")
                with state.write_lock:  # not between the steps of a server-side action
                    outcome = self.backend.call(method, params)
                self._catch_up(outcome)
                return outcome
            return self.backend.call(method, params)
        except ApiError as exc:
            return {"error": {"code": SERVER_ERROR, "message": exc.message}}
        except Exception as exc:
            data = revert_data(exc)
            if data is not None:
                return {"error": {"code": 3, "message": "execution reverted", "data": "0x" + data.hex()}}
            if is_unavailable(exc):
                return {"error": {"code": SERVER_ERROR, "message": f"the chain did not answer: {exc}"}}
            name = type(exc).__name__
            if name in ("ValidationError", "Web3ValidationError", "TypeError", "ValueError", "KeyError",
                        "IndexError", "Web3TypeError", "Web3ValueError", "BlockNotFound", "TransactionNotFound",
                        "HexBytesError", "DecodingError", "NonEmptyPaddingBytes"):
                return {"error": {"code": INVALID_PARAMS, "message": f"{name}: {exc}"[:500]}}
            log.exception("json-rpc %s failed", method)
            return {"error": {"code": SERVER_ERROR, "message": f"{name}: {exc}"[:500]}}

    def _catch_up(self, outcome: dict[str, Any]) -> None:
        """Index a raw transaction's block before answering (the embedded chain mines it at once), so a
        CLI command that reads right after its write sees it; on a node the syncer follows."""
        if "error" in outcome or not self.backend.embedded or not self.state.settings.index:
            self.state.wake_syncer()
            return
        try:
            self.state.sync()
        except Exception as exc:  # the transaction is in; the syncer retries
            log.warning("read model not updated after a raw transaction: %s", exc)
            self.state.wake_syncer()

    def _count(self, method: str, outcome: str) -> None:
        known = method if len(method) <= 40 and method.replace("_", "").isalnum() else "other"
        self.state.metrics.rpc_requests.labels(known, outcome).inc()


@router.post("/rpc", summary="Ethereum JSON-RPC (single or batch) answered by the chain the server holds")
async def rpc(request: Request) -> Response:
    service: RpcService | None = getattr(request.app.state, "rpc", None)
    if service is None:
        raise ApiError(404, "not_found", "JSON-RPC is not served by this server")
    raw = await request.body()
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return JSONResponse(_error(None, PARSE_ERROR, "the body is not valid JSON"))
    client = client_address(request)
    if isinstance(payload, list):
        if not payload:
            return JSONResponse(_error(None, INVALID_REQUEST, "an empty batch"))
        if len(payload) > MAX_BATCH:
            return JSONResponse(_error(None, INVALID_REQUEST, f"a batch holds at most {MAX_BATCH} requests"))
        answers = await run_in_threadpool(lambda: [service.answer(item, client) for item in payload])
        answered = [a for a in answers if a is not None]
        return JSONResponse(answered) if answered else Response(status_code=204)
    answer = await run_in_threadpool(service.answer, payload, client)
    return JSONResponse(answer) if answer is not None else Response(status_code=204)
