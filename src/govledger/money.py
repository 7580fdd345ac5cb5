"""Rupiah amounts: people write and read Rupiah, the chain keeps sen (Rupiah x 100)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .errors import GovLedgerValueError
from .types import Sen

_GROUPED = re.compile(r"^\d{1,3}([,_]\d{3})*(\.\d{1,2})?$|^\d+(\.\d{1,2})?$", re.ASCII)


def parse_rupiah(text: str) -> Sen:
    """'1500000', '1,500,000.50' or '1_500_000' Rupiah -> sen."""
    cleaned = text.strip().removeprefix("Rp").removeprefix("IDR").strip()
    if not _GROUPED.match(cleaned):
        raise GovLedgerValueError(f"not a Rupiah amount: {text!r} (write e.g. 1500000 or 1,500,000.50)")
    try:
        value = Decimal(cleaned.replace(",", "").replace("_", ""))
    except InvalidOperation:
        raise GovLedgerValueError(f"not a Rupiah amount: {text!r}") from None
    return Sen(int(value * 100))


def format_rupiah(sen: int) -> str:
    """sen -> 'Rp 1,500,000.50' (negative amounts as 'Rp -1.50')."""
    sign = "-" if sen < 0 else ""
    rupiah, cents = divmod(abs(sen), 100)
    return f"Rp {sign}{rupiah:,}.{cents:02d}"
