"""The server against a real OpenID provider process (the development one): a person signs in with the
code flow, acts through the API with their ID token as bearer, signed by their custodial key; when the
provider takes their role away and `identity sync` revokes it on chain, their next action is refused on
chain although their token is still valid."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from govledger.accounts import demo_account
from govledger.app import App
from govledger.cli import serve_cli
from govledger.cli._context import AppContext
from govledger.identity.devprovider import DevelopmentProvider
from govledger.identity.service import IdentityService
from govledger.identity.sync import ProviderSource, sync_roles
from govledger.pilot import PILOT_AGENCY
from govledger.server import ServerSettings, create_app
from govledger.server.identity_auth import IdentityAuthenticator

from .conftest import contract_body, open_app

pytestmark = pytest.mark.slow
REDIRECT = "http://127.0.0.1:1/signed-in"
ENVIRON = {"GOVLEDGER_SERVER_KEY": "server-key-for-tests-only-" + "x" * 20, "DEV_CLIENT_SECRET": "dev"}


@pytest.fixture(scope="module")
def dev() -> Iterator[DevelopmentProvider]:
    with DevelopmentProvider([{"sub": "budi", "name": "Budi", "groups": ["ppk"], "agency": PILOT_AGENCY}]) as provider:
        yield provider


@pytest.fixture(scope="module")
def world(dev: DevelopmentProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, IdentityService]]:
    data_dir = tmp_path_factory.mktemp("oidc")
    (data_dir / "identity.toml").write_text(
        f'mode = "development"\n[provider]\nissuer = "{dev.issuer}"\naudience = "govledger"\n'
        'client_secret_env = "DEV_CLIENT_SECRET"\n[roles]\nppk = "official"\n[sync]\ngrant = true\n')
    demo = open_app(data_dir)
    # The identity service exactly as `govledger serve` builds it on the embedded chain: each new custodial
    # account is funded with gas by the demo treasury; the test pays no gas itself.
    with pytest.MonkeyPatch.context() as env:
        for name, value in ENVIRON.items():
            env.setenv(name, value)
        authenticator, signer = serve_cli.identity_for(data_dir / "identity.toml", AppContext(data_dir, None, None), demo)
        service = authenticator.service
    app = App(demo.ledger, signer=signer, engine=demo.engine)  # the same ledger, custodial keys
    yield app, service
    app.close()
    demo.engine.dispose()


def test_sign_in_act_and_be_refused_on_chain_once_the_provider_removes_the_role(
        world: tuple[App, IdentityService], dev: DevelopmentProvider) -> None:
    app, service = world
    request = service.begin_sign_in(REDIRECT)
    signed_in, tokens = service.finish_sign_in(request, dev.authorize(request.url, "budi"))
    account = signed_in.person.address
    ledger, admin = app.ledger, demo_account("admin")
    source = ProviderSource(service.config, service.validator, service.signer, "dev")
    sync_roles(ledger, admin, service.signer.directory, source, grant_added=True)  # official of the pilot agency
    assert ledger.w3.eth.get_balance(account) == service.config.custody.gas_wei  # funded at enrollment

    api = create_app(app, ServerSettings(), IdentityAuthenticator(service), follow_chain=False)
    bearer = {"Authorization": f"Bearer {tokens.id_token}"}
    with TestClient(api) as client:
        me = client.get("/api/v1/me", headers=bearer).json()
        assert me["account"] == account and me["roles"] == ["official"] and me["development"] is True
        r = client.post("/api/v1/contracts", json=contract_body("ocds-demo01-2026-OIDC-1"), headers=bearer)
        assert r.status_code == 200, r.text
        log = client.get("/api/v1/activity", params={"target": "ocds-demo01-2026-OIDC-1"},
                         headers={"Authorization": "Bearer " + tokens.id_token})
        assert log.status_code == 403  # an official is no auditor

        dev.set_user("budi", {"groups": [], "agency": PILOT_AGENCY})  # the provider takes the role away
        report = sync_roles(ledger, admin, service.signer.directory, source)
        assert [a.action for a in report.actions] == ["revoked"]
        r = client.post("/api/v1/contracts", json=contract_body("ocds-demo01-2026-OIDC-2"), headers=bearer)
        assert r.status_code == 403, r.text  # the token still says official; the chain says no
        assert r.json()["code"] == "contract_reverted"
        assert client.get("/api/v1/contracts/ocds-demo01-2026-OIDC-2").status_code == 404


def test_an_account_nobody_funded_is_told_it_has_no_gas(
        world: tuple[App, IdentityService], dev: DevelopmentProvider, tmp_path: Path) -> None:
    app, funded = world
    service = IdentityService(funded.config, tmp_path, environ=ENVIRON)  # no funder: a node without one
    dev.set_user("budi", {"groups": ["ppk"], "agency": PILOT_AGENCY})
    request = service.begin_sign_in(REDIRECT)
    signed_in, tokens = service.finish_sign_in(request, dev.authorize(request.url, "budi"))
    source = ProviderSource(service.config, service.validator, service.signer, "dev")
    sync_roles(app.ledger, demo_account("admin"), service.signer.directory, source, grant_added=True)
    unfunded = App(app.ledger, signer=service.signer, engine=app.engine)

    api = create_app(unfunded, ServerSettings(), IdentityAuthenticator(service), follow_chain=False)
    with TestClient(api) as client:
        r = client.post("/api/v1/contracts", json=contract_body("ocds-demo01-2026-OIDC-3"),
                        headers={"Authorization": f"Bearer {tokens.id_token}"})
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "no_gas"
    assert r.json()["message"].startswith(f"your account has no gas: {signed_in.person.address} cannot pay")
