"""DEVELOPMENT ONLY: a local OpenID provider (PyPI `oidc-provider-mock`) for the demo and the tests.

It signs real RS256 tokens with its own key and publishes a real discovery document and JWKS, so
the production code path checks them exactly as it checks a government provider's. It also lets
anyone sign in as anyone (a form with a subject field): it is refused whenever the identity
configuration says production, and it listens on loopback only.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode

from .config import IdentityConfig
from .errors import DevelopmentModeRefused, ProviderUnreachable

BANNER = "DEVELOPMENT identity provider: anyone can sign in as anyone; never use it for real people"
DEMO_AGENCY = "DEMO-DPUPR-KAB-CONTOH"  # the fictional pilot agency (govledger.pilot.PILOT_AGENCY)
# The demo's people, in the groups of examples/identity-dev.toml (fictional, like the pilot data).
DEMO_PEOPLE = (
    {"sub": "ppk.demo", "name": "PPK Demo", "groups": ["govledger-ppk"], "agency": DEMO_AGENCY},
    {"sub": "penyedia.demo", "name": "Penyedia Demo", "groups": ["govledger-penyedia"]},
    {"sub": "pphp1.demo", "name": "PPHP Satu", "groups": ["govledger-pphp"]},
    {"sub": "pphp2.demo", "name": "PPHP Dua", "groups": ["govledger-pphp"]},
    {"sub": "apip.demo", "name": "APIP Demo", "groups": ["govledger-apip"]},
    {"sub": "arbiter.demo", "name": "Arbiter Demo", "groups": ["govledger-arbiter"]},
    {"sub": "guardian.demo", "name": "Guardian Demo", "groups": ["govledger-guardian"]},
)


class DevelopmentProvider:
    """Runs `python -m oidc_provider_mock` on a free loopback port until `stop()` (or the `with` ends)."""

    def __init__(self, users: Sequence[Mapping[str, Any]] = (), port: int | None = None,
                 token_max_age: int = 3600, log: Path | None = None) -> None:
        self.users = [dict(u) for u in users]
        self.port = port or free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.token_max_age = token_max_age
        self._log = log
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> DevelopmentProvider:
        command = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(self.port),
                   "--token-max-age", str(self.token_max_age)]
        for user in self.users:
            command += ["--user-claims", json.dumps(user)]
        output = open(self._log, "ab") if self._log else subprocess.DEVNULL  # noqa: SIM115 (kept open with the process)
        self._process = subprocess.Popen(command, stdout=output, stderr=output, stdin=subprocess.DEVNULL)
        try:
            wait_for_discovery(self.issuer, timeout, self._process)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def __enter__(self) -> DevelopmentProvider:
        return self.start() if self._process is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what only a development provider can do ----------------------------------------------------

    def set_user(self, subject: str, claims: Mapping[str, Any]) -> None:
        """Replace the person's claims (as an administrator would change their groups at the provider)."""
        self._send("PUT", f"/users/{quote(subject, safe='')}", json.dumps(dict(claims)).encode(),
                   {"Content-Type": "application/json"})

    def revoke_tokens(self, subject: str) -> None:
        """Invalidate the person's access and refresh tokens (as disabling their account would)."""
        self._send("POST", f"/users/{quote(subject, safe='')}/revoke-tokens", b"", {})

    def authorize(self, authorization_url: str, subject: str) -> str:
        """Fill in the provider's sign-in form as `subject`; returns the redirect back to the application."""
        request = urllib.request.Request(authorization_url, data=urlencode({"sub": subject}).encode(), method="POST")
        try:
            with _no_redirects.open(request, timeout=10) as response:
                raise ProviderUnreachable(f"the development provider answered {response.status} instead of a redirect")
        except HTTPError as redirect:
            if redirect.code not in (301, 302, 303, 307) or "Location" not in redirect.headers:
                raise ProviderUnreachable(f"the development provider refused the sign-in: {redirect.code} "
                                          f"{redirect.read(500).decode(errors='replace')}") from None
            return redirect.headers["Location"]

    def _send(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> None:
        request = urllib.request.Request(self.issuer + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10):
                pass
        except (URLError, OSError) as exc:
            raise ProviderUnreachable(f"development provider at {self.issuer}: {method} {path} failed: {exc}") from None


def start_development_provider(config: IdentityConfig, users: Sequence[Mapping[str, Any]] = (),
                               **options: Any) -> DevelopmentProvider:
    """Start the development provider, unless `config` says production."""
    if not config.development:
        raise DevelopmentModeRefused("the identity configuration says mode = \"production\": "
                                     "the development identity provider is refused")
    return DevelopmentProvider(users, **options).start()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_discovery(issuer: str, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Return once `{issuer}/.well-known/openid-configuration` answers; ProviderUnreachable after `timeout`."""
    url = issuer + "/.well-known/openid-configuration"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if json.load(response).get("issuer") == issuer:
                    return
        except (URLError, OSError, ValueError):
            pass
        if process is not None and process.poll() is not None:
            raise ProviderUnreachable(f"the development provider exited with {process.returncode} before answering at {url}")
        if time.monotonic() > deadline:
            raise ProviderUnreachable(f"the development provider did not answer at {url} within {timeout:.0f} s")
        time.sleep(0.1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_no_redirects = urllib.request.build_opener(_NoRedirect)
