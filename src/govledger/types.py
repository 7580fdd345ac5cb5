"""Typed values the SDK takes and returns."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from typing import NewType

Address = NewType("Address", str)  # checksummed 0x address
ContractId = NewType("ContractId", bytes)  # keccak256(ocid), the on-chain key
Sen = NewType("Sen", int)  # an amount of the settlement token: Rupiah x 100


def contract_id(ocid: str) -> ContractId:
    """The on-chain key of a contract: keccak256 of its OCDS open contracting id."""
    from eth_utils import keccak  # imported here: reads from the read model need no Ethereum libraries

    return ContractId(keccak(text=ocid))


class Labelled(enum.IntEnum):
    """An enum of the contracts' ABI whose lower-cased member names are its names everywhere: in the SDK,
    the read model's columns, the audit, error messages and the CLI (defined here, and only here)."""

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def labels(cls) -> tuple[str, ...]:
        return tuple(member.label for member in cls)

    @classmethod
    def label_of(cls, value: int | str) -> str:
        """The label of on-chain value `value`; a value this SDK does not know is shown as its number."""
        try:
            return cls(int(value)).label
        except ValueError:
            return str(value)


class Category(Labelled):
    """OCDS mainProcurementCategory, plus consulting."""

    WORKS = 0
    GOODS = 1
    SERVICES = 2
    CONSULTING = 3


class ContractStatus(Labelled):
    PENDING = 0
    ACTIVE = 1
    COMPLETED = 2
    TERMINATED = 3


class MilestoneStatus(Labelled):
    """Verification pays in the same step: a verified milestone is `paid` (its payment may then wait in
    the escrow as withdrawable)."""

    PLANNED = 0
    SUBMITTED = 1
    REJECTED = 2
    PAID = 3
    CANCELLED = 4


@dataclass(frozen=True)
class MilestoneSpec:
    """A milestone to register: its amount, due date and who verifies it (k of the listed inspectors)."""

    amount: Sen
    due: date
    inspectors: tuple[Address, ...]
    required_approvals: int = 1


@dataclass(frozen=True)
class ContractSpec:
    """The public terms of a contract to register. Personal data stays off chain: only hashes go on it."""

    ocid: str
    agency: str
    contractor: Address
    category: Category
    value: Sen
    start: date
    end: date
    document_hash: bytes = b"\0" * 32
    metadata_uri: str = ""
    milestones: tuple[MilestoneSpec, ...] = field(default_factory=tuple)
    advance_payment: Sen = Sen(0)


@dataclass(frozen=True)
class MilestoneChange:
    """An amendment's change to milestone `index` (a new one when `index` is the milestone count).

    An amount of zero cancels a milestone that has not been paid.
    """

    index: int
    amount: Sen
    due: date
    inspectors: tuple[Address, ...] = ()
    required_approvals: int = 1


@dataclass(frozen=True)
class Parameters:
    """Policy in basis points (1000 = 10%); each contract keeps the values in force at registration."""

    amendment_cap_bps: int = 1000
    works_retention_bps: int = 500
    penalty_per_day_bps: int = 10
    penalty_cap_bps: int = 500
    maintenance_period_s: int = 180 * 86400


@dataclass(frozen=True)
class Milestone:
    index: int
    amount: Sen
    due: date
    status: MilestoneStatus
    required_approvals: int
    inspectors: tuple[Address, ...]
    approved_by: tuple[Address, ...]
    round: int
    submitted_at: int | None


@dataclass(frozen=True)
class GovContract:
    id: ContractId
    ocid: str | None  # known when the SDK saw the ocid (registration, lookup by ocid)
    agency: str
    contractor: Address
    category: Category
    status: ContractStatus
    disputed: bool
    value: Sen
    original_value: Sen
    start: date
    end: date
    document_hash: bytes
    milestone_count: int
    advance_payment: Sen = Sen(0)
    closed_at: int | None = None
    amendment_count: int = 0
    settled_count: int = 0
    terms: Parameters = field(default_factory=Parameters)
    paid_value: Sen = Sen(0)  # the milestones paid so far; value - paid_value is still to pay
    dispute_count: int = 0  # disputes raised so far (DisputeRaised's `number` is this count)


@dataclass(frozen=True)
class AcceptanceTerms:
    """What a contractor accepts: every term that binds it, and the hash that commits to all of them.

    `terms_hash` is keccak256 of the ABI-encoded registration, milestones, inspectors and the policy
    `parameters` snapshotted for the contract (no retention outside works); the EIP-712 Acceptance
    (contractId, termsHash, deadline) and `accept` carry it, and the chain refuses any other hash.
    """

    spec: ContractSpec
    parameters: Parameters
    terms_hash: bytes


@dataclass(frozen=True)
class EscrowAccount:
    """Funds of one contract. Always funded = withdrawn + withdrawable + retained + refunded + held."""

    funded: Sen
    held: Sen
    withdrawable: Sen
    withdrawn: Sen
    retained: Sen = Sen(0)
    refunded: Sen = Sen(0)
    advance_paid: Sen = Sen(0)
    advance_outstanding: Sen = Sen(0)


@dataclass(frozen=True)
class Receipt:
    """An acknowledged transaction."""

    tx_hash: str
    block_number: int
    gas_used: int
    contract_address: Address | None = None  # set when the transaction deployed a contract
