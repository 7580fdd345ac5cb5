"""Regulatory limits that depend on the case and are not on-chain Parameters: the advance payment (uang muka)
by the contractor's business size and the contract's kind. The chain enforces only what it can know (the
advance must be recoverable from the unpaid milestones after retention and the largest penalty); the
business size and a multi-year commitment are known to the official registering the contract, so the SDK
checks them before anything is sent.

Defaults are the limits of LKPP's guidance on procurement through providers (Peraturan LKPP 12/2021; the
section to be confirmed by legal): at most 30% of the contract value for a small business, 20% for a
non-small business and for consulting services, 15% for a multi-year contract (the lowest limit that applies
wins). An agency whose rules are stricter passes its own `AdvanceLimits`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ..errors import GovLedgerValueError

BPS = 10_000


class BusinessSize(Enum):
    SMALL = "small"  # usaha kecil (includes micro)
    NON_SMALL = "non-small"  # usaha non-kecil


@dataclass(frozen=True)
class AdvanceLimits:
    """Basis points of the contract value; the lowest limit that applies to a contract is its limit."""

    small_bps: int = 3000
    non_small_bps: int = 2000
    consulting_bps: int = 2000
    multi_year_bps: int = 1500


class AdvanceAboveRegulation(GovLedgerValueError):
    """An advance above the regulation's limit for this contractor and kind of contract."""


def advance_limit(value: int, *, size: BusinessSize, consulting: bool = False, multi_year: bool = False,
                  limits: AdvanceLimits = AdvanceLimits()) -> int:
    """The largest advance (same unit as `value`) the regulation allows for this contract."""
    bps = limits.small_bps if size is BusinessSize.SMALL else limits.non_small_bps
    if consulting:
        bps = min(bps, limits.consulting_bps)
    if multi_year:
        bps = min(bps, limits.multi_year_bps)
    return value * bps // BPS


def check_advance(value: int, advance: int, *, size: BusinessSize, consulting: bool = False, multi_year: bool = False,
                  limits: AdvanceLimits = AdvanceLimits()) -> None:
    """Refuse an advance above the limit; the message names the limit and why it applies."""
    limit = advance_limit(value, size=size, consulting=consulting, multi_year=multi_year, limits=limits)
    if advance > limit:
        case = f"{size.value} business" + (", consulting" if consulting else "") + (", multi-year" if multi_year else "")
        raise AdvanceAboveRegulation(f"an advance of {advance} exceeds {limit} ({limit * BPS // value / 100:g}% of the "
                                     f"contract value {value}), the limit for a {case} contract")
