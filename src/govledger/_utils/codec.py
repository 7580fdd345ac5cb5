"""Between the SDK's typed values and the tuples the contracts' ABI takes and returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timezone
from typing import Any

from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address

from ..errors import GovLedgerValueError
from ..ocid import check_metadata_uri, check_ocid
from ..roles import agency_code, agency_id
from ..types import (
    Address, Category, ContractId, ContractSpec, ContractStatus, EscrowAccount, GovContract, Milestone,
    MilestoneChange, MilestoneSpec, MilestoneStatus, Parameters, Sen,
)


def timestamp(day: date) -> int:
    """A date as the on-chain timestamp of its midnight UTC."""
    return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp())


def day(ts: int) -> date:
    return datetime.fromtimestamp(ts, tz=timezone.utc).date()


def hash32(value: bytes) -> bytes:
    if len(value) != 32:
        raise GovLedgerValueError(f"expected a 32-byte hash, got {len(value)} bytes")
    return value


def inspector_list(milestones: Sequence[MilestoneSpec]) -> list[Address]:
    """The contract's inspectors: every inspector named by a milestone, in first-seen order."""
    inspectors: list[Address] = []
    for m in milestones:
        for i in m.inspectors:
            if to_checksum_address(i) not in inspectors:
                inspectors.append(Address(to_checksum_address(i)))
    return inspectors


MAX_INSPECTORS = 16  # a milestone's inspector set is a 16-bit mask on chain
MAX_MILESTONES = 64
_UINT96 = 2**96


def mask(inspectors: Sequence[Address], chosen: Sequence[str]) -> int:
    """The bitmask of `chosen` among the contract's `inspectors`; each named once."""
    checksummed = [to_checksum_address(i) for i in chosen]
    if len(set(checksummed)) != len(checksummed):
        raise GovLedgerValueError(f"an inspector is named twice in {checksummed}")
    try:
        bits = 0
        for address in checksummed:
            bits |= 1 << inspectors.index(Address(address))
        return bits
    except ValueError:
        raise GovLedgerValueError(f"an inspector of {checksummed} is not assigned to the contract") from None


def _check_ranges(spec: ContractSpec, inspectors: Sequence[Address]) -> None:
    """Refuse what the ABI cannot carry before anything is sent (the contract checks the rest)."""
    if len(inspectors) > MAX_INSPECTORS:
        raise GovLedgerValueError(f"a contract can have at most {MAX_INSPECTORS} inspectors, {len(inspectors)} given")
    if len(spec.milestones) > MAX_MILESTONES:
        raise GovLedgerValueError(f"a contract can have at most {MAX_MILESTONES} milestones")
    for name, amount in [("value", spec.value), ("advance payment", spec.advance_payment),
                         *[(f"milestone {i} amount", m.amount) for i, m in enumerate(spec.milestones)]]:
        if not 0 <= amount < _UINT96:
            raise GovLedgerValueError(f"the {name} {amount} is out of range (0 to 2**96 - 1 sen)")
    for i, m in enumerate(spec.milestones):
        if not 0 <= m.required_approvals <= 255:
            raise GovLedgerValueError(f"milestone {i} requires {m.required_approvals} approvals (0 to 255)")


def registration(spec: ContractSpec) -> tuple[tuple[Any, ...], list[tuple[int, ...]], list[Address]]:
    """A ContractSpec as `register`'s arguments: the registration, milestone inputs and inspectors."""
    check_ocid(spec.ocid)  # kept on chain for ever: refused here, by the rules the reads apply
    check_metadata_uri(spec.metadata_uri)
    inspectors = inspector_list(spec.milestones)
    _check_ranges(spec, inspectors)
    milestones = [(m.amount, timestamp(m.due), m.required_approvals, mask(inspectors, m.inspectors))
                  for m in spec.milestones]
    return (
        (spec.ocid, agency_id(spec.agency), to_checksum_address(spec.contractor), int(spec.category), spec.value,
         spec.advance_payment, timestamp(spec.start), timestamp(spec.end), spec.document_hash, spec.metadata_uri),
        milestones,
        inspectors,
    )


# The ABI types of what the terms hash commits to: ContractRegistry.termsHashOf(registration,
# milestones, inspectors, terms) = keccak256(abi.encode(...)).
_TERMS_TYPES = ("(string,bytes32,address,uint8,uint96,uint96,uint40,uint40,bytes32,string)",
                "(uint96,uint40,uint8,uint16)[]", "address[]", "(uint16,uint16,uint16,uint16,uint32)")


def contract_parameters(category: Category, policy: Parameters) -> Parameters:
    """The policy a contract registered now keeps: `policy`, without retention outside works."""
    return policy if category == Category.WORKS else replace(policy, works_retention_bps=0)


def terms_hash(registration: Sequence[Any], milestones: Sequence[Sequence[int]], inspectors: Sequence[str],
               parameters: Sequence[int]) -> bytes:
    """The hash the contractor accepts, computed as the registry does (`termsHashOf`)."""
    return keccak(abi_encode(list(_TERMS_TYPES), [tuple(registration), [tuple(m) for m in milestones],
                                                  [to_checksum_address(a) for a in inspectors], tuple(parameters)]))


def spec_terms_hash(spec: ContractSpec, policy: Parameters) -> bytes:
    """The terms hash of registering `spec` while `policy` is in force."""
    return terms_hash(*registration(spec), parameters_tuple(contract_parameters(spec.category, policy)))


def registered_spec(raw: Sequence[Any], milestones: Sequence[Sequence[int]], inspectors: Sequence[str]) -> ContractSpec:
    """A registration as read back from the chain (ContractRegistered's tuple, `(amount, due, k, mask)` each)."""
    ocid, agency, contractor, category, value, advance, start, end, document_hash, uri = raw
    checksummed = [Address(to_checksum_address(a)) for a in inspectors]
    return ContractSpec(
        ocid=ocid, agency=agency_code(bytes(agency)), contractor=Address(to_checksum_address(contractor)),
        category=Category(category), value=Sen(value), start=day(start), end=day(end),
        document_hash=bytes(document_hash), metadata_uri=uri, advance_payment=Sen(advance),
        milestones=tuple(MilestoneSpec(Sen(a), day(due), members(checksummed, mask), k) for a, due, k, mask in milestones),
    )


def milestone_change(change: MilestoneChange, inspectors: Sequence[Address]) -> tuple[int, ...]:
    return (change.index, change.amount, timestamp(change.due), change.required_approvals,
            mask(inspectors, change.inspectors))


def parameters(raw: Sequence[int]) -> Parameters:
    return Parameters(*raw)


def parameters_tuple(p: Parameters) -> tuple[int, ...]:
    return (p.amendment_cap_bps, p.works_retention_bps, p.penalty_per_day_bps, p.penalty_cap_bps,
            p.maintenance_period_s)


def gov_contract(cid: ContractId, ocid: str | None, c: Sequence[Any]) -> GovContract:
    return GovContract(
        id=cid, ocid=ocid, contractor=Address(c[0]), category=Category(c[1]), status=ContractStatus(c[2]),
        disputed=c[3], milestone_count=c[4], start=day(c[5]), value=Sen(c[6]), original_value=Sen(c[7]),
        end=day(c[8]), agency=agency_code(c[9]), document_hash=bytes(c[10]), advance_payment=Sen(c[11]),
        closed_at=c[12] or None, amendment_count=c[13], settled_count=c[14], paid_value=Sen(c[15]),
        dispute_count=c[16], terms=parameters(c[17]),
    )


def milestone(index: int, raw: Sequence[int], inspectors: Sequence[Address]) -> Milestone:
    amount, due, submitted_at, status, k, rnd, assigned, approvals = raw
    return Milestone(
        index=index, amount=Sen(amount), due=day(due), status=MilestoneStatus(status), required_approvals=k,
        inspectors=members(inspectors, assigned), approved_by=members(inspectors, approvals), round=rnd,
        submitted_at=submitted_at or None,
    )


def escrow_account(account: Sequence[int], advance: Sequence[int]) -> EscrowAccount:
    funded, held, withdrawable, withdrawn, retained, refunded = account
    return EscrowAccount(Sen(funded), Sen(held), Sen(withdrawable), Sen(withdrawn), Sen(retained), Sen(refunded),
                         Sen(advance[0]), Sen(advance[1]))


def members(inspectors: Sequence[Address], bits: int) -> tuple[Address, ...]:
    return tuple(a for i, a in enumerate(inspectors) if bits >> i & 1)
