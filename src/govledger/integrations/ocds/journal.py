"""The import journal: what the OCDS import put on the ledger, so that a rerun knows (SQLite, stdlib).

Each record is written in two steps around its one ledger transaction: an intent (`pending`) before,
`registered` with its releases after, each step one SQLite transaction. A run killed in between leaves a
`pending` row that the next run settles by asking the chain (registered: finish the row; not: register).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

JOURNAL_FILE = "ocds-journal.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    ocid TEXT PRIMARY KEY, buyer TEXT NOT NULL, status TEXT NOT NULL,  -- pending | registered
    fingerprint TEXT NOT NULL, terms TEXT NOT NULL, compiled TEXT NOT NULL, milestone_ids TEXT NOT NULL,
    source TEXT NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS releases (
    ocid TEXT NOT NULL, release_id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (ocid, release_id));
CREATE TABLE IF NOT EXISTS amendments (
    ocid TEXT NOT NULL, fingerprint TEXT NOT NULL, status TEXT NOT NULL,  -- proposed | held
    terms TEXT NOT NULL, compiled TEXT NOT NULL, reason TEXT NOT NULL, release_ids TEXT NOT NULL,
    updated REAL NOT NULL, PRIMARY KEY (ocid, fingerprint));
"""


@dataclass(frozen=True)
class Entry:
    ocid: str
    buyer: str
    status: str
    fingerprint: str
    terms: dict[str, Any]
    compiled: dict[str, Any]
    milestone_ids: list[str]
    source: str


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


class Journal:
    """The journal in `path` (":memory:" for a run that keeps nothing)."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        if self.path != ":memory:":
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(_SCHEMA)

    @classmethod
    def for_data_dir(cls, data_dir: Path | None) -> Journal:
        """The journal of `data_dir`, created if there is none (what an import writes to)."""
        return cls(":memory:" if data_dir is None else Path(data_dir) / JOURNAL_FILE)

    @classmethod
    def existing(cls, data_dir: Path | None) -> Journal:
        """The journal of `data_dir` if an import ever ran there, else an empty one in memory: a read (export,
        flags, the portal) creates no file."""
        path = None if data_dir is None else Path(data_dir) / JOURNAL_FILE
        return cls(path if path is not None and path.is_file() else ":memory:")

    def close(self) -> None:
        self.db.close()

    def _write(self, statements: Iterable[tuple[str, tuple[Any, ...]]]) -> None:
        with self.db:  # one transaction: all of it or none
            self.db.execute("BEGIN IMMEDIATE")
            for sql, params in statements:
                self.db.execute(sql, params)

    def get(self, ocid: str) -> Entry | None:
        row = self.db.execute("SELECT ocid, buyer, status, fingerprint, terms, compiled, milestone_ids, source "
                              "FROM records WHERE ocid = ?", (ocid,)).fetchone()
        return _entry(row) if row else None

    def entries(self) -> Iterator[Entry]:
        for row in self.db.execute("SELECT ocid, buyer, status, fingerprint, terms, compiled, milestone_ids, source "
                                   "FROM records ORDER BY ocid").fetchall():
            yield _entry(row)

    def release_ids(self, ocid: str) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT release_id FROM releases WHERE ocid = ?", (ocid,))}

    def releases(self, ocid: str) -> list[dict[str, Any]]:
        return [json.loads(r[0]) for r in self.db.execute("SELECT data FROM releases WHERE ocid = ?", (ocid,))]

    def intend(self, entry: Entry) -> None:
        """Before the ledger transaction: the record as it will be registered, marked pending."""
        self._write([("INSERT OR REPLACE INTO records VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?)",
                      (entry.ocid, entry.buyer, entry.fingerprint, dumps(entry.terms), dumps(entry.compiled),
                       dumps(entry.milestone_ids), entry.source, time.time()))])

    def forget(self, ocid: str) -> None:
        """The ledger refused the registration: the intent goes."""
        self._write([("DELETE FROM records WHERE ocid = ? AND status = 'pending'", (ocid,))])

    def registered(self, ocid: str, releases: dict[str, dict[str, Any]], compiled: dict[str, Any] | None = None) -> None:
        """After the ledger transaction (or with terms unchanged): the record done and its releases kept."""
        statements = [("UPDATE records SET status = 'registered', updated = ? WHERE ocid = ?", (time.time(), ocid))]
        if compiled is not None:
            statements.append(("UPDATE records SET compiled = ? WHERE ocid = ?", (dumps(compiled), ocid)))
        statements += [("INSERT OR IGNORE INTO releases VALUES (?, ?, ?)", (ocid, rid, dumps(data)))
                       for rid, data in releases.items()]
        self._write(statements)

    def amendment(self, ocid: str, fingerprint: str) -> str | None:
        row = self.db.execute("SELECT status FROM amendments WHERE ocid = ? AND fingerprint = ?",
                              (ocid, fingerprint)).fetchone()
        return row[0] if row else None

    def add_amendment(self, ocid: str, fingerprint: str, status: str, terms: dict[str, Any],
                      compiled: dict[str, Any], reason: str, releases: dict[str, dict[str, Any]]) -> None:
        self._write([("INSERT OR REPLACE INTO amendments VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      (ocid, fingerprint, status, dumps(terms), dumps(compiled), reason, dumps(sorted(releases)),
                       time.time()))])

    def amendments(self, status: str | None = None) -> list[dict[str, Any]]:
        """Amendment proposals (all, or those with `status`), oldest first, with their terms and compiled release."""
        rows = self.db.execute("SELECT ocid, fingerprint, status, reason, release_ids, terms, compiled FROM amendments "
                               "WHERE ? IS NULL OR status = ? ORDER BY updated", (status, status)).fetchall()
        return [{"ocid": r[0], "fingerprint": r[1], "status": r[2], "reason": r[3], "release_ids": json.loads(r[4]),
                 "terms": json.loads(r[5]), "compiled": json.loads(r[6])} for r in rows]

    def amendment_proposed(self, ocid: str, fingerprint: str, reason: str) -> None:
        sql = "UPDATE amendments SET status = 'proposed', reason = ?, updated = ? WHERE ocid = ? AND fingerprint = ?"
        self._write([(sql, (reason, time.time(), ocid, fingerprint))])

    def compiled_releases(self) -> list[dict[str, Any]]:
        """The compiled release of every registered record (what `audit flags` judges)."""
        return [json.loads(r[0]) for r in self.db.execute(
            "SELECT compiled FROM records WHERE status = 'registered' ORDER BY ocid")]


def _entry(row: tuple[Any, ...]) -> Entry:
    return Entry(row[0], row[1], row[2], row[3], json.loads(row[4]), json.loads(row[5]), json.loads(row[6]), row[7])
