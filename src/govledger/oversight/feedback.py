"""Citizen feedback on a contract or one of its milestones: a structured form from a signed-in person, shown
under their pseudonym for that contract; the agency's official answers, the author rates the answer, and what
stays unanswered or is rated badly escalates to the auditors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import NotAllowed, OversightValueError, UnknownRecord
from .records import Record
from .service import DAY, Actor, Oversight

DELIVERED = ("yes", "partly", "no", "unknown")
TIMELINESS = ("on-time", "late", "unknown")
MAX_TEXT = 2000


@dataclass
class Thread:
    feedback: Record
    answers: list[Record] = field(default_factory=list)
    ratings: list[Record] = field(default_factory=list)
    escalation: str | None = None  # why it went to the auditors, in English (the API, the CLI)
    why: tuple[str, int] | None = None  # the same for the pages: ("unanswered", days) or ("rated", score)

    @property
    def rating(self) -> int | None:
        return int(self.ratings[-1].get("score")) if self.ratings else None


def _text(value: str, what: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise OversightValueError(f"{what} is empty: write it")
    if len(value) > MAX_TEXT:
        raise OversightValueError(f"{what} has {len(value)} characters; at most {MAX_TEXT}")
    return value


def submit(ov: Oversight, actor: Actor, ocid: str, *, delivered: str, timeliness: str, quality: int | None = None,
           milestone: int | None = None, comment: str = "", attachment: dict[str, Any] | None = None) -> Record:
    """A citizen's report. `attachment` is the stored document's {hash, name, content_type} (checked by the
    documents store: a file that is not what its name claims is refused there)."""
    contract = ov.contract(ocid)
    if delivered not in DELIVERED:
        raise OversightValueError(f"delivered must be one of {', '.join(DELIVERED)}, not {delivered!r}")
    if timeliness not in TIMELINESS:
        raise OversightValueError(f"timeliness must be one of {', '.join(TIMELINESS)}, not {timeliness!r}")
    if quality is not None and not 1 <= quality <= 5:
        raise OversightValueError(f"quality is 1 to 5, not {quality}")
    if milestone is not None and not 0 <= milestone < contract.milestone_count:
        raise OversightValueError(f"contract {ocid} has milestones 0 to {contract.milestone_count - 1}, not {milestone}")
    fields = {"delivered": delivered, "timeliness": timeliness, "quality": quality, "milestone": milestone,
              "comment": _text(comment, "the comment"),
              "attachment": {k: attachment[k] for k in ("hash", "name", "content_type")} if attachment else None}
    return ov.write("feedback", actor, ocid, fields)


def answer(ov: Oversight, actor: Actor, feedback_id: str, text: str) -> Record:
    """The agency's answer to a report, by one of its officials."""
    fb = _feedback(ov, feedback_id)
    ov.require_official(actor, ov.contract(fb.ocid))
    return ov.write("feedback-answer", actor, fb.ocid, {"text": _text(text, "the answer", True)}, ref=fb.id)


def rate(ov: Oversight, actor: Actor, answer_id: str, score: int) -> Record:
    """The author of the report rates an answer to it (1 bad to 5 good), once."""
    ans = ov.store.get(answer_id)
    if ans.kind != "feedback-answer":
        raise UnknownRecord(f"{answer_id} is a {ans.kind}, not an answer to feedback")
    fb = ov.store.get(str(ans.ref))
    if ov.author(actor, fb.ocid) != fb.author:
        raise NotAllowed("only the author of the report rates the answer to it")
    if not 1 <= score <= 5:
        raise OversightValueError(f"a rating is 1 to 5, not {score}")
    return ov.write("feedback-rating", actor, fb.ocid, {"score": score, "answer": ans.id}, ref=fb.id,
                    unique_key=f"rating:{ans.id}")


def _feedback(ov: Oversight, rid: str) -> Record:
    record = ov.store.get(rid)
    if record.kind != "feedback":
        raise UnknownRecord(f"{rid} is a {record.kind}, not feedback")
    return record


def threads(ov: Oversight, ocid: str | None = None) -> list[Thread]:
    """Every report (of `ocid`, or all) with its answers and ratings, and why it escalated if it did."""
    found = {r.id: Thread(r) for r in ov.store.find(kind="feedback", ocid=ocid)}
    for r in ov.store.find(kind=("feedback-answer", "feedback-rating"), ocid=ocid):
        thread = found.get(str(r.ref))
        if thread is not None:
            (thread.answers if r.kind == "feedback-answer" else thread.ratings).append(r)
    now, s = ov.now(), ov.settings
    for t in found.values():
        if not t.answers and now - t.feedback.at > s.answer_days * DAY:
            t.why = ("unanswered", (now - t.feedback.at) // DAY)
            t.escalation = f"unanswered after {t.why[1]} days (limit {s.answer_days})"
        elif t.rating is not None and t.rating <= s.bad_rating:
            t.why = ("rated", t.rating)
            t.escalation = f"the author rated the answer {t.rating} of 5"
    return list(found.values())


def escalated(ov: Oversight) -> list[Thread]:
    """The reports the auditors must look at."""
    return [t for t in threads(ov) if t.escalation]
