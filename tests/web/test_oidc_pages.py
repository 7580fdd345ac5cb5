"""Sign-in through the pages with a real OpenID provider process (the development one): the code flow with
PKCE, the person's roles from the provider's groups, and their actions signed by their custodial key and
checked on chain."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient

from govledger.accounts import demo_account
from govledger.app import App
from govledger.identity.config import IdentityConfig
from govledger.identity.devprovider import DevelopmentProvider
from govledger.identity.service import IdentityService
from govledger.pilot import PILOT_AGENCY
from govledger.server import ServerSettings, create_app
from govledger.server.identity_auth import IdentityAuthenticator

from .conftest import csrf_of

pytestmark = pytest.mark.slow
ENVIRON = {"GOVLEDGER_SERVER_KEY": "server-key-for-tests-only-" + "y" * 20, "DEV_CLIENT_SECRET": "dev"}


@pytest.fixture(scope="module")
def provider() -> Iterator[DevelopmentProvider]:
    people = [{"sub": "sari", "name": "Sari Auditor", "groups": ["apip"]},
              {"sub": "budi", "name": "Budi PPK", "groups": ["ppk"], "agency": PILOT_AGENCY}]
    with DevelopmentProvider(people) as dev:
        yield dev


@pytest.fixture(scope="module")
def client(provider: DevelopmentProvider, pilot_app: App,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    config = IdentityConfig.from_dict({
        "mode": "development", "provider": {"issuer": provider.issuer, "audience": "govledger",
                                            "client_secret_env": "DEV_CLIENT_SECRET"},
        "roles": {"apip": "auditor", "ppk": "official"}})
    service = IdentityService(config, tmp_path_factory.mktemp("oidc"), environ=ENVIRON)
    app = App(pilot_app.ledger, signer=service.signer, engine=pilot_app.engine)
    api = create_app(app, ServerSettings(), IdentityAuthenticator(service), follow_chain=False)
    with TestClient(api, raise_server_exceptions=False, follow_redirects=False) as test_client:
        yield test_client


def sign_in(client: TestClient, provider: DevelopmentProvider, subject: str) -> None:
    start = client.get("/signin/start")
    assert start.status_code == 303 and start.headers["location"].startswith(provider.issuer)
    back = urlparse(provider.authorize(start.headers["location"], subject))
    done = client.get(f"{back.path}?{back.query}")
    assert done.status_code == 303, done.text


def test_the_sign_in_page_offers_the_provider_and_no_demo_accounts(client: TestClient) -> None:
    page = client.get("/signin").text
    assert 'href="/signin/start"' in page and "signin-official" not in page
    assert "PENGEMBANGAN" in page  # the development provider is marked as such


def test_a_person_signs_in_with_the_code_flow_and_gets_the_roles_of_their_groups(
        client: TestClient, provider: DevelopmentProvider) -> None:
    sign_in(client, provider, "sari")
    page = client.get("/auditor")
    assert page.status_code == 200 and "Sari Auditor" in page.text
    assert client.get("/official").status_code == 403


def test_an_official_signed_in_through_the_provider_is_refused_on_chain_without_the_role_there(
        client: TestClient, provider: DevelopmentProvider) -> None:
    sign_in(client, provider, "budi")
    _gas_for(client, "Budi PPK")
    page = client.get("/contract/ocds-demo01-2026-PUPR-001").text  # his agency's contract: he sees it as official
    answer = client.post("/contract/ocds-demo01-2026-PUPR-001/fund", data={"csrf": csrf_of(page), "amount": "1.000"})
    assert answer.status_code == 303
    # his custodial account holds no official role on chain yet: the chain refuses, the page says so
    shown = client.get("/contract/ocds-demo01-2026-PUPR-001").text
    assert "Ditolak" in shown and "not an official" in shown, shown[shown.find("flash"):][:300]


def _gas_for(client: TestClient, name: str) -> None:
    """Ether for the person's custodial account to pay gas with (identity sync's grant step does this too)."""
    service = client.app.state.authenticator.service  # type: ignore[attr-defined]
    person = next(p for p in service.signer.directory.people().values() if p.name == name)
    ledger, admin = client.app.state.server.ledger, demo_account("admin")  # type: ignore[attr-defined]
    gas = {"to": person.address, "value": 10**20, "gas": 21000, "gasPrice": 10**9, "chainId": ledger.w3.eth.chain_id,
           "nonce": ledger.w3.eth.get_transaction_count(admin.address)}
    ledger.w3.eth.send_raw_transaction(admin.sign_transaction(gas).raw_transaction)


def test_a_callback_without_a_started_sign_in_is_refused(client: TestClient) -> None:
    client.cookies.clear()
    answer = client.get("/signin/callback?code=x&state=y")
    assert answer.status_code == 400


def test_a_callback_with_another_state_is_refused(client: TestClient, provider: DevelopmentProvider) -> None:
    client.cookies.clear()
    start = client.get("/signin/start")
    back = urlparse(provider.authorize(start.headers["location"], "sari"))
    forged = back.query.replace("state=", "state=x")
    assert client.get(f"{back.path}?{forged}").status_code == 401
