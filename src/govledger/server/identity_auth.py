"""The identity package's service as the server's authenticator: OIDC bearer tokens checked against the
provider's JWKS, claims mapped to roles by the configuration, each person signing with their custodial key.

The service answers `authenticate(token) -> SignedIn` (with `.who`, the person id the custodial signer
knows, and `.roles`); its refusals become the API's: a bad token 401, a person without the entitlement
403, a provider that does not answer 503.
"""

from __future__ import annotations

from typing import Any

from ..identity.errors import IdentityError, NotEntitled, ProviderUnreachable, TokenError
from .auth import Principal
from .errors import ApiError


class IdentityAuthenticator:
    def __init__(self, service: Any) -> None:
        self.service = service
        self.development = bool(service.development)

    def principal(self, token: str) -> Principal:
        try:
            signed_in = self.service.authenticate(token)
        except TokenError as exc:
            raise ApiError(401, "invalid_token", str(exc),
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from exc
        except NotEntitled as exc:
            raise ApiError(403, "not_entitled", str(exc)) from exc
        except ProviderUnreachable as exc:
            raise ApiError(503, "identity_provider_unavailable", str(exc), headers={"Retry-After": "5"}) from exc
        except IdentityError as exc:
            raise ApiError(401, "sign_in_refused", str(exc)) from exc
        return Principal(subject=signed_in.who, roles=frozenset(signed_in.roles), signer_key=signed_in.who,
                         development=self.development)
