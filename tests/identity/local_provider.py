"""A stand-in identity provider for bad-token tests: our own keys, served from a local JWKS endpoint.

Only discovery and the key set are served (stdlib http.server on loopback); the tests sign tokens
themselves, so they can make every kind of bad token the real provider would never issue.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from govledger.identity.config import ProviderConfig

AUDIENCE = "govledger"


class SigningKey:
    """A key pair with a key id: signs tokens and publishes its public half as a JWK."""

    def __init__(self, kid: str, algorithm: str = "RS256") -> None:
        self.kid, self.algorithm = kid, algorithm
        self.private = (ec.generate_private_key(ec.SECP256R1()) if algorithm.startswith("ES")
                        else rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def jwk(self) -> dict[str, Any]:
        algorithm = jwt.get_algorithm_by_name(self.algorithm)
        return {**json.loads(algorithm.to_jwk(self.private.public_key())), "kid": self.kid, "use": "sig",
                "alg": self.algorithm}

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        return jwt.encode(claims, self.private, algorithm=self.algorithm, headers={"kid": self.kid, **header})


class LocalProvider:
    """Discovery document and JWKS on a free loopback port; `keys` may be swapped to rotate them."""

    def __init__(self) -> None:
        self.keys: list[SigningKey] = [SigningKey("key-1")]
        self.jwks_fetches = 0
        self.announced_issuer: str | None = None  # set to make discovery name another issuer
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                if self.path == "/.well-known/openid-configuration":
                    body: Any = {"issuer": provider.announced_issuer or provider.issuer, "jwks_uri": provider.issuer + "/jwks"}
                elif self.path == "/jwks":
                    provider.jwks_fetches += 1
                    body = {"keys": [k.jwk() for k in provider.keys]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def claims(self, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": AUDIENCE, "sub": "alice", "iat": now, "exp": now + 300,
                  "groups": ["pphp"]}
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def token(self, key: SigningKey | None = None, **overrides: Any) -> str:
        return (key or self.keys[0]).sign(self.claims(**overrides))

    def config(self, **overrides: Any) -> ProviderConfig:
        settings: dict[str, Any] = {"issuer": self.issuer, "audience": AUDIENCE, "client_id": AUDIENCE,
                                    "leeway_seconds": 5, "jwks_cooldown_seconds": 0}
        settings.update(overrides)
        return ProviderConfig(**settings)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
