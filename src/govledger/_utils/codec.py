"""Between the SDK's typed values and the tuples the contracts' ABI takes and returns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timezone
from typing import Any

from eth_utils import to_checksum_address

from ..errors import GovLedgerValueError
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


def mask(inspectors: Sequence[Address], chosen: Sequence[str]) -> int:
    """The bitmask of `chosen` among the contract's `inspectors`."""
    try:
        return sum(1 << inspectors.index(to_checksum_address(i)) for i in chosen)
    except ValueError:
        raise GovLedgerValueError(f"an inspector of {list(chosen)} is not assigned to the contract") from None


def registration(spec: ContractSpec) -> tuple[tuple[Any, ...], list[tuple[int, ...]], list[Address]]:
    """A ContractSpec as `register`'s arguments: the registration, milestone inputs and inspectors."""
    inspectors = inspector_list(spec.milestones)
    milestones = [(m.amount, timestamp(m.due), m.required_approvals, mask(inspectors, m.inspectors))
                  for m in spec.milestones]
    return (
        (spec.ocid, agency_id(spec.agency), to_checksum_address(spec.contractor), int(spec.category), spec.value,
         spec.advance_payment, timestamp(spec.start), timestamp(spec.end), spec.document_hash, spec.metadata_uri),
        milestones,
        inspectors,
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
        closed_at=c[12] or None, amendment_count=c[13], settled_count=c[14], terms=parameters(c[15]),
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
