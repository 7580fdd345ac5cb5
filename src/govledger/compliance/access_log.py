"""The personal-data access log: every read of a person's data (an export, a page or API answer that shows
it, an operator's look-up) is one line: when, who read, whose data, what, and why.

Lines name pseudonyms (see `store`), and each line's hash covers the previous line's, so a removed or edited
line breaks the chain (`verify`). Erasing a person unlinks their pseudonym; their lines stay, anonymous.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from eth_utils import keccak

from ..errors import GovLedgerError
from .store import PrivacyStore

GENESIS = "0x" + "00" * 32


class AccessLogBroken(GovLedgerError):
    """A line of the access log was removed or altered."""


@dataclass(frozen=True)
class Access:
    id: int
    at: int
    reader: str  # the person, or `erased person`
    subject: str
    what: str
    purpose: str


def _line_hash(prev: str, at: int, reader: str, subject: str, what: str, purpose: str) -> str:
    return "0x" + keccak("\x1f".join((prev, str(at), reader, subject, what, purpose)).encode()).hex()


class AccessLog:
    def __init__(self, store: PrivacyStore) -> None:
        self.store = store

    def record(self, reader: str, subject: str, what: str, purpose: str) -> None:
        """Record that `reader` read `what` of `subject`'s personal data for `purpose`."""
        reader_ref, subject_ref = self.store.ref(reader), self.store.ref(subject)
        at = int(time.time())
        db = self.store.db
        db.execute("BEGIN IMMEDIATE")
        try:
            last = db.execute("SELECT hash FROM access_log ORDER BY id DESC LIMIT 1").fetchone()
            prev = last[0] if last else GENESIS
            db.execute("INSERT INTO access_log (at, reader, subject, what, purpose, prev, hash) VALUES (?,?,?,?,?,?,?)",
                       (at, reader_ref, subject_ref, what, purpose, prev,
                        _line_hash(prev, at, reader_ref, subject_ref, what, purpose)))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def entries(self, subject: str | None = None) -> list[Access]:
        """Every line (or those about `subject`), oldest first, with pseudonyms resolved."""
        query, args = "SELECT id, at, reader, subject, what, purpose FROM access_log", ()
        if subject is not None:
            ref = self.store.find_ref(subject)
            if ref is None:
                return []
            query, args = query + " WHERE subject = ?", (ref,)
        rows = self.store.db.execute(query + " ORDER BY id", args).fetchall()
        person = self.store.person_of
        return [Access(i, at, person(r), person(s), w, p) for i, at, r, s, w, p in rows]

    def verify(self) -> int:
        """The number of lines, after checking each line's hash and its link to the line before it."""
        rows = self.store.db.execute("SELECT id, at, reader, subject, what, purpose, prev, hash FROM access_log ORDER BY id")
        expected_prev = None
        count = 0
        for id_, at, reader, subject, what, purpose, prev, digest in rows:
            if expected_prev is not None and prev != expected_prev:
                raise AccessLogBroken(f"access log line {id_} does not follow the line before it: a line was removed")
            if _line_hash(prev, at, reader, subject, what, purpose) != digest:
                raise AccessLogBroken(f"access log line {id_} was altered: its hash does not match")
            expected_prev, count = digest, count + 1
        return count

    def prune(self, before: int) -> int:
        """Remove the lines older than `before` (the retention job); the first kept line anchors the chain."""
        return self.store.db.execute("DELETE FROM access_log WHERE at < ?", (before,)).rowcount


def record_access(data_dir: Path | str | None, reader: str, subjects: str | Iterable[str], what: str, purpose: str) -> None:
    """One call for the other parts: log that `reader` read `what` of each of `subjects` (one person or several)
    in the data directory's access log. Without a data directory (an in-memory app) there is no log to keep."""
    people = sorted({subjects} if isinstance(subjects, str) else set(subjects))
    if data_dir is None or not people:
        return
    with PrivacyStore.for_data_dir(data_dir) as store:
        log = AccessLog(store)
        for subject in people:
            log.record(reader, subject, what, purpose)


def operator() -> str:
    """Who reads from the command line: $GOVLEDGER_OPERATOR (a person id), else the system user."""
    import getpass
    import os

    return os.environ.get("GOVLEDGER_OPERATOR") or f"os:{getpass.getuser()}"
