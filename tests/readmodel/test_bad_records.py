"""A record the chain kept before validation existed (blank, huge, control characters, bytes that are not
UTF-8) is indexed, stored on SQLite and PostgreSQL alike, and listed marked, never failing the listing; and
every status and category the read model stores is a name of the SDK's enums."""

from __future__ import annotations

import pytest
from eth_utils import keccak
from sqlalchemy import Engine

from govledger.readmodel import Indexer, list_contracts, open_read_model
from govledger.readmodel.projections import shown_ocid
from govledger.types import Category, ContractStatus, MilestoneStatus

from .fakechain import FakeChain, fake_deployment, log_of, registered

BAD = [b"", b"   ", b"x" * 5000, b"ocds-abc123-\x00\x07\x1b[31m", b"ocds-abc123-\xff\xfe"]


def bad_chain() -> FakeChain:
    chain = FakeChain()
    chain.mine(registered("ocds-abc123-good"), *(registered(raw) for raw in BAD))
    return chain


def check_listing(engine: Engine) -> None:
    Indexer(bad_chain(), fake_deployment(), engine).sync()  # type: ignore[arg-type]
    rows = {r["contract_id"]: r for r in list_contracts(engine)}
    assert len(rows) == 1 + len(BAD)
    good = rows["0x" + keccak(b"ocds-abc123-good").hex()]
    assert (good["ocid"], good["ocid_valid"]) == ("ocds-abc123-good", True)
    shown = {raw: rows["0x" + keccak(raw).hex()] for raw in BAD}
    assert all(row["ocid_valid"] is False for row in shown.values())
    assert shown[b"x" * 5000]["ocid"] == "x" * 5000
    assert shown[b"ocds-abc123-\x00\x07\x1b[31m"]["ocid"] == "ocds-abc123-\\x00\\x07\\x1b[31m"
    assert shown[b"ocds-abc123-\xff\xfe"]["ocid"] == "ocds-abc123-\\xff\\xfe"
    assert all(row["ocid"].isprintable() for row in rows.values())


def test_badOcidsOnChain_areListedMarkedOnSqlite() -> None:
    check_listing(open_read_model("sqlite://"))


def test_badOcidsOnChain_areListedMarkedOnPostgres(pg_engine: Engine) -> None:
    check_listing(pg_engine)  # PostgreSQL refuses NUL in text: the escaped form is what is stored


@pytest.mark.parametrize(("ocid", "valid"), [
    ("ocds-abc123-ok", True), ("ocds-ab-short-prefix", False), ("ocds-abc123-tab\there", False), ("", False),
])
def test_shownOcid_appliesTheSdksRulesAndTheHash(ocid: str, valid: bool) -> None:
    assert shown_ocid(ocid, "0x" + keccak(text=ocid).hex())[1] is valid
    assert shown_ocid("ocds-abc123-ok", "0x" + keccak(text="ocds-abc123-other").hex())[1] is False


def test_storedStatusesAndCategories_areTheSdkEnumsNames() -> None:
    chain, cid = FakeChain(), keccak(b"ocds-abc123-names")
    mv = "MilestoneVerifier"
    chain.mine(registered("ocds-abc123-names"),
               log_of("ContractRegistry", "ContractAccepted", id=cid),
               log_of(mv, "MilestoneRegistered", id=cid, index=0, amount=10, requiredApprovals=1),
               log_of(mv, "MilestoneRegistered", id=cid, index=1, amount=10, requiredApprovals=1),
               log_of(mv, "MilestoneSubmitted", id=cid, index=0, round=1),
               log_of(mv, "MilestoneVerified", id=cid, index=0, amount=10),  # paid in the same transaction
               log_of(mv, "MilestoneSubmitted", id=cid, index=1, round=1),
               log_of(mv, "MilestoneRejected", id=cid, index=1))
    engine = open_read_model("sqlite://")
    Indexer(chain, fake_deployment(), engine).sync()  # type: ignore[arg-type]
    with engine.connect() as conn:
        contract = conn.exec_driver_sql("SELECT status, category FROM contracts").one()
        milestones = [s for (s,) in conn.exec_driver_sql("SELECT status FROM milestones ORDER BY idx")]
    assert contract == (ContractStatus.ACTIVE.label, Category.WORKS.label)
    assert milestones == [MilestoneStatus.PAID.label, MilestoneStatus.REJECTED.label]
    assert set(milestones) <= set(MilestoneStatus.labels()) and "verified" not in MilestoneStatus.labels()
