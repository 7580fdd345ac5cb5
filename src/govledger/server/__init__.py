"""The govledger server: a JSON API (OpenAPI), Ethereum JSON-RPC at /rpc, and operations endpoints,
over the application object. Start it with `govledger serve`; build it with :func:`create_app`.

Names are imported on first use, so that `govledger.server.locate` (which every CLI command asks
whether a server holds its data directory) loads without FastAPI.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "ApiError": ".errors", "Authenticator": ".auth", "DevelopmentAuthenticator": ".auth", "Principal": ".auth",
    "ProductionConfigError": ".factory", "ServerSettings": ".settings", "create_app": ".factory",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name], __name__), name)
