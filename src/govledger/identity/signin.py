"""Browser sign-in: OpenID Connect authorization code flow with PKCE (RFC 7636), state and nonce.

`begin` makes the URL to send the browser to and the secrets the server keeps in the session;
`finish` exchanges the code the provider sent back, and checks the ID token like any other token
(plus its nonce). Refreshing a kept refresh token and reading userinfo serve `identity sync`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.error import HTTPError
from urllib.parse import parse_qs, urlencode, urlparse

from .errors import MissingClaim, ProviderUnreachable, TokenError
from .tokens import ProviderMetadata, TokenValidator, VerifiedToken, fetch_json

DEFAULT_SCOPE = "openid profile email offline_access"


@dataclass(frozen=True)
class SignInRequest:
    """What the server keeps (in the browser's session, server-side) between redirect and callback."""

    url: str
    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str


@dataclass(frozen=True)
class TokenSet:
    """The provider's answer to a code exchange or refresh; `verified` is the checked ID token."""

    verified: VerifiedToken | None
    id_token: str | None
    access_token: str | None
    refresh_token: str | None


def begin(metadata: ProviderMetadata, client_id: str, redirect_uri: str, scope: str = DEFAULT_SCOPE) -> SignInRequest:
    if not metadata.authorization_endpoint:
        raise ProviderUnreachable(f"provider {metadata.issuer} publishes no authorization_endpoint")
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    query = urlencode({"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
                       "scope": scope, "state": state, "nonce": nonce,
                       "code_challenge": challenge, "code_challenge_method": "S256"})
    return SignInRequest(f"{metadata.authorization_endpoint}?{query}", state, nonce, verifier, redirect_uri)


def code_from_callback(request: SignInRequest, callback_url: str) -> str:
    """The authorization code in the provider's redirect, after checking its state (CSRF on sign-in)."""
    query = parse_qs(urlparse(callback_url).query)
    if "error" in query:
        raise TokenError(f"the provider refused the sign-in: {query['error'][0]} {query.get('error_description', [''])[0]}".strip())
    state = query.get("state", [""])[0]
    if not hmac.compare_digest(state, request.state):
        raise TokenError("sign-in state does not match this session: start the sign-in again")
    code = query.get("code", [""])[0]
    if not code:
        raise TokenError("the provider's redirect carries no authorization code")
    return code


def finish(validator: TokenValidator, request: SignInRequest, code: str, client_id: str,
           client_secret: str | None = None) -> TokenSet:
    """Exchange `code` (with the PKCE verifier) and check the ID token, its nonce included."""
    answer = _token_request(validator, client_id, client_secret, {
        "grant_type": "authorization_code", "code": code, "redirect_uri": request.redirect_uri,
        "code_verifier": request.code_verifier})
    id_token = answer.get("id_token")
    if not isinstance(id_token, str):
        raise MissingClaim("the provider's token answer has no ID token (was the 'openid' scope granted?)")
    return TokenSet(validator.validate(id_token, nonce=request.nonce), id_token,
                    answer.get("access_token"), answer.get("refresh_token"))


def refresh(validator: TokenValidator, refresh_token: str, client_id: str, client_secret: str | None = None) -> TokenSet:
    """New tokens for a kept refresh token; TokenError when the provider no longer honours it."""
    answer = _token_request(validator, client_id, client_secret,
                            {"grant_type": "refresh_token", "refresh_token": refresh_token})
    id_token = answer.get("id_token")
    verified = validator.validate(id_token) if isinstance(id_token, str) else None
    return TokenSet(verified, id_token, answer.get("access_token"), answer.get("refresh_token") or refresh_token)


def userinfo(validator: TokenValidator, access_token: str) -> dict[str, Any]:
    """The person's current claims from the provider's userinfo endpoint."""
    endpoint = validator.metadata.userinfo_endpoint
    if not endpoint:
        raise ProviderUnreachable(f"provider {validator.provider.issuer} publishes no userinfo_endpoint")
    claims = _post_or_get(endpoint, validator.provider.timeout_seconds, None, {"Authorization": f"Bearer {access_token}"})
    if not isinstance(claims, dict) or not isinstance(claims.get("sub"), str):
        raise MissingClaim(f"userinfo from {endpoint} carries no subject")
    return claims


def _token_request(validator: TokenValidator, client_id: str, client_secret: str | None,
                   form: dict[str, str]) -> dict[str, Any]:
    endpoint = validator.metadata.token_endpoint
    if not endpoint:
        raise ProviderUnreachable(f"provider {validator.provider.issuer} publishes no token_endpoint")
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if client_secret is not None:
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        headers["Authorization"] = f"Basic {basic}"
    else:
        form = {**form, "client_id": client_id}
    answer = _post_or_get(endpoint, validator.provider.timeout_seconds, urlencode(form).encode(), headers)
    if not isinstance(answer, dict):
        raise ProviderUnreachable(f"the token endpoint {endpoint} answered something that is not a JSON object")
    return answer


def _post_or_get(url: str, timeout: float, data: bytes | None, headers: dict[str, str]) -> Any:
    """An OAuth endpoint call: a 4xx answer is a refusal (TokenError with the provider's words), not an outage."""
    try:
        return fetch_json(url, timeout, data, headers, raise_http=True)
    except HTTPError as refused:
        body = refused.read(1000).decode(errors="replace")
        if 400 <= refused.code < 500:
            raise TokenError(f"the provider refused: {refused.code} {body.strip()[:200]}") from None
        raise ProviderUnreachable(f"identity provider failed at {url}: {refused.code}") from None
