"""The identity configuration: read once, checked at once, mapping claims to ledger roles."""

from __future__ import annotations

from pathlib import Path

import pytest

from govledger.identity.config import Entitlements, IdentityConfig
from govledger.identity.errors import IdentityConfigError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "identity.toml"


def config(**provider: object) -> IdentityConfig:
    settings = {"issuer": "https://sso.example.go.id", "audience": "govledger", **provider}
    return IdentityConfig.from_dict({"provider": settings, "roles": {"ppk": "official", "pphp": ["inspector", "auditor"]},
                                     "claims": {"groups": "realm_access.roles"}})


def test_exampleFileLoads() -> None:
    example = IdentityConfig.load(EXAMPLE)
    assert not example.development and example.provider.algorithms == ("RS256", "ES256")
    assert example.claims.roles["govledger-pphp"] == ("inspector",)
    assert example.provider.client_id == "govledger" and example.sync_grants is False


def test_entitlements_mapGroupsToRolesAndReadTheAgency() -> None:
    claims = {"realm_access": {"roles": ["ppk", "pphp", "unmapped"]}, "agency": "DEMO-DPUPR"}
    assert config().entitlements(claims) == Entitlements(frozenset({"official", "inspector", "auditor"}), "DEMO-DPUPR")
    assert config().entitlements({"sub": "x"}) == Entitlements(frozenset(), None)
    assert config().entitlements({"realm_access": {"roles": "ppk"}}).roles == {"official"}


@pytest.mark.parametrize(("provider", "message"), [
    ({"algorithms": ["HS256"]}, "refused: \\['HS256'\\]"),
    ({"algorithms": ["none"]}, "refused: \\['none'\\]"),
    ({"algorithms": []}, "empty list"),
    ({"issuer": "http://sso.example.go.id"}, "plain http"),
    ({"issuer": "http://127.0.0.1:9400"}, "plain http"),  # loopback http only in development
    ({"issuer": "ftp://x"}, "must be an https URL"),
    ({"leeway_seconds": 3600}, "leeway_seconds must be a number from 0 to 300"),
    ({"audience": ""}, "audience must be a non-empty string"),
    ({"colour": "blue"}, "unknown setting provider.colour"),
])
def test_load_refusesUnsafeOrMalformedProviderSettings(provider: dict, message: str) -> None:
    with pytest.raises(IdentityConfigError, match=message):
        config(**provider)


def test_developmentExampleLoads() -> None:
    example = IdentityConfig.load(EXAMPLE.with_name("identity-dev.toml"))
    assert example.development and example.provider.secret({}) == "development" and example.sync_grants


def test_load_refusesAClientSecretInTheFileInProduction() -> None:
    with pytest.raises(IdentityConfigError, match="client_secret is for development only"):
        config(client_secret="s3cret")
    assert config(client_secret_env="SECRET").provider.secret({"SECRET": "from-env"}) == "from-env"


def test_load_allowsALoopbackHttpProviderInDevelopmentOnly() -> None:
    data = {"mode": "development", "provider": {"issuer": "http://127.0.0.1:9400", "audience": "govledger"}}
    assert IdentityConfig.from_dict(data).development


@pytest.mark.parametrize(("data", "message"), [
    ({"mode": "staging"}, "mode must be one of production, development"),
    ({"roles": {"ppk": "mayor"}}, "roles.ppk names \\['mayor'\\]"),
    ({"sync": {"grant": "yes"}}, "sync.grant must be true or false"),
    ({"extra": 1}, "unknown setting extra"),
])
def test_load_refusesBadSettings(data: dict, message: str) -> None:
    with pytest.raises(IdentityConfigError, match=message):
        IdentityConfig.from_dict({"provider": {"issuer": "https://sso.example.go.id", "audience": "a"}, **data})


def test_load_saysWhichFileIsMissingOrBroken(tmp_path: Path) -> None:
    with pytest.raises(IdentityConfigError, match="no identity configuration at"):
        IdentityConfig.load(tmp_path / "nope.toml")
    (tmp_path / "bad.toml").write_text("mode = ")
    with pytest.raises(IdentityConfigError, match="bad.toml is not valid TOML"):
        IdentityConfig.load(tmp_path / "bad.toml")
    with pytest.raises(IdentityConfigError, match="cannot be read"):
        IdentityConfig.load(tmp_path)  # a directory
    (tmp_path / "empty.toml").write_text("")
    with pytest.raises(IdentityConfigError, match="needs a \\[provider\\] table"):
        IdentityConfig.load(tmp_path / "empty.toml")
