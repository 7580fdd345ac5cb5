"""`create_app(app)`: the FastAPI application over the application object."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from ..errors import GovLedgerValueError
from . import ops, routes_actions, routes_activity, routes_admin, routes_chain, routes_reads, rpc
from .auth import Authenticator, DevelopmentAuthenticator
from .errors import install_error_handlers
from .runtime import ServerState
from .settings import ServerSettings


class ProductionConfigError(GovLedgerValueError):
    """Refused configuration: production with the development identity provider."""


def create_app(app: Any, settings: ServerSettings | None = None, authenticator: Authenticator | None = None, *,
               follow_chain: bool = True) -> FastAPI:
    """The API over `app` (a `govledger.app.App`). Without an `authenticator` the development one is used,
    which `settings.production` refuses. `follow_chain` runs the background syncer while serving."""
    settings = settings or ServerSettings()
    authenticator = authenticator or DevelopmentAuthenticator()
    if settings.production and getattr(authenticator, "development", False):
        raise ProductionConfigError("production mode refuses the development identity provider: "
                                    "configure an OIDC provider (govledger.identity)")
    state = ServerState(app, settings, authenticator)

    @asynccontextmanager
    async def lifespan(_api: FastAPI) -> AsyncIterator[None]:
        try:
            if settings.index:
                state.sync()
        except Exception as exc:  # serve anyway: /readyz says what is wrong
            state.last_sync_error = f"{type(exc).__name__}: {exc}"
        if follow_chain:
            state.start_syncer()
        try:
            yield
        finally:
            state.stop_syncer()

    api = FastAPI(
        title="govledger",
        version="1",
        summary="Government contracts, milestones and escrowed payments on a permissioned chain",
        description=("Reads come from the read model; actions are signed for the signed-in person and checked "
                     "on chain against their role. Amounts in sen. Errors: {code, message, error, arguments}."
                     + (" DEVELOPMENT identity provider: tokens are 'dev:<demo account>'."
                        if getattr(authenticator, "development", False) else "")),
        lifespan=lifespan,
    )
    api.state.server = state
    api.state.limits = state.limits
    api.state.authenticator = authenticator
    if settings.rpc_enabled:
        api.state.rpc = rpc.RpcService(rpc.RpcBackend(app.ledger, embedded=is_embedded(app)), state)
    install_error_handlers(api)
    for module in (ops, routes_reads, routes_chain, routes_actions, routes_admin, routes_activity, rpc):
        api.include_router(module.router)
    pages = __import__("govledger.web").web
    pages.install(api)  # the pages (govledger.web), over the same state
    api.add_middleware(ops.OperationsMiddleware, max_body_bytes=settings.max_body_bytes,
                       max_upload_bytes=settings.max_upload_bytes, page_refusal=pages.too_large_page)
    if getattr(authenticator, "development", False):
        api.add_middleware(_DevelopmentMarker)
    return api


def is_embedded(app: Any) -> bool:
    """Whether the ledger runs on the embedded chain (as opposed to a node URL)."""
    if getattr(app, "rpc_url", None):
        return False
    return type(app.ledger.w3.provider).__name__ != "HTTPProvider"


class _DevelopmentMarker:
    """Marks every response of a server that uses the development identity provider."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def marked(message: Any) -> None:
            if message["type"] == "http.response.start":
                marker = (b"x-govledger-identity", b"development")
                message = {**message, "headers": [*message.get("headers", []), marker]}
            await send(message)

        await self.app(scope, receive, marked if scope["type"] == "http" else send)
