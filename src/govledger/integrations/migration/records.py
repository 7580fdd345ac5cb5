"""A contract as the source system knows it, normalised: what migration registers, anchors and compares.

Every record has one canonical form (JSON, sorted keys, amounts in sen, dates ISO, addresses
checksummed); its Merkle leaf is over those bytes, so anyone holding the record can recompute the leaf.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from ...types import Address, Category, ContractSpec, MilestoneSpec, Sen
from .merkle import leaf_hash

ACTIVE, CLOSED = "active", "closed"
# Source status words -> what migration does: register (under way) or anchor (closed). OCDS contract
# statuses and the words Indonesian registers use.
STATUS_WORDS = {
    "active": ACTIVE, "pending": ACTIVE, "berjalan": ACTIVE, "aktif": ACTIVE,
    "closed": CLOSED, "complete": CLOSED, "completed": CLOSED, "terminated": CLOSED, "cancelled": CLOSED,
    "selesai": CLOSED, "putus": CLOSED,
}
NO_ADVANCE = Sen(0)
MIGRATION_URI = "govledger-migration:"  # metadataURI of a migrated contract: this + its agency's anchored root


@dataclass(frozen=True)
class SourceMilestone:
    amount: Sen
    due: date
    inspectors: tuple[Address, ...]
    required_approvals: int = 1
    settled_on: date | None = None  # paid before migration: recorded off the ledger, not run through escrow
    settled_ref: str = ""  # the source's reference for that payment (e.g. its SP2D number)

    def to_json(self) -> dict[str, Any]:
        return {"amount": str(self.amount), "due": self.due.isoformat(), "inspectors": list(self.inspectors),
                "required_approvals": self.required_approvals,
                "settled_on": self.settled_on.isoformat() if self.settled_on else None,
                "settled_ref": self.settled_ref}


@dataclass(frozen=True)
class SourceContract:
    ocid: str
    agency: str
    contractor: Address
    category: Category
    value: Sen
    start: date
    end: date
    status: str  # ACTIVE or CLOSED
    milestones: tuple[SourceMilestone, ...]
    advance: Sen = NO_ADVANCE
    where: str = ""  # file and line or JSON path, for messages; not part of the record
    source_hash: str = ""  # sha256 of the source document when it is richer than the record (an OCDS release)

    def to_json(self) -> dict[str, Any]:
        return {"ocid": self.ocid, "agency": self.agency, "contractor": self.contractor,
                "category": self.category.label, "value": str(self.value), "advance": str(self.advance),
                "start": self.start.isoformat(), "end": self.end.isoformat(), "status": self.status,
                "milestones": [m.to_json() for m in self.milestones],
                **({"source_hash": self.source_hash} if self.source_hash else {})}

    @cached_property
    def canonical(self) -> bytes:
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    @cached_property
    def leaf(self) -> bytes:
        return leaf_hash(self.canonical)

    @property
    def settled(self) -> tuple[SourceMilestone, ...]:
        return tuple(m for m in self.milestones if m.settled_on is not None)

    @property
    def open_milestones(self) -> tuple[SourceMilestone, ...]:
        return tuple(m for m in self.milestones if m.settled_on is None)

    @property
    def settled_amount(self) -> Sen:
        return Sen(sum(m.amount for m in self.settled))

    def expected_advance(self) -> Sen:
        """An advance is registered only while no milestone was settled: once the source paid milestones, the
        advance was paid (and partly recovered) off the ledger too."""
        return self.advance if not self.settled else Sen(0)

    def spec(self, root: bytes) -> ContractSpec:
        """What the ledger registers: the milestones still open and the value they add up to; the record's
        leaf as document hash and its agency's anchored root in the metadata URI tie it to its source."""
        return ContractSpec(
            ocid=self.ocid, agency=self.agency, contractor=self.contractor, category=self.category,
            value=Sen(self.value - self.settled_amount), start=self.start, end=self.end, document_hash=self.leaf,
            metadata_uri=MIGRATION_URI + "0x" + root.hex(), advance_payment=self.expected_advance(),
            milestones=tuple(MilestoneSpec(m.amount, m.due, m.inspectors, m.required_approvals)
                             for m in self.open_milestones))
