"""Who pays the gas of new custodial accounts (the funded sign-in itself: tests/server/test_oidc_sign_in.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govledger.identity.config import CustodyConfig, IdentityConfig
from govledger.identity.errors import IdentityConfigError
from govledger.identity.funding import gas_funding

PROVIDER = {"issuer": "https://sso.example.go.id", "audience": "govledger"}


def test_nobody_is_funded_on_a_zero_fee_network_or_a_node_without_a_funder(tmp_path: Path) -> None:
    assert gas_funding(None, CustodyConfig(), tmp_path, embedded=True, gas_price=0) is None  # type: ignore[arg-type]
    assert gas_funding(None, CustodyConfig(), tmp_path, embedded=False) is None  # type: ignore[arg-type]


def test_a_funder_keystore_without_its_password_is_refused_naming_the_variable(tmp_path: Path) -> None:
    custody = IdentityConfig.from_dict({"provider": PROVIDER, "custody": {
        "gas_funder_keystore": "funder.json", "gas_wei": 5 * 10**16}}).custody
    assert custody.gas_wei == 5 * 10**16 and custody.gas_funder_keystore == Path("funder.json")
    with pytest.raises(IdentityConfigError, match=r"funder.json is not set: put it in \$GOVLEDGER_GAS_FUNDER_PASSWORD"):
        gas_funding(None, custody, tmp_path, embedded=False, environ={})  # type: ignore[arg-type]


def test_a_gas_amount_out_of_range_is_refused() -> None:
    with pytest.raises(IdentityConfigError, match="custody.gas_wei must be a number"):
        IdentityConfig.from_dict({"provider": PROVIDER, "custody": {"gas_wei": 0}})
