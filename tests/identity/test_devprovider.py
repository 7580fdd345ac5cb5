"""Sign-in against a real OpenID provider process (the development one): real RS256 tokens, really checked."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

import pytest
from eth_account.signers.local import LocalAccount

from govledger.identity.config import IdentityConfig
from govledger.identity.devprovider import DevelopmentProvider, free_port, start_development_provider, wait_for_discovery
from govledger.identity.errors import (
    DevelopmentModeRefused, MissingClaim, ProviderUnreachable, TokenError, WrongAudience,
)
from govledger.identity.onchain import holds
from govledger.identity.service import IdentityService
from govledger.identity.sync import ProviderSource, sync_roles
from govledger.ledger import Ledger
from govledger.pilot import PILOT_AGENCY

REDIRECT = "http://127.0.0.1:1/signed-in"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ENVIRON = {"GOVLEDGER_SERVER_KEY": "server-key-for-tests-only-" + "x" * 20, "DEV_CLIENT_SECRET": "dev"}


@pytest.fixture(scope="module")
def dev() -> Iterator[DevelopmentProvider]:
    people = [{"sub": "ani", "name": "Ani", "groups": ["pphp"]},
              {"sub": "budi", "groups": ["ppk"], "agency": PILOT_AGENCY},
              {"sub": "citra", "groups": ["ppk"]}]
    with DevelopmentProvider(people) as provider:
        yield provider


def config(dev: DevelopmentProvider, audience: str = "govledger", mode: str = "development") -> IdentityConfig:
    return IdentityConfig.from_dict({
        "mode": mode, "provider": {"issuer": dev.issuer, "audience": audience, "client_secret_env": "DEV_CLIENT_SECRET"},
        "roles": {"pphp": "inspector", "ppk": "official"}, "sync": {"grant": True}})


@pytest.fixture
def service(dev: DevelopmentProvider, tmp_path: Path) -> IdentityService:
    return IdentityService(config(dev), tmp_path, environ=ENVIRON)


def sign_in(service: IdentityService, dev: DevelopmentProvider, subject: str):  # type: ignore[no-untyped-def]
    request = service.begin_sign_in(REDIRECT)
    return service.finish_sign_in(request, dev.authorize(request.url, subject))


def test_signIn_codeFlowWithPkceGivesACheckedPersonWithACustodialAccount(service: IdentityService,
                                                                          dev: DevelopmentProvider) -> None:
    request = service.begin_sign_in(REDIRECT)
    assert "code_challenge_method=S256" in request.url and request.nonce in request.url
    signed_in, tokens = service.finish_sign_in(request, dev.authorize(request.url, "ani"))
    assert signed_in.who == f"{dev.issuer}#ani" and signed_in.roles == {"inspector"}
    assert signed_in.token.claims["nonce"] == request.nonce
    person = service.signer.directory.get(signed_in.who)
    assert person.name == "Ani" and person.roles == ("inspector",)
    assert person.refresh_token and tokens.refresh_token not in person.refresh_token  # kept sealed, never in clear
    assert service.signer.account(signed_in.who).address == person.address == signed_in.person.address


def test_authenticate_acceptsTheProvidersIdTokenAsBearer(service: IdentityService, dev: DevelopmentProvider) -> None:
    first, tokens = sign_in(service, dev, "budi")
    again = service.authenticate(tokens.id_token)
    assert again.person.address == first.person.address and again.entitlements.agency == PILOT_AGENCY


def test_authenticate_refusesTheProvidersTokenForAnotherAudience(dev: DevelopmentProvider, tmp_path: Path) -> None:
    _, tokens = sign_in(IdentityService(config(dev), tmp_path, environ=ENVIRON), dev, "ani")
    other_app = IdentityService(config(dev, audience="another-app"), tmp_path, environ=ENVIRON)
    with pytest.raises(WrongAudience, match="not 'another-app'"):
        other_app.authenticate(tokens.id_token)


def test_signIn_refusesACallbackWithAnotherState(service: IdentityService, dev: DevelopmentProvider) -> None:
    first, second = service.begin_sign_in(REDIRECT), service.begin_sign_in(REDIRECT)
    with pytest.raises(TokenError, match="state does not match"):
        service.finish_sign_in(first, dev.authorize(second.url, "ani"))


def test_signIn_refusesAnOfficialWithoutAgency(service: IdentityService, dev: DevelopmentProvider) -> None:
    with pytest.raises(MissingClaim, match="no 'agency' claim"):
        sign_in(service, dev, "citra")


def test_developmentProviderIsRefusedInProduction(dev: DevelopmentProvider) -> None:
    production = IdentityConfig.from_dict({"provider": {"issuer": "https://sso.example.go.id", "audience": "a"}})
    with pytest.raises(DevelopmentModeRefused, match="production"):
        start_development_provider(production)


def test_syncFromProvider_revokesARoleRemovedAtTheProvider(ledger: Ledger, admin: LocalAccount, dev: DevelopmentProvider,
                                                           tmp_path: Path) -> None:
    service = IdentityService(config(dev), tmp_path, environ=ENVIRON)
    dev.set_user("dewi", {"groups": ["pphp", "ppk"], "agency": PILOT_AGENCY})
    dewi, _ = sign_in(service, dev, "dewi")
    source = ProviderSource(service.config, service.validator, service.signer, "dev")

    def sync():  # type: ignore[no-untyped-def]
        return sync_roles(ledger, admin, service.signer.directory, source, grant_added=True)

    assert sync().changed == 2 and holds(ledger, "inspector", dewi.person.address)
    dev.set_user("dewi", {"groups": ["ppk"], "agency": PILOT_AGENCY})  # the provider takes the inspector group away
    assert [(a.action, a.grant) for a in sync().actions] == [("revoked", "inspector")]
    assert not holds(ledger, "inspector", dewi.person.address)
    assert holds(ledger, f"official:{PILOT_AGENCY}", dewi.person.address)
    dev.revoke_tokens("dewi")  # the account is disabled: the provider no longer vouches for her
    assert [(a.action, a.grant) for a in sync().actions] == [("revoked", f"official:{PILOT_AGENCY}")]
    assert sync().actions == []


def test_devProviderCommand_servesTheDemoPeopleUntilStopped(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "govledger", "--data-dir", str(tmp_path), "identity", "dev-provider",
               "--config", str(EXAMPLES / "identity-dev.toml"), "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{port}"
    try:
        wait_for_discovery(issuer, 30, process)
        data = tomllib.loads((EXAMPLES / "identity-dev.toml").read_text())
        data["provider"]["issuer"] = issuer
        service = IdentityService(IdentityConfig.from_dict(data), tmp_path, environ=ENVIRON)
        request = service.begin_sign_in(REDIRECT)
        callback = DevelopmentProvider(port=port).authorize(request.url, "ppk.demo")
        signed_in, _ = service.finish_sign_in(request, callback)
        assert signed_in.roles == {"official"} and signed_in.entitlements.agency == "DEMO-DPUPR-KAB-CONTOH"
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode()
    assert "DEVELOPMENT identity provider" in output
    with pytest.raises(ProviderUnreachable):  # the provider process went with the command
        wait_for_discovery(issuer, 1)


def test_developmentProvider_saysWhenItCannotStart() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        with pytest.raises(ProviderUnreachable, match="exited with"):
            DevelopmentProvider(port=taken.getsockname()[1]).start(timeout=20)
