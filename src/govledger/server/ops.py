"""What operators watch: /healthz, /readyz, /metrics; and the middleware every request passes
(body size limit, security headers, metrics and one JSON log line per request)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import GovLedgerError
from .errors import ApiError

router = APIRouter(tags=["operations"])
access_log = logging.getLogger("govledger.server.access")

MAX_READY_LAG = 10  # blocks the read model may trail the head and still be ready

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"cache-control", b"no-store"),
]
_DOCS_CSP = (b"content-security-policy",
             b"default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
             b"style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
             b"frame-ancestors 'none'")


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The chain answers and the read model is current")
def readyz(request: Request) -> JSONResponse:
    state = request.app.state.server
    body: dict[str, Any] = {"status": "ready"}
    try:
        body["head"] = state.head()
    except Exception as exc:
        return JSONResponse({"status": "unavailable", "code": "chain_unavailable",
                             "message": f"the chain did not answer: {exc}"}, status_code=503)
    body["lag"] = state.lag()
    body["indexed_block"] = state.indexed_block()
    if state.last_sync_error:
        body["sync_error"] = state.last_sync_error
    if body["lag"] is None or body["lag"] > MAX_READY_LAG:
        body["status"] = "lagging"
        body["code"] = "read_model_lagging"
        body["message"] = f"the read model is {body['lag']} blocks behind the chain (ready at {MAX_READY_LAG})"
        return JSONResponse(body, status_code=503)
    return JSONResponse(body)


@router.get("/metrics", summary="Prometheus metrics")
def metrics(request: Request) -> Response:
    state = request.app.state.server
    try:
        state.lag()
    except Exception:  # the chain is down: the other metrics still count
        pass
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)


PageRefusal = Callable[[Scope, int], Response]  # the HTML page that refuses a body above a limit (bytes)


def is_page(scope: Scope) -> bool:
    """A request for the web pages rather than the JSON API, JSON-RPC or the API's docs."""
    path = str(scope.get("path", ""))
    return not (path.startswith(("/api/", "/rpc")) or path in ("/openapi.json", "/docs", "/redoc"))


class OperationsMiddleware:
    """Pure ASGI: refuses bodies above the limit with 413 (by Content-Length, or while streaming),
    adds security headers, and measures and logs every request.

    A form a page posts with files (multipart) may reach `max_upload_bytes` (documents, phone photos);
    every other body `max_body_bytes`. A page's body above its limit gets `page_refusal`'s HTML page,
    the API's the JSON refusal."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, max_upload_bytes: int | None = None,
                 page_refusal: PageRefusal | None = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes or max_body_bytes
        self.page_refusal = page_refusal

    def _limit(self, scope: Scope, headers: dict[bytes, bytes]) -> int:
        upload = headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data")
        return self.max_upload_bytes if upload and is_page(scope) else self.max_body_bytes

    def _too_large(self, scope: Scope, limit: int) -> Response:
        if self.page_refusal is not None and is_page(scope):
            return self.page_refusal(scope, limit)
        return ApiError(413, "body_too_large", f"the body exceeds the limit of {limit} bytes").response()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        headers = dict(scope.get("headers") or [])
        limit = self._limit(scope, headers)
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            response = self._too_large(scope, limit) if length.isdigit() else ApiError(
                400, "bad_content_length", "Content-Length must be a number").response()
            status = response.status_code
            await response(scope, receive, self._wrap_send(send, scope))
            self._observe(scope, status, started)
            return
        received = 0
        exceeded = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _BodyTooLarge()
            return message

        def on_status(code: int) -> None:
            nonlocal status
            status = code

        wrapped = self._wrap_send(send, scope, on_status)

        async def unless_exceeded(message: Message) -> None:
            if not exceeded:  # whatever the app answers to a cut-off body (FastAPI: 400) becomes 413 below
                await wrapped(message)

        try:
            await self.app(scope, limited_receive, unless_exceeded)
        except _BodyTooLarge:
            pass
        finally:
            if exceeded:
                status = 413
                await self._too_large(scope, limit)(scope, receive, self._wrap_send(send, scope))
            self._observe(scope, status, started)

    def _wrap_send(self, send: Send, scope: Scope, on_status: Any = None) -> Send:
        docs = scope.get("path", "") in ("/docs", "/redoc")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                if on_status is not None:
                    on_status(message["status"])
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                if docs:
                    extra = [_DOCS_CSP if k == b"content-security-policy" else (k, v) for k, v in extra]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        return wrapped

    def _observe(self, scope: Scope, status: int, started: float) -> None:
        elapsed = time.perf_counter() - started
        route = scope.get("route")
        template = getattr(route, "path", None) or "unmatched"
        method = scope.get("method", "")
        app = scope.get("app")
        state = getattr(getattr(app, "state", None), "server", None)
        if state is not None:
            m = state.metrics
            m.requests.labels(method, template, str(status)).inc()
            m.latency.labels(method, template).observe(elapsed)
            if status >= 500:
                m.errors.labels(template).inc()
        if access_log.isEnabledFor(logging.INFO):
            client = scope.get("client") or ("", 0)
            access_log.info(json.dumps({"event": "request", "method": method, "path": scope.get("path"),
                                        "route": template, "status": status, "ms": round(elapsed * 1000, 2),
                                        "client": client[0]}))


class _BodyTooLarge(GovLedgerError):
    """Stops the app reading a body past the limit; caught by the middleware, never leaves it."""
