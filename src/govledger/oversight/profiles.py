"""Profiles: an agency, a contractor or an inspector with its contracts, red flags, complaints, feedback and
monitorings, and their outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import complaints, feedback, monitoring
from .service import Oversight

KINDS = ("agency", "contractor", "inspector")


@dataclass
class Profile:
    kind: str
    key: str
    contracts: list[Any] = field(default_factory=list)
    flags: list[Any] = field(default_factory=list)
    complaints: list[complaints.Complaint] = field(default_factory=list)
    feedback: list[feedback.Thread] = field(default_factory=list)
    monitorings: list[monitoring.Monitoring] = field(default_factory=list)

    @property
    def value(self) -> int:
        return sum(c.value for c in self.contracts)

    @property
    def average_rating(self) -> float | None:
        ratings = [t.rating for t in self.feedback if t.rating is not None]
        return round(sum(ratings) / len(ratings), 2) if ratings else None

    def outcomes(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for c in self.complaints:
            counts[f"complaint {c.state}"] = counts.get(f"complaint {c.state}", 0) + 1
        for m in self.monitorings:
            counts[f"monitoring {m.state}"] = counts.get(f"monitoring {m.state}", 0) + 1
        escalated = sum(1 for t in self.feedback if t.escalation)
        if escalated:
            counts["feedback escalated"] = escalated
        return counts


def profile(ov: Oversight, kind: str, key: str) -> Profile:
    """The profile of agency code / contractor address / inspector address `key`."""
    from .errors import OversightValueError, UnknownRecord

    if kind not in KINDS:
        raise OversightValueError(f"a profile is of one of {', '.join(KINDS)}, not {kind!r}")
    rows = ov.app.reads.contracts()
    if kind == "agency":
        mine = [c for c in rows if c.agency == key]
    elif kind == "contractor":
        mine = [c for c in rows if c.contractor.lower() == key.lower()]
    else:
        mine = [c for c in rows if any(key.lower() in (i.lower() for i in m.inspectors)
                                       for m in ov.app.reads.detail(c.ocid).milestones)]
    if not mine:
        raise UnknownRecord(f"no contract names {kind} {key[:80]}")
    ocids = {c.ocid for c in mine}
    p = Profile(kind, key, mine)
    p.flags = [f for f in ov.app.flags() if f.ocid in ocids]
    p.complaints = [c for c in complaints.cases(ov) if c.record.ocid in ocids]
    p.feedback = [t for t in feedback.threads(ov) if t.feedback.ocid in ocids]
    p.monitorings = [m for m in monitoring.cases(ov) if m.record.ocid in ocids]
    return p
