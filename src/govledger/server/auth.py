"""Who is asking: a pluggable authenticator turns a bearer token into a person and their roles.

The server asks `app.state.authenticator.principal(token)`; the identity package's validator (OIDC/JWT)
plugs in with the same method. :class:`DevelopmentAuthenticator` serves the demo: its tokens are the
demo account names (``Bearer dev:official``), anyone can forge them, so production refuses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from ..accounts import DEMO_ROLES
from .errors import ApiError

ROLES = ("admin", "treasury", "official", "contractor", "inspector", "auditor", "pauser", "arbiter")
DEV_PREFIX = "dev:"


@dataclass(frozen=True)
class Principal:
    """An authenticated person: `subject` is their stable id at the identity provider, `signer_key` what
    the signer knows them by (a demo name, a custodial key id), `roles` what their token grants."""

    subject: str
    roles: frozenset[str]
    signer_key: str
    development: bool = False
    claims: dict[str, object] = field(default_factory=dict, compare=False)


class Authenticator(Protocol):
    """Validates a bearer token; raises :class:`ApiError` (401) when it is not acceptable."""

    development: bool

    def principal(self, token: str) -> Principal: ...


def demo_role(name: str) -> str:
    """The ledger role a demo account acts in (`inspector2` -> inspector, `guardian` -> pauser)."""
    return {"guardian": "pauser", "contractor2": "contractor"}.get(name, name.rstrip("0123456789"))


class DevelopmentAuthenticator:
    """DEVELOPMENT ONLY: `Bearer dev:<demo account>` signs in as that demo account, no secret needed."""

    development = True

    def principal(self, token: str) -> Principal:
        name = token[len(DEV_PREFIX):] if token.startswith(DEV_PREFIX) else ""
        if name not in DEMO_ROLES:
            raise ApiError(401, "invalid_token",
                           f"development sign-in takes 'dev:<demo account>' ({', '.join(DEMO_ROLES)})")
        return Principal(subject=f"dev:{name}", roles=frozenset({demo_role(name)}), signer_key=name,
                         development=True)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        return None
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "invalid_token", "the Authorization header must be 'Bearer <token>'")
    return token.strip()


async def optional_principal(request: Request) -> Principal | None:
    """The person behind the request's bearer token, or None without one. Failed attempts count
    against the client's sign-in rate."""
    token = bearer_token(request)
    if token is None:
        return None
    state = request.app.state
    client = client_address(request)
    state.limits.check_sign_in(client)
    try:
        # a token check may fetch the provider's keys: off the event loop
        principal = await run_in_threadpool(state.authenticator.principal, token)
    except ApiError:
        state.limits.failed_sign_in(client)
        raise
    request.state.principal = principal
    return principal


async def current_principal(principal: Principal | None = Depends(optional_principal)) -> Principal:
    if principal is None:
        raise ApiError(401, "not_authenticated", "sign in: send 'Authorization: Bearer <token>'")
    return principal


def require_roles(principal: Principal, roles: tuple[str, ...], action: str) -> None:
    """Refuse early what the token alone rules out; the chain then checks the role on chain."""
    if not principal.roles.intersection(roles):
        raise ApiError(403, "forbidden", f"{action} needs the role {' or '.join(roles)}; "
                       f"{principal.subject} has {', '.join(sorted(principal.roles)) or 'none'}")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
