"""The auditor's monitoring of a contract (as ProZorro's state audit): opened for a reason, a dialogue with the
agency, a conclusion with findings, the agency's report of what it corrected, then closed or appealed. Every
step is a record, time-stamped and anchored. The public sees that a monitoring exists and its conclusion; the
dialogue and the correction report are for the parties and the auditors."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import NotAllowed, OversightValueError, UnknownRecord, WrongState
from .feedback import _text
from .records import Record
from .service import Actor, Oversight

REASONS = ("red-flag", "citizen-report", "media", "plan")
PUBLIC_STEPS = ("monitoring-open", "monitoring-conclusion", "monitoring-closed", "monitoring-appealed")
ORDER = {"open": 0, "concluded": 1, "reported": 2, "closed": 3, "appealed": 3}


@dataclass
class Monitoring:
    record: Record
    dialogue: list[Record] = field(default_factory=list)
    conclusion: Record | None = None
    report: Record | None = None
    end: Record | None = None
    state: str = "open"

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def steps(self) -> list[Record]:
        return [r for r in (self.record, *self.dialogue, self.conclusion, self.report, self.end) if r is not None]


def open_case(ov: Oversight, actor: Actor, ocid: str, *, reason: str, reason_ref: str = "", note: str = "") -> Record:
    ov.require_role(actor, "auditor", "opening a monitoring")
    ov.contract(ocid)
    if reason not in REASONS:
        raise OversightValueError(f"a monitoring is opened for one of {', '.join(REASONS)}, not {reason!r}")
    return ov.write("monitoring-open", actor, ocid, {"reason": reason, "reason_ref": _text(reason_ref, "the reference"),
                                                     "note": _text(note, "the note")})


def say(ov: Oversight, actor: Actor, monitoring_id: str, text: str) -> Record:
    """A message of the dialogue, from an auditor or the agency, while the monitoring is open."""
    m = case(ov, monitoring_id)
    if not (actor.has("auditor") or ov.is_party(actor, ov.contract(m.record.ocid))):
        raise NotAllowed("the dialogue of a monitoring is between the auditors and the parties to the contract")
    _require(m, "open", "a message")
    return ov.write("monitoring-message", actor, m.record.ocid, {"text": _text(text, "the message", True),
                                                                  "side": "auditor" if actor.has("auditor") else "party"},
                    ref=m.id)


def conclude(ov: Oversight, actor: Actor, monitoring_id: str, *, findings: str, violations: bool) -> Record:
    m = case(ov, monitoring_id)
    ov.require_role(actor, "auditor", "concluding a monitoring")
    _require(m, "open", "a conclusion")
    return ov.write("monitoring-conclusion", actor, m.record.ocid,
                    {"findings": _text(findings, "the findings", True), "violations": bool(violations)},
                    ref=m.id, unique_key=f"conclusion:{m.id}")


def report(ov: Oversight, actor: Actor, monitoring_id: str, corrections: str) -> Record:
    """The agency's report of what it corrected after the conclusion."""
    m = case(ov, monitoring_id)
    ov.require_official(actor, ov.contract(m.record.ocid))
    _require(m, "concluded", "a correction report")
    return ov.write("monitoring-report", actor, m.record.ocid, {"corrections": _text(corrections, "the report", True)},
                    ref=m.id, unique_key=f"report:{m.id}")


def close(ov: Oversight, actor: Actor, monitoring_id: str, note: str = "") -> Record:
    m = case(ov, monitoring_id)
    ov.require_role(actor, "auditor", "closing a monitoring")
    if m.state not in ("concluded", "reported"):
        raise WrongState(f"monitoring {monitoring_id} is {m.state}: it is closed after its conclusion")
    return ov.write("monitoring-closed", actor, m.record.ocid, {"note": _text(note, "the note")}, ref=m.id,
                    unique_key=f"end:{m.id}")


def appeal(ov: Oversight, actor: Actor, monitoring_id: str, grounds: str) -> Record:
    """The agency appeals the conclusion (to the court or the audit board): the case ends here as appealed."""
    m = case(ov, monitoring_id)
    ov.require_official(actor, ov.contract(m.record.ocid))
    if m.state not in ("concluded", "reported"):
        raise WrongState(f"monitoring {monitoring_id} is {m.state}: only a conclusion is appealed")
    return ov.write("monitoring-appealed", actor, m.record.ocid, {"grounds": _text(grounds, "the grounds", True)},
                    ref=m.id, unique_key=f"end:{m.id}")


def _require(m: Monitoring, state: str, what: str) -> None:
    if m.state != state:
        raise WrongState(f"monitoring {m.id} is {m.state}: {what} needs it {state}")


def case(ov: Oversight, monitoring_id: str) -> Monitoring:
    record = ov.store.get(monitoring_id)
    if record.kind != "monitoring-open":
        raise UnknownRecord(f"{monitoring_id} is a {record.kind}, not a monitoring")
    return _fold(record, ov.store.find(ref=record.id))


def _fold(record: Record, steps: list[Record]) -> Monitoring:
    m = Monitoring(record)
    for s in steps:
        if s.kind == "monitoring-message":
            m.dialogue.append(s)
        elif s.kind == "monitoring-conclusion":
            m.conclusion, m.state = s, "concluded"
        elif s.kind == "monitoring-report":
            m.report, m.state = s, "reported"
        elif s.kind in ("monitoring-closed", "monitoring-appealed"):
            m.end, m.state = s, s.kind.removeprefix("monitoring-")
    return m


def cases(ov: Oversight, ocid: str | None = None) -> list[Monitoring]:
    steps: dict[str, list[Record]] = {}
    for s in ov.store.find(kind=("monitoring-message", "monitoring-conclusion", "monitoring-report",
                                 "monitoring-closed", "monitoring-appealed"), ocid=ocid):
        steps.setdefault(str(s.ref), []).append(s)
    return [_fold(r, steps.get(r.id, [])) for r in ov.store.find(kind="monitoring-open", ocid=ocid)]


def sees_dialogue(ov: Oversight, actor: Actor | None, m: Monitoring) -> bool:
    if actor is None:
        return False
    return actor.has("auditor") or ov.is_party(actor, ov.contract(m.record.ocid))
