"""The identity service: the one object the server asks who a request comes from.

It checks the token, maps its claims to ledger roles by the configuration, and enrols the person
(their custodial account is created on first sign-in). The roles it returns are what the *token*
says; the chain decides in the end, since every action is signed by the person's own account and
checked against the role on chain.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import signin
from .config import Entitlements, IdentityConfig, claim_value
from .custody import CustodialSigner
from .directory import Person
from ..errors import GovLedgerValueError
from ..ocid import check_agency_code
from .errors import InvalidClaim, MissingClaim
from .tokens import TokenValidator, VerifiedToken

# How often a person's "last seen" (and roles as last seen) is written while their roles do not change.
RECORD_SEEN_EVERY_SECONDS = 300


@dataclass(frozen=True)
class SignedIn:
    """A person whose token checked out: their directory entry (with the on-chain address) and roles."""

    person: Person
    entitlements: Entitlements
    token: VerifiedToken

    @property
    def roles(self) -> frozenset[str]:
        return self.entitlements.roles

    @property
    def who(self) -> str:
        """The person id, as `CustodialSigner.account(who)` takes it."""
        return self.person.person


class IdentityService:
    """Token checks, claim mapping and custody for one server process (thread-safe)."""

    def __init__(self, config: IdentityConfig, data_dir: Path, environ: Mapping[str, str] = os.environ,
                 on_create: Callable[[str], None] | None = None, validator: TokenValidator | None = None) -> None:
        self.config = config
        self.validator = validator or TokenValidator(config.provider)
        self.signer = CustodialSigner.from_config(config.custody, data_dir, environ, on_create)
        self._client_secret = config.provider.secret(environ)
        self._seen: dict[str, tuple[tuple[tuple[str, ...], str | None], float, Person]] = {}

    @classmethod
    def from_file(cls, path: Path | str, data_dir: Path, **options: Any) -> IdentityService:
        return cls(IdentityConfig.load(path), data_dir, **options)

    @property
    def development(self) -> bool:
        return self.config.development

    def authenticate(self, token: str, *, nonce: str | None = None) -> SignedIn:
        """Check a bearer (or ID) token and return the person; raises a TokenError (401) or ProviderUnreachable (503)."""
        return self._sign_in(self.validator.validate(token, nonce=nonce))

    def begin_sign_in(self, redirect_uri: str) -> signin.SignInRequest:
        """Where to send the browser; keep the returned request server-side until the callback."""
        return signin.begin(self.validator.metadata, self.config.provider.client_id, redirect_uri)

    def finish_sign_in(self, request: signin.SignInRequest, callback_url: str) -> tuple[SignedIn, signin.TokenSet]:
        """Complete the code flow from the provider's redirect; keeps the refresh token (sealed) for `identity sync`."""
        code = signin.code_from_callback(request, callback_url)
        tokens = signin.finish(self.validator, request, code, self.config.provider.client_id, self._client_secret)
        assert tokens.verified is not None  # finish() always checks the ID token
        signed_in = self._sign_in(tokens.verified)
        if tokens.refresh_token:
            sealed = self.signer.seal(signed_in.who, tokens.refresh_token)
            self.signer.directory.edit(signed_in.who, refresh_token=sealed)
        return signed_in, tokens

    def _sign_in(self, token: VerifiedToken) -> SignedIn:
        entitlements = self.config.entitlements(token.claims)
        if "official" in entitlements.roles:
            if entitlements.agency is None:
                raise MissingClaim(f"{token.subject!r} is in an official's group but the token has no "
                                   f"{self.config.claims.agency!r} claim naming their agency")
            try:
                check_agency_code(entitlements.agency)
            except GovLedgerValueError as exc:
                raise InvalidClaim(f"{self.config.claims.agency!r} claim of {token.subject!r}: {exc}") from None
        seen = (tuple(sorted(entitlements.roles)), entitlements.agency)
        cached = self._seen.get(token.person)
        if cached is not None and cached[0] == seen and time.monotonic() - cached[1] < RECORD_SEEN_EVERY_SECONDS:
            return SignedIn(cached[2], entitlements, token)  # no directory write on every API request
        name = claim_value(token.claims, self.config.claims.name)
        person = self.signer.enroll(token.issuer, token.subject, name if isinstance(name, str) else None)
        if (person.roles, person.agency) != seen:
            person = self.signer.directory.edit(person.person, roles=seen[0], agency=seen[1])
        person = replace(person, refresh_token=None)
        self._seen[token.person] = (seen, time.monotonic(), person)
        return SignedIn(person, entitlements, token)
