"""The govledger server: a JSON API (OpenAPI), Ethereum JSON-RPC at /rpc, and operations endpoints,
over the application object. Start it with `govledger serve`; build it with :func:`create_app`."""

from .auth import Authenticator, DevelopmentAuthenticator, Principal
from .errors import ApiError
from .factory import ProductionConfigError, create_app
from .settings import ServerSettings

__all__ = ["ApiError", "Authenticator", "DevelopmentAuthenticator", "Principal", "ProductionConfigError",
           "ServerSettings", "create_app"]
