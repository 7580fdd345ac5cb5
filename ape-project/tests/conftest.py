"""Role-named test accounts and the deployed suite. ape reverts the chain after every test, so the suite
is deployed once per session and each test starts from the state the fixtures built."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from eth_utils import keccak
from ledger_suite import PILOT_AGENCY, agency_id, appoint, deploy_suite

AGENCY = agency_id(PILOT_AGENCY)
GOODS = 1  # Category.Goods: no retention, so the contractor receives a milestone's whole amount
VALUE = 1_000_000_00  # Rp 1,000,000.00 in sen
OCID = "ocds-govledger-ape-0001"
DAY = 86_400


def _test_account(role: str, index: int):
    @pytest.fixture(scope="session", name=role)
    def account(accounts):
        return accounts[index]
    return account


ROLES = ("admin", "official", "contractor", "inspector", "arbiter", "stranger")  # ape test accounts 0-5
admin, official, contractor, inspector, arbiter, stranger = (_test_account(r, i) for i, r in enumerate(ROLES))


@pytest.fixture(scope="session")
def suite(admin, official, inspector, arbiter):
    """Deployed and wired; the agency allowlisted; the official holds VALUE tokens approved to the escrow."""
    deployed = deploy_suite(admin, treasury=admin.address)
    appoint(deployed, admin, AGENCY, official=official.address, inspectors=[inspector.address],
            arbiter=arbiter.address, pauser=admin.address)
    deployed.token.mint(official, VALUE, sender=admin)
    deployed.token.approve(deployed.escrow, VALUE, sender=official)
    return deployed


@pytest.fixture(scope="session")
def registry(suite):
    return suite.registry


@dataclass
class Registration:
    """One contract's registration, fields changeable per test; `args()` gives register()'s arguments."""

    contractor: str
    inspectors: list[str]
    start: int
    ocid: str = OCID
    agency: bytes = AGENCY
    category: int = GOODS
    value: int = VALUE
    advance: int = 0
    document: bytes = keccak(text="contract document")
    uri: str = "ipfs://contract"
    end: int = 0
    milestones: list[tuple] | None = None

    def __post_init__(self) -> None:
        self.end = self.end or self.start + 90 * DAY
        if self.milestones is None:  # one milestone for the whole value, due in 60 days, approved by inspector 0
            self.milestones = [(self.value, self.start + 60 * DAY, 1, 0b1)]

    def args(self) -> tuple:
        reg = (self.ocid, self.agency, self.contractor, self.category, self.value, self.advance,
               self.start, self.end, self.document, self.uri)
        return reg, self.milestones, self.inspectors


@pytest.fixture
def registration(chain, contractor, inspector) -> Registration:
    return Registration(contractor=contractor.address, inspectors=[inspector.address], start=chain.pending_timestamp)


@pytest.fixture
def contract_id(registry, registration, official):
    """The id of the registered, still pending contract."""
    registry.register(*registration.args(), sender=official)
    return keccak(text=registration.ocid)


@pytest.fixture
def active_id(registry, contract_id, contractor):
    """The id of the contract once the contractor accepted its terms."""
    registry.accept(contract_id, registry.termsHash(contract_id), sender=contractor)
    return contract_id


@pytest.fixture
def fast(chain):
    """`fast(contract.method, *args, sender=account)`: a set-up step sent straight through the provider's web3,
    without ape's receipt handling (a third of the time on ape's test network), for loops of hundreds of
    steps. What a test asserts still goes through ape."""
    w3 = chain.provider.web3

    def send(method, *args, sender):
        w3.eth.send_transaction({"from": sender.address, "to": method.contract.address,
                                 "data": method.encode_input(*args), "gas": 500_000})
    return send
