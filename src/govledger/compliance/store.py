"""The privacy database (DATA_DIR/privacy.sqlite): pseudonyms, commitment salts, the personal-data access
log and the erasure register. Kept apart from the read model so that `audit replay --fresh` never touches it
and a backup carries it like any other SQLite file.

A person appears here only through a random pseudonym (`refs`): the access log names pseudonyms, so erasing
a person is deleting one row of `refs` (and their salts), after which no line of the log can be tied back to
them, and the log's hash chain still verifies. The erasure register keeps a keyed hash of each erased person
id (`mark`), so that the erasures made after a backup can be made again once it is restored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
from pathlib import Path

PRIVACY_FILE = "privacy.sqlite"
ERASED = "erased person"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS refs (person TEXT PRIMARY KEY, ref TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS salts (commitment TEXT PRIMARY KEY, kind TEXT NOT NULL, ref TEXT NOT NULL,
                                  salt BLOB NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS ix_salts_ref ON salts (ref);
CREATE TABLE IF NOT EXISTS access_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,
                                       reader TEXT NOT NULL, subject TEXT NOT NULL, what TEXT NOT NULL,
                                       purpose TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ix_access_subject ON access_log (subject);
CREATE TABLE IF NOT EXISTS erasures (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,
                                     ref TEXT NOT NULL, mark TEXT NOT NULL, summary TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
"""


class PrivacyStore:
    """One SQLite file; every write is its own transaction, safe across threads of one process."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA secure_delete=ON")  # a deleted salt or pseudonym is overwritten, not left in a free page
        self.db.executescript(_SCHEMA)

    @classmethod
    def for_data_dir(cls, data_dir: Path | str) -> PrivacyStore:
        return cls(Path(data_dir) / PRIVACY_FILE)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> PrivacyStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ref(self, person: str) -> str:
        """The person's pseudonym, made on first use (random: it reveals nothing about the person)."""
        with self._lock:
            found = self.db.execute("SELECT ref FROM refs WHERE person = ?", (person,)).fetchone()
            if found is not None:
                return str(found[0])
            ref = "p-" + secrets.token_hex(12)
            self.db.execute("INSERT INTO refs VALUES (?, ?, ?)", (person, ref, int(time.time())))
            return ref

    def find_ref(self, person: str) -> str | None:
        found = self.db.execute("SELECT ref FROM refs WHERE person = ?", (person,)).fetchone()
        return None if found is None else str(found[0])

    def person_of(self, ref: str) -> str:
        """Who a pseudonym stands for, or `erased person` once they were erased."""
        found = self.db.execute("SELECT person FROM refs WHERE ref = ?", (ref,)).fetchone()
        return ERASED if found is None else str(found[0])

    def mark(self, person: str) -> str:
        """HMAC-SHA256 of the person id under this database's random register key: the erasure register's
        only trace of a person, enough to erase them again in a restored backup, useless without the key."""
        return hmac.new(self._register_key(), person.encode(), hashlib.sha256).hexdigest()

    def erased_marks(self) -> set[str]:
        return {str(m) for (m,) in self.db.execute("SELECT mark FROM erasures")}

    def _register_key(self) -> bytes:
        with self._lock:
            found = self.db.execute("SELECT value FROM meta WHERE key = 'register_key'").fetchone()
            if found is None:
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('register_key', ?)", (secrets.token_bytes(32),))
                found = self.db.execute("SELECT value FROM meta WHERE key = 'register_key'").fetchone()
            return bytes(found[0])

    def forget(self, person: str, summary: str) -> str | None:
        """Cut the link between the person and their pseudonym, and their salts; the erasure is recorded
        under the pseudonym only. Returns the pseudonym (None if the person had none)."""
        mark = self.mark(person)
        with self._lock:
            ref = self.find_ref(person)
            self.db.execute("BEGIN IMMEDIATE")
            try:
                if ref is not None:
                    self.db.execute("DELETE FROM salts WHERE ref = ?", (ref,))
                    self.db.execute("DELETE FROM refs WHERE ref = ?", (ref,))
                self.db.execute("INSERT INTO erasures (at, ref, mark, summary) VALUES (?, ?, ?, ?)",
                                (int(time.time()), ref or "-", mark, summary))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the old pages leave the write-ahead log too
            return ref
