"""What an audit reports: violations (an invariant broken) and red flags (a pattern worth a look)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Violation:
    """An invariant of the ledger that does not hold, with where it broke (transaction and block)."""

    rule: str
    ocid: str | None
    contract_id: str | None
    detail: str
    tx_hash: str | None = None
    block_number: int | None = None
    log_index: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Flag:
    """A red flag: not necessarily wrong, but what an auditor looks at first. `code` names its source."""

    code: str
    ocid: str | None
    contract_id: str | None
    detail: str
    source: str = ""
    tx_hash: str | None = None
    block_number: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
