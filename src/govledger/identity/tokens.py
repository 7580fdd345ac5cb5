"""Checking OpenID Connect tokens: signature by the provider's published keys, then every claim that matters.

PyJWT does the cryptography and the claim checks; this module decides what to trust (the issuer's
discovery document, an allowlist of asymmetric algorithms) and turns each refusal into one error
class with one sentence.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.error import HTTPError, URLError

import jwt

from .config import ProviderConfig
from .errors import (
    BadSignature, MalformedToken, MissingClaim, ProviderUnreachable, TokenError, TokenExpired,
    TokenNotYetValid, UnknownKey, UnsignedToken, WrongAudience, WrongIssuer,
)

REQUIRED_CLAIMS = ("exp", "iss", "aud", "sub")
CHECKED_TOKEN_SECONDS = 60  # a checked token is trusted again without a signature check for this long
CHECKED_TOKENS_KEPT = 10_000


def person_id(issuer: str, subject: str) -> str:
    """One string naming a person across providers: the issuer, '#', the subject (issuers have no fragment)."""
    return f"{issuer}#{subject}"


@dataclass(frozen=True)
class VerifiedToken:
    """A token whose signature and claims were checked: who it names, and every claim it carries."""

    issuer: str
    subject: str
    expires_at: int
    claims: Mapping[str, Any]

    @property
    def person(self) -> str:
        return person_id(self.issuer, self.subject)


@dataclass(frozen=True)
class ProviderMetadata:
    """The parts of the provider's discovery document the ledger uses."""

    issuer: str
    jwks_uri: str
    authorization_endpoint: str | None = None
    token_endpoint: str | None = None
    userinfo_endpoint: str | None = None
    end_session_endpoint: str | None = None
    code_challenge_methods: tuple[str, ...] = ()

    @classmethod
    def discover(cls, issuer: str, timeout: float = 5.0) -> ProviderMetadata:
        """Read `{issuer}/.well-known/openid-configuration`; it must name the same issuer (OIDC Discovery 4.3)."""
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        document = fetch_json(url, timeout)
        if not isinstance(document, dict):
            raise ProviderUnreachable(f"discovery document at {url} is not a JSON object")
        if document.get("issuer") != issuer or not isinstance(document.get("jwks_uri"), str):
            raise ProviderUnreachable(
                f"discovery document at {url} names issuer {_shown(document.get('issuer'))} and jwks_uri "
                f"{_shown(document.get('jwks_uri'))}; expected issuer {issuer!r} and a jwks_uri")
        methods = document.get("code_challenge_methods_supported") or ()
        return cls(issuer, document["jwks_uri"], document.get("authorization_endpoint"),
                   document.get("token_endpoint"), document.get("userinfo_endpoint"),
                   document.get("end_session_endpoint"), tuple(methods))


def fetch_json(url: str, timeout: float, data: bytes | None = None, headers: Mapping[str, str] | None = None,
               raise_http: bool = False) -> Any:
    """GET (or POST `data` to) `url` and parse JSON; any failure to get an answer is ProviderUnreachable.

    `raise_http`: let an HTTP error status through as HTTPError, for callers to whom a 4xx is a refusal.
    """
    request = urllib.request.Request(url, data=data, headers={"Accept": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)
    except HTTPError as exc:
        if raise_http:
            raise
        exc.close()
        raise ProviderUnreachable(f"identity provider does not answer at {url}: HTTP {exc.code}") from None
    except (URLError, TimeoutError, OSError, ValueError) as exc:
        raise ProviderUnreachable(f"identity provider does not answer at {url}: {exc}") from None


class TokenValidator:
    """Checks bearer and ID tokens of one provider; thread-safe, one per server process.

    The discovery document is read on first use (and again after a failure). Keys are cached; a
    token naming an unknown key makes one refetch of the key set, at most once per cooldown, so a key
    the provider rotated in is picked up and a flood of made-up key ids cannot hammer the provider.
    """

    def __init__(self, provider: ProviderConfig, metadata: ProviderMetadata | None = None) -> None:
        self.provider = provider
        self._metadata = metadata
        self._keys: jwt.PyJWKClient | None = None
        self._lock = threading.Lock()
        self._discovery_failure: tuple[float, ProviderUnreachable] | None = None
        # Tokens already checked, kept briefly: an API client sends the same bearer token with every request.
        self._checked: OrderedDict[str, tuple[float, VerifiedToken]] = OrderedDict()

    @property
    def metadata(self) -> ProviderMetadata:
        """The discovery document, read once; after a failure, requests within the cooldown fail at once
        instead of each waiting out the timeout while the provider is down."""
        with self._lock:
            if self._metadata is None:
                failure = self._discovery_failure
                if failure is not None and time.monotonic() - failure[0] < self.provider.jwks_cooldown_seconds:
                    raise ProviderUnreachable(str(failure[1]))
                try:
                    self._metadata = ProviderMetadata.discover(self.provider.issuer, self.provider.timeout_seconds)
                except ProviderUnreachable as exc:
                    self._discovery_failure = (time.monotonic(), exc)
                    raise
            return self._metadata

    def validate(self, token: str, *, nonce: str | None = None) -> VerifiedToken:
        """The checked token, or a TokenError saying what is wrong (ProviderUnreachable when keys cannot be had).

        `nonce`: for ID tokens from a sign-in, the value sent in the authorization request.
        """
        if nonce is None:
            remembered = self._remembered(token)
            if remembered is not None:
                return remembered
        header = _header(token)
        algorithm = header.get("alg")
        if not isinstance(algorithm, str) or algorithm.lower() == "none":
            raise UnsignedToken("token is unsigned (alg none); only signed tokens are accepted")
        if algorithm not in self.provider.algorithms:
            raise UnsignedToken(
                f"token is signed with {_shown(algorithm)}; accepted: {', '.join(self.provider.algorithms)}")
        key = self._key(header.get("kid"))
        claims = self._decode(token, key, algorithm)
        if nonce is not None and claims.get("nonce") != nonce:
            raise MissingClaim(f"ID token nonce {_shown(claims.get('nonce'))} is not the one of this sign-in")
        verified = VerifiedToken(claims["iss"], str(claims["sub"]), int(claims["exp"]), claims)
        with self._lock:
            self._checked[token] = (time.monotonic(), verified)
            while len(self._checked) > CHECKED_TOKENS_KEPT:
                self._checked.popitem(last=False)
        return verified

    def _remembered(self, token: str) -> VerifiedToken | None:
        """A token checked less than CHECKED_TOKEN_SECONDS ago, if it has not expired since."""
        with self._lock:
            entry = self._checked.get(token)
            if entry is None or time.monotonic() - entry[0] > CHECKED_TOKEN_SECONDS:
                return None
            self._checked.move_to_end(token)
        if time.time() > entry[1].expires_at + self.provider.leeway_seconds:
            raise TokenExpired(f"token expired at {_time(entry[1].expires_at)} (leeway {self.provider.leeway_seconds} s)")
        return entry[1]

    def _key(self, kid: Any) -> jwt.PyJWK:
        client = self._key_client()
        try:
            if isinstance(kid, str) and kid:
                return client.get_signing_key(kid)
            # No kid: only a provider that publishes exactly one signing key can be meant.
            keys = [k for k in client.get_jwk_set().keys if k.public_key_use in ("sig", None)]
            if len(keys) != 1:
                raise UnknownKey(f"token names no signing key (kid header missing) and the provider publishes {len(keys)}")
            return keys[0]
        except jwt.PyJWKClientConnectionError as exc:
            raise ProviderUnreachable(f"identity provider key set at {client.uri} cannot be fetched: {exc}") from None
        except jwt.PyJWKClientError:
            raise UnknownKey(f"token is signed with key {_shown(kid)}, which the provider does not publish") from None
        except jwt.PyJWKSetError as exc:
            raise ProviderUnreachable(f"identity provider key set at {client.uri} is unusable: {exc}") from None

    def _key_client(self) -> jwt.PyJWKClient:
        uri = self.metadata.jwks_uri
        with self._lock:
            if self._keys is None:
                self._keys = jwt.PyJWKClient(
                    uri, cache_keys=False, cache_jwk_set=True, lifespan=max(self.provider.jwks_cache_seconds, 1),
                    timeout=self.provider.timeout_seconds, cooldown_duration=self.provider.jwks_cooldown_seconds)
            return self._keys

    def _decode(self, token: str, key: jwt.PyJWK, algorithm: str) -> dict[str, Any]:
        provider = self.provider
        try:
            return jwt.decode(token, key, algorithms=[algorithm], audience=provider.audience, issuer=provider.issuer,
                              leeway=provider.leeway_seconds, options={"require": list(REQUIRED_CLAIMS)})
        except jwt.InvalidTokenError as exc:
            raise _refusal(exc, _unverified(token), provider) from None


def _refusal(exc: jwt.InvalidTokenError, claims: Mapping[str, Any], provider: ProviderConfig) -> TokenError:
    """One sentence for each way PyJWT refuses; claim values are read only after the signature checked out."""
    if isinstance(exc, jwt.ExpiredSignatureError):
        return TokenExpired(f"token expired at {_time(claims.get('exp'))} (leeway {provider.leeway_seconds} s)")
    if isinstance(exc, jwt.ImmatureSignatureError):
        when = claims.get("nbf", claims.get("iat"))
        return TokenNotYetValid(f"token is not valid before {_time(when)} (leeway {provider.leeway_seconds} s)")
    if isinstance(exc, jwt.InvalidAudienceError):
        return WrongAudience(f"token is for audience {_shown(claims.get('aud'))}, not {provider.audience!r}")
    if isinstance(exc, jwt.InvalidIssuerError):
        return WrongIssuer(f"token is issued by {_shown(claims.get('iss'))}, not {provider.issuer!r}")
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return MissingClaim(f"token has no {exc.claim!r} claim")
    if isinstance(exc, jwt.InvalidSignatureError):
        return BadSignature("token signature does not verify against the provider's key: altered or forged")
    if isinstance(exc, jwt.InvalidAlgorithmError):  # the allowlist passed: the named key is of another kind
        return BadSignature(f"token does not fit the key it names: {exc}")
    if isinstance(exc, (jwt.InvalidKeyError, jwt.PyJWKError)):
        return BadSignature(f"token does not fit the provider's key: {exc}")
    return MalformedToken(f"token is malformed: {exc}")


def _header(token: str) -> dict[str, Any]:
    if not isinstance(token, str) or token.count(".") != 2:
        raise MalformedToken("token is not a JWT (expected three dot-separated parts)")
    try:
        return jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise MalformedToken(f"token header is unreadable: {exc}") from None


def _unverified(token: str) -> dict[str, Any]:
    try:
        return jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return {}


def _time(value: Any) -> str:
    try:
        return datetime.fromtimestamp(int(value), tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (TypeError, ValueError, OverflowError, OSError):
        return _shown(value)


def _shown(value: Any, limit: int = 80) -> str:
    """A value from outside, quoted and cut short: it goes into messages and logs."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
