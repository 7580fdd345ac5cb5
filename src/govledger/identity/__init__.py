"""Sign-in through an OpenID Connect provider, claims mapped to ledger roles, keys held for people.

The server uses :class:`IdentityService` (token checks, claim mapping, custodial accounts);
`govledger identity sync` uses :func:`govledger.identity.sync.sync_roles`. See docs/identity.md.
"""

from __future__ import annotations

from .config import Entitlements, IdentityConfig
from .custody import CustodialSigner
from .directory import Person, PersonDirectory
from .errors import (
    BadSignature, CustodyError, DevelopmentModeRefused, IdentityConfigError, IdentityError, MalformedToken,
    MissingClaim, NotEntitled, ProviderUnreachable, TokenError, TokenExpired, TokenNotYetValid, UnknownKey,
    UnsignedToken, WrongAudience, WrongIssuer,
)
from .service import IdentityService, SignedIn
from .tokens import TokenValidator, VerifiedToken, person_id

__all__ = [
    "BadSignature", "CustodialSigner", "CustodyError", "DevelopmentModeRefused", "Entitlements", "IdentityConfig",
    "IdentityConfigError", "IdentityError", "IdentityService", "MalformedToken", "MissingClaim", "NotEntitled",
    "Person", "PersonDirectory", "ProviderUnreachable", "SignedIn", "TokenError", "TokenExpired", "TokenNotYetValid",
    "TokenValidator", "UnknownKey", "UnsignedToken", "VerifiedToken", "WrongAudience", "WrongIssuer", "person_id",
]
