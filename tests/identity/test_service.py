"""The identity service with bearer tokens: enrols on first sign-in, records role changes, no write per request."""

from __future__ import annotations

from pathlib import Path

import pytest

from govledger.identity.config import IdentityConfig
from govledger.identity.errors import CustodyError, InvalidClaim, TokenExpired
from govledger.identity.service import IdentityService

from .local_provider import LocalProvider

ENVIRON = {"GOVLEDGER_SERVER_KEY": "t" * 40}


def service(provider: LocalProvider, data_dir: Path) -> IdentityService:
    config = IdentityConfig.from_dict({"mode": "development", "provider": {
        "issuer": provider.issuer, "audience": "govledger", "leeway_seconds": 0},
        "roles": {"pphp": "inspector", "apip": "auditor"}})
    return IdentityService(config, data_dir, environ=ENVIRON)


def test_authenticate_enrolsOnFirstSignInAndRecordsRoleChanges(provider: LocalProvider, tmp_path: Path) -> None:
    identity = service(provider, tmp_path)
    first = identity.authenticate(provider.token())
    directory = tmp_path / "identity" / "people.json"
    written = directory.stat().st_mtime_ns
    assert identity.authenticate(provider.token()).person.address == first.person.address
    assert directory.stat().st_mtime_ns == written  # an unchanged person costs no write
    changed = identity.authenticate(provider.token(groups=["apip"]))
    assert changed.roles == {"auditor"} and identity.signer.directory.get(first.who).roles == ("auditor",)


def test_authenticate_refusesBeforeEnrollingAnyone(provider: LocalProvider, tmp_path: Path) -> None:
    with pytest.raises(TokenExpired):
        service(provider, tmp_path).authenticate(provider.token(exp=1))
    assert not (tmp_path / "identity" / "people.json").exists()


def test_service_needsTheServerKey(provider: LocalProvider, tmp_path: Path) -> None:
    config = IdentityConfig.from_dict({"mode": "development", "provider": {"issuer": provider.issuer, "audience": "a"}})
    with pytest.raises(CustodyError, match="no server key"):
        IdentityService(config, tmp_path, environ={})


def test_authenticate_refusesAnOfficialWhoseAgencyIsNoAgencyCode(provider: LocalProvider, tmp_path: Path) -> None:
    config = IdentityConfig.from_dict({"mode": "development", "provider": {"issuer": provider.issuer, "audience": "govledger"},
                                       "roles": {"ppk": "official"}})
    with pytest.raises(InvalidClaim, match="'agency' claim of 'alice'"):
        IdentityService(config, tmp_path, environ=ENVIRON).authenticate(provider.token(groups=["ppk"], agency="x" * 40))
