"""Valid releases and records of one run, grouped by ocid on disk (a 200 MB input is never held whole).

Each item is checked against the shipped schema as it streams in; a bad one is refused with its path and
spoils its ocid (a record is imported whole or not at all). Identical repeats of a release are kept once.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import schema
from .mapping import Unmappable, buyer_id, canonical
from .merge import record_release
from .sources import Found, Item, Refused


@dataclass
class Group:
    """Everything one run read about one ocid."""

    ocid: str
    releases: dict[str, dict[str, Any]] = field(default_factory=dict)  # release id -> release
    record: dict[str, Any] | None = None  # a record's compiled release, when the input had a record
    where: str = ""  # source: path of the last item, to name the record in a refusal
    problem: Refused | None = None  # set when any of its items was bad


class Staging:
    """A temporary SQLite file holding the run's items by ocid."""

    def __init__(self, *, lenient: bool = False) -> None:
        fd, path = tempfile.mkstemp(prefix="govledger-ocds-", suffix=".sqlite")
        self.db = sqlite3.connect(path)
        os.close(fd)
        os.unlink(path)  # gone from the directory at once: a killed run leaves nothing behind (POSIX)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.executescript("CREATE TABLE items (ocid TEXT, kind TEXT, rid TEXT, digest TEXT, source TEXT, "
                              "path TEXT, buyer TEXT, data TEXT); CREATE INDEX items_ocid ON items (ocid);"
                              "CREATE TABLE bad (ocid TEXT PRIMARY KEY, source TEXT, path TEXT, reason TEXT)")
        self.refused: list[Refused] = []
        self.warnings: list[str] = []  # schema errors let through by `lenient`
        self.lenient = lenient
        self.items = 0

    def close(self) -> None:
        self.db.close()

    def add_all(self, items: Iterable[Item]) -> None:
        for item in items:
            if isinstance(item, Refused):
                self.refused.append(item)
                if item.ocid:
                    self._spoil(item)
            else:
                self.add(item)
        self.db.commit()

    def _spoil(self, refused: Refused) -> None:
        """The first bad item of an ocid refuses the whole record."""
        self.db.execute("INSERT OR IGNORE INTO bad VALUES (?, ?, ?, ?)",
                        (refused.ocid, refused.source, refused.path, refused.reason))

    def add(self, item: Found) -> None:
        self.items += 1
        ocid = item.data.get("ocid")
        if not isinstance(ocid, str) or not ocid:
            self.refused.append(Refused(item.source, f"{item.path}.ocid", "no ocid"))
            return
        try:
            release = record_release(item.data) if item.kind == "record" else item.data
        except Unmappable as exc:  # a record with linked releases only, or releases that cannot be merged
            self.refused.append(Refused(item.source, f"{item.path}{exc.path[1:]}", exc.reason, ocid))
            self._spoil(self.refused[-1])
            return
        base = f"{item.path}.compiledRelease" if item.kind == "record" and "compiledRelease" in item.data else item.path
        problems = list(schema.errors(release))
        if problems:
            path, reason = problems[0]
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            if self.lenient:  # the mapping still checks every field the ledger takes
                self.warnings.append(f"{item.source}: {base + path[1:]}: {reason}{more}")
            else:
                self.refused.append(Refused(item.source, base + path[1:], f"{reason}{more}", ocid))
                self._spoil(self.refused[-1])
                return
        data = canonical(release)
        rid = str(release.get("id") or hashlib.sha256(data).hexdigest())
        self.db.execute("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (ocid, item.kind, rid, hashlib.sha256(data).hexdigest(), item.source, base,
                         buyer_id(release), data.decode()))

    def groups(self) -> Iterator[Group]:
        bad = {r[0]: Refused(r[1], r[2], r[3], r[0]) for r in self.db.execute("SELECT ocid, source, path, reason FROM bad")}
        ocids = [r[0] for r in self.db.execute("SELECT DISTINCT ocid FROM items ORDER BY ocid")]
        for ocid in ocids:
            group = Group(ocid, problem=bad.pop(ocid, None))
            rows = self.db.execute("SELECT kind, rid, digest, source, path, buyer, data FROM items WHERE ocid = ? "
                                   "ORDER BY rowid", (ocid,)).fetchall()
            buyers: dict[str, tuple[str, str]] = {}
            digests: dict[str, str] = {}
            for kind, rid, digest, source, path, buyer, data in rows:
                group.where = f"{source}: {path}"
                if buyer is not None:
                    buyers.setdefault(buyer, (source, path))
                if digests.setdefault(f"{kind}:{rid}", digest) != digest and group.problem is None:
                    group.problem = Refused(source, path, f"release id {rid!r} appears again with other content", ocid)
                release = json.loads(data)
                if kind == "record":
                    group.record = release
                else:
                    group.releases[rid] = release
            if len(buyers) > 1 and group.problem is None:
                (first, (src, at)), (other, where) = list(buyers.items())[:2]
                group.problem = Refused(*where, f"buyer {other!r} here, buyer {first!r} at {src}: {at}: one ocid "
                                                "with different buyers", ocid)
            yield group
        for ocid, reason in bad.items():  # every item of it was bad
            yield Group(ocid, problem=reason)
