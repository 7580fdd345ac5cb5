"""Browser sessions: a sealed cookie (AES-256-GCM under the web key: unreadable and unforgeable) that
expires, and a CSRF token.

Every visitor gets a session (anonymous until sign-in) whose random `csrf` value every form carries back;
a POST whose token does not match is refused. The cookie holds who the person is, their roles, when the
session ends, and between the redirect to the identity provider and its callback the sign-in's PKCE
verifier, state and nonce (sealed, so the browser cannot read them). Nothing is kept in the process, so
several servers sharing the key serve the same sessions.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..server.auth import Principal

SESSION_COOKIE = "govledger_session"
SESSION_SECONDS = 8 * 3600  # a working day; then sign in again
ANONYMOUS_SECONDS = 24 * 3600


@dataclass(frozen=True)
class WebUser:
    """A signed-in person as the pages know them."""

    subject: str
    name: str
    roles: tuple[str, ...]
    signer_key: str
    address: str | None
    agency: str | None = None
    development: bool = False

    def principal(self) -> Principal:
        return Principal(subject=self.subject, roles=frozenset(self.roles), signer_key=self.signer_key,
                         development=self.development)

    def has(self, *roles: str) -> bool:
        return bool(set(roles) & set(self.roles))


@dataclass
class Session:
    csrf: str
    expires: float
    user: WebUser | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # the sign-in's PKCE secrets between redirect and callback

    def to_dict(self) -> dict[str, Any]:
        return {"csrf": self.csrf, "exp": self.expires, "user": self.user.__dict__ if self.user else None,
                "extra": self.extra}


def new_session(user: WebUser | None = None) -> Session:
    seconds = SESSION_SECONDS if user else ANONYMOUS_SECONDS
    return Session(csrf=secrets.token_urlsafe(24), expires=time.time() + seconds, user=user)


class SessionCodec:
    """Seals a session into a cookie value and opens it again; a forged, altered or expired one opens as None."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(hashlib.sha256(b"govledger-web-session|" + key).digest())

    def seal(self, session: Session) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, json.dumps(session.to_dict(), separators=(",", ":")).encode(), SESSION_COOKIE.encode())
        return base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, value: str | None, now: float | None = None) -> Session | None:
        if not value:
            return None
        try:
            raw = base64.urlsafe_b64decode(value.encode())
            data = json.loads(self._aead.decrypt(raw[:12], raw[12:], SESSION_COOKIE.encode()))
            user = WebUser(**{**data["user"], "roles": tuple(data["user"]["roles"])}) if data.get("user") else None
            session = Session(csrf=str(data["csrf"]), expires=float(data["exp"]), user=user, extra=dict(data["extra"]))
        except (InvalidTag, binascii.Error, ValueError, KeyError, TypeError):
            return None
        if session.expires < (now if now is not None else time.time()):
            return None
        return session


def csrf_matches(session: Session, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(session.csrf, str(token))
