"""Advance payment limits by business size and kind of contract (SDK check before registration)."""

from __future__ import annotations

import pytest

from govledger.compliance.policy import (
    AdvanceAboveRegulation,
    AdvanceLimits,
    BusinessSize,
    advance_limit,
    check_advance,
)

VALUE = 1_000_000_000_00  # Rp 1 billion in sen


@pytest.mark.parametrize("size, consulting, multi_year, percent", [
    (BusinessSize.SMALL, False, False, 30),
    (BusinessSize.NON_SMALL, False, False, 20),
    (BusinessSize.SMALL, True, False, 20),  # consulting: 20% whatever the size
    (BusinessSize.SMALL, False, True, 15),  # multi-year: 15%, the lowest limit wins
    (BusinessSize.NON_SMALL, True, True, 15),
])
def test_advanceLimit_isTheRegulationsForTheCase(size: BusinessSize, consulting: bool, multi_year: bool, percent: int) -> None:
    assert advance_limit(VALUE, size=size, consulting=consulting, multi_year=multi_year) == VALUE * percent // 100


def test_checkAdvance_acceptsTheLimitExactly_andRefusesOneSenMore() -> None:
    check_advance(VALUE, VALUE * 20 // 100, size=BusinessSize.NON_SMALL)
    with pytest.raises(AdvanceAboveRegulation, match=r"exceeds 20000000000 \(20% .*non-small business contract"):
        check_advance(VALUE, VALUE * 20 // 100 + 1, size=BusinessSize.NON_SMALL)


def test_checkAdvance_takesAnAgencysStricterLimits() -> None:
    with pytest.raises(AdvanceAboveRegulation, match="10%"):
        check_advance(VALUE, VALUE * 15 // 100, size=BusinessSize.SMALL, limits=AdvanceLimits(small_bps=1000))
