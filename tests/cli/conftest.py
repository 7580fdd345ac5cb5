"""A ledger initialised once per test module, reopened by every CLI call.

With GOVLEDGER_TEST_CHAIN=anvil the commands run against a real anvil node (through
GOVLEDGER_RPC_URL), with the manifest in the same data directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from web3 import Web3

from govledger.accounts import demo_accounts

from chain_support import NETWORK, fund_accounts, running_anvil

from .helpers import ok


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("ledger")
    if NETWORK != "anvil":
        ok(path, "init")
        yield path
        return
    with running_anvil() as url, pytest.MonkeyPatch.context() as env:
        fund_accounts(Web3(Web3.HTTPProvider(url)), [a.address for a in demo_accounts().values()])
        env.setenv("GOVLEDGER_RPC_URL", url)
        ok(path, "init")
        yield path
