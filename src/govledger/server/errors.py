"""One JSON shape for every refusal: ``{"code", "message", "error", "arguments"}``.

`code` is stable for programs (``not_found``, ``contract_reverted``, ...), `message` is one sentence
for people, and a refusal by the chain also names the Solidity custom error and its arguments.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import ContractError, GovLedgerError, GovLedgerValueError, NotFoundError

log = logging.getLogger("govledger.server")

# Reverts that say the signer lacks the role or party the action needs: 403 rather than 409.
_FORBIDDEN_REVERTS = frozenset({
    "AccessControlUnauthorizedAccount", "NotAgencyOfficial", "NotContractor", "NotAParty", "NotAssignedInspector",
    "NotCertifiedInspector", "CategoryNotAllowed",
})
_UNKNOWN_REVERTS = frozenset({"UnknownContract", "UnknownMilestone"})
# How chains refuse a sender who cannot pay for gas: py-evm, geth and anvil, Besu.
_NO_GAS = ("cannot afford txn gas", "insufficient funds", "upfront cost exceeds account balance")
_UNAVAILABLE = ("ChainError", "ConnectionError", "Timeout", "ReadTimeout", "ConnectTimeout", "ProviderConnectionError")


class ApiError(GovLedgerError):
    """A refusal with its HTTP status; raised by routes and dependencies."""

    def __init__(self, status: int, code: str, message: str, *, error: str | None = None,
                 arguments: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.error, self.arguments, self.headers = error, arguments, headers

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.error is not None:
            body["error"] = self.error
            body["arguments"] = jsonable(self.arguments or {})
        return body

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def jsonable(value: Any) -> Any:
    """Revert arguments as JSON: bytes as 0x hex, integers beyond 2**53 as decimal strings."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return str(value)
    return value


def is_unavailable(exc: BaseException) -> bool:
    """The chain (or the node) did not answer: the client may retry later."""
    return any(type(e).__name__ in _UNAVAILABLE or isinstance(e, (ConnectionError, TimeoutError))
               for e in _chain_of(exc))


def _chain_of(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def lacks_gas(exc: BaseException) -> bool:
    """The chain refused the transaction because its sender holds too little ether for the gas."""
    return any(marker in str(e).lower() for e in _chain_of(exc) for marker in _NO_GAS)


def api_error_of(exc: BaseException, account: str | None = None) -> ApiError:
    """The API's refusal for an exception raised by the ledger, the read model or the chain (`account`: who
    signed, named when it could not pay for gas)."""
    if isinstance(exc, ApiError):
        return exc
    if not isinstance(exc, ContractError) and lacks_gas(exc):
        return ApiError(409, "no_gas", f"your account has no gas: {account or 'it'} cannot pay for the transaction; "
                                       "ask the operators to fund it (see docs/identity.md)")
    if isinstance(exc, ContractError):
        name = type(exc).__name__
        status = 403 if name in _FORBIDDEN_REVERTS else 404 if name in _UNKNOWN_REVERTS else 409
        return ApiError(status, "contract_reverted", str(exc), error=name, arguments=getattr(exc, "arguments", {}))
    if is_unavailable(exc):
        return ApiError(503, "chain_unavailable", f"the chain did not answer: {exc}", headers={"Retry-After": "5"})
    if isinstance(exc, NotFoundError):
        return ApiError(404, "not_found", str(exc))
    if isinstance(exc, GovLedgerValueError):
        return ApiError(422, "invalid_input", str(exc))
    if isinstance(exc, GovLedgerError):
        return ApiError(409, "refused", str(exc))
    return ApiError(500, "internal_error", "the server failed; the operators have the details in the log")


def install_error_handlers(app: FastAPI) -> None:
    async def on_api_error(_request: Request, exc: Exception) -> JSONResponse:
        return api_error_of(exc).response()

    async def on_validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = exc.errors()
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        if first.get("type") == "json_invalid":
            return ApiError(400, "malformed_json", f"the body is not valid JSON: {first.get('msg', '')}").response()
        detail = f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg", "invalid input"))
        extra = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return ApiError(422, "invalid_input", detail + extra).response()

    async def on_http(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400:  # FastAPI's answer to a body it cannot decode (not UTF-8 JSON)
            return ApiError(400, "malformed_json", "the body is not valid JSON (UTF-8)").response()
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return ApiError(exc.status_code, code, str(exc.detail)).response()

    async def on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
        error = api_error_of(exc)
        if error.status >= 500 and error.code == "internal_error":
            log.exception("unexpected error", exc_info=exc)
        return error.response()

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(GovLedgerError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
