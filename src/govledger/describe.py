"""How revert arguments are shown to people when nothing is known of the ledger behind them.

The Ledger extends :class:`PlainDescriber` with what it knows (ocids it has seen, demo account labels).
"""

from __future__ import annotations

from datetime import datetime, timezone

from .money import format_rupiah
from .roles import ROLE_NAMES, agency_code


class PlainDescriber:
    """Describes values without any knowledge of the ledger (satisfies `errors.Describer`)."""

    def contract(self, contract_id: bytes | str) -> str:
        return contract_id if isinstance(contract_id, str) else "0x" + bytes(contract_id).hex()

    def account(self, address: str) -> str:
        return address

    def agency(self, agency: bytes) -> str:
        return agency_code(agency)

    def role(self, role: bytes) -> str:
        return ROLE_NAMES.get(role, "0x" + role.hex())

    def amount(self, sen: int) -> str:
        return format_rupiah(sen)

    def time(self, timestamp: int) -> str:
        try:
            return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        except (OverflowError, OSError, ValueError):
            return str(timestamp)
