"""Shared fixtures: one deployed in-memory ledger per session, rewound to a snapshot for every test.

Fixtures are named by role (admin, official, contractor, inspectors), as the people who act.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from eth_account.signers.local import LocalAccount

from govledger.accounts import demo_accounts
from govledger.ledger import Ledger
from govledger.pilot import PILOT_AGENCY, setup_roles
from govledger.types import Category, ContractSpec, MilestoneSpec, Sen

from chain_support import NETWORK, ChainControl, fund_accounts, running_anvil

ACCOUNTS = demo_accounts()
OCID = "ocds-test01-0001"
# Test contracts are planned two years ahead of today, so the real clock never makes them late.
YEAR = date.today().year + 2


@pytest.fixture(scope="session")
def _deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    """The suite on the in-memory embedded chain, or on a real anvil node with GOVLEDGER_TEST_CHAIN=anvil."""
    if NETWORK == "anvil":
        with running_anvil() as url:
            fund_accounts(Ledger.open(None, rpc_url=url).w3, [a.address for a in ACCOUNTS.values()])
            manifest = tmp_path_factory.mktemp("anvil") / "deployment.json"
            with Ledger.open(None, rpc_url=url, manifest=manifest) as ledger:
                ledger.deploy(ACCOUNTS["admin"], ACCOUNTS["treasury"].address)
                setup_roles(ledger)
                yield ledger
        return
    ledger = Ledger.open(None)
    ledger.deploy(ACCOUNTS["admin"], ACCOUNTS["treasury"].address)
    setup_roles(ledger)
    yield ledger
    ledger.close()


@pytest.fixture
def chain(_deployed: Ledger) -> ChainControl:
    """Snapshots and clock moves on whichever chain the tests run."""
    return ChainControl(_deployed.w3)


@pytest.fixture
def ledger(_deployed: Ledger, chain: ChainControl) -> Iterator[Ledger]:
    """A deployed ledger with the pilot agency enabled and demo roles appointed; rewound after the test."""
    snapshot = chain.snapshot()
    yield _deployed
    chain.revert(snapshot)


@pytest.fixture
def admin() -> LocalAccount:
    return ACCOUNTS["admin"]


@pytest.fixture
def treasury() -> LocalAccount:
    return ACCOUNTS["treasury"]


@pytest.fixture
def official() -> LocalAccount:
    return ACCOUNTS["official"]


@pytest.fixture
def contractor() -> LocalAccount:
    return ACCOUNTS["contractor"]


@pytest.fixture
def stranger() -> LocalAccount:
    """An account with no role at all (the demo auditor only reads)."""
    return ACCOUNTS["auditor"]


@pytest.fixture
def inspectors() -> list[LocalAccount]:
    return [ACCOUNTS[f"inspector{i}"] for i in (1, 2, 3)]


def make_spec(ocid: str = OCID, *, value: int | None = None, amounts: tuple[int, ...] = (400_000_00, 600_000_00),
              approvals: int = 2, category: Category = Category.GOODS) -> ContractSpec:
    """A contract of the pilot agency with the demo contractor and all three demo inspectors; its value
    is the milestones' total unless given (the registry refuses any other)."""
    inspectors = tuple(ACCOUNTS[f"inspector{i}"].address for i in (1, 2, 3))
    return ContractSpec(
        ocid=ocid, agency=PILOT_AGENCY, contractor=ACCOUNTS["contractor"].address, category=category,
        value=Sen(sum(amounts) if value is None else value), start=date(YEAR, 1, 1), end=date(YEAR + 1, 12, 31), document_hash=b"\x11" * 32,
        milestones=tuple(MilestoneSpec(Sen(a), date(YEAR, 1 + i % 12, 1), inspectors, approvals)
                         for i, a in enumerate(amounts)),
    )


@pytest.fixture
def active_contract(ledger: Ledger, official: LocalAccount, contractor: LocalAccount) -> str:
    """A registered, accepted and fully funded contract; returns its ocid."""
    spec = make_spec()
    ledger.register(official, spec)
    ledger.accept(contractor, spec.ocid)
    ledger.fund(official, spec.ocid, spec.value)
    return spec.ocid
