"""The identity service plugs in as the authenticator: its refusals become 401/403/503 in the API's shape,
and a signed-in person signs with the key the service's signer holds for them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from govledger.app import App
from govledger.identity.errors import (
    MalformedToken,
    NotEntitled,
    ProviderUnreachable,
    TokenExpired,
    UnsignedToken,
    WrongAudience,
)
from govledger.server import ProductionConfigError, ServerSettings, create_app
from govledger.server.identity_auth import IdentityAuthenticator

from .conftest import auth


@dataclass(frozen=True)
class SignedIn:
    who: str
    roles: frozenset[str]


class FakeService:
    """Stands in for `govledger.identity.service.IdentityService` (its `authenticate` contract)."""

    development = False

    def authenticate(self, token: str) -> SignedIn:
        refusals = {"expired": TokenExpired("the token expired at 2026-12-01 10:00 UTC"),
                    "none": UnsignedToken("unsigned tokens (alg none) are refused"),
                    "aud": WrongAudience("the token is for another audience"),
                    "gone": NotEntitled("the provider no longer grants this person a ledger role"),
                    "down": ProviderUnreachable("the identity provider did not answer")}
        if token in refusals:
            raise refusals[token]
        if token != "good":
            raise MalformedToken(f"not a JWT: {token[:20]!r}")
        return SignedIn(who="official", roles=frozenset({"official"}))


@pytest.fixture(scope="module")
def oidc_client(app: App) -> TestClient:
    api = create_app(app, ServerSettings(production=True), IdentityAuthenticator(FakeService()), follow_chain=False)
    with TestClient(api) as client:
        yield client


@pytest.mark.parametrize(("token", "status", "code"), [
    ("expired", 401, "invalid_token"), ("none", 401, "invalid_token"), ("aud", 401, "invalid_token"),
    ("gone", 403, "not_entitled"), ("down", 503, "identity_provider_unavailable"),
])
def test_refused_tokens(oidc_client: TestClient, token: str, status: int, code: str) -> None:
    r = oidc_client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == status and r.json()["code"] == code and r.json()["message"]


def test_a_valid_token_signs_as_the_person(oidc_client: TestClient) -> None:
    r = oidc_client.get("/api/v1/me", headers={"Authorization": "Bearer good"})
    assert r.status_code == 200 and r.json()["roles"] == ["official"] and r.json()["development"] is False
    assert "x-govledger-identity" not in r.headers


def test_development_tokens_mean_nothing_in_production(oidc_client: TestClient) -> None:
    r = oidc_client.get("/api/v1/me", headers=auth("admin"))
    assert r.status_code == 401


def test_a_development_identity_configuration_is_refused_in_production(app: App) -> None:
    service = FakeService()
    service.development = True  # type: ignore[misc]
    with pytest.raises(ProductionConfigError):
        create_app(app, ServerSettings(production=True), IdentityAuthenticator(service))
