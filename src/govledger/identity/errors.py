"""Errors of sign-in and custody: one class per way a token or a person can be refused.

Each carries `http_status` and a short `code` so that the server maps it without a table of its own:
401 for a token that proves nothing, 403 for a person without the role, 503 when the identity
provider cannot be reached (the token may be fine; try again later).
"""

from __future__ import annotations

from typing import ClassVar

from ..errors import GovLedgerError, GovLedgerValueError


class IdentityError(GovLedgerError):
    """Root of the identity errors."""

    http_status: ClassVar[int] = 401
    code: ClassVar[str] = "identity_error"

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        # MalformedToken -> "malformed_token": the code follows the class name unless a class sets one.
        if "code" not in cls.__dict__:
            cls.code = "".join("_" + c.lower() if c.isupper() else c for c in cls.__name__).lstrip("_")


class TokenError(IdentityError):
    """A bearer or ID token was refused; the message says why, once."""


class MalformedToken(TokenError):
    """Not a JWT at all (wrong number of parts, bad base64, bad JSON)."""


class UnsignedToken(TokenError):
    """`alg: none`, or an algorithm outside the allowlist (HS*, or one the config does not name)."""


class BadSignature(TokenError):
    """The signature does not match the provider's key: the token was altered or forged."""


class UnknownKey(TokenError):
    """The token names a key (`kid`) the provider does not publish, even after one refetch."""


class TokenExpired(TokenError):
    """`exp` is past (beyond the clock leeway)."""


class TokenNotYetValid(TokenError):
    """`nbf` or `iat` is in the future (beyond the clock leeway)."""


class WrongAudience(TokenError):
    """The token was issued for another application."""


class WrongIssuer(TokenError):
    """The token was issued by another provider than the configured one."""


class MissingClaim(TokenError):
    """A claim the ledger needs (sub, exp, iss, aud, nonce, or the agency of an official) is absent."""


class InvalidClaim(TokenError):
    """A claim the ledger needs is there but unusable (an agency claim that is no agency code)."""


class ProviderUnreachable(IdentityError):
    """The identity provider's discovery document or key set cannot be fetched."""

    http_status: ClassVar[int] = 503


class NotEntitled(IdentityError):
    """The person signed in correctly but the config maps none of their claims to the role asked for."""

    http_status: ClassVar[int] = 403


class IdentityConfigError(GovLedgerValueError):
    """The identity configuration file is missing, malformed, or asks for something unsafe."""


class DevelopmentModeRefused(IdentityConfigError):
    """The development identity provider was asked for while the configuration says production."""


class CustodyError(GovLedgerError):
    """A custodial key cannot be created or opened (no server key, wrong server key, bad permissions)."""
