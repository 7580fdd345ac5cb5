"""The person -> account directory: who each signed-in person is on chain, and what they were entitled to.

One JSON file, rewritten whole on every change (temporary file, fsync, rename), so a crash leaves
either the old directory or the new one, never half of each. Changes from several processes are
serialised by an advisory lock on a sibling file.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import NotFoundError
from .errors import CustodyError

FORMAT = "govledger-identity-directory/1"


@dataclass(frozen=True)
class Person:
    """A person known to the server. `roles` and `agency` are what their claims said when last seen;
    `granted` what sync put on chain for them (role names, officials as `official:AGENCY`)."""

    person: str
    issuer: str
    subject: str
    address: str
    keystore: str
    name: str | None = None
    roles: tuple[str, ...] = ()
    agency: str | None = None
    granted: tuple[str, ...] = ()
    created_at: int = 0
    last_seen_at: int = 0
    refresh_token: str | None = field(default=None, repr=False)  # encrypted with the server key

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Person:
        data = dict(data)
        for key in ("roles", "granted"):
            data[key] = tuple(data.get(key, ()))
        return cls(**data)


class PersonDirectory:
    """The directory file; reads see the last complete write, updates are atomic read-modify-writes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def get(self, person: str) -> Person:
        found = self.people().get(person)
        if found is None:
            raise NotFoundError(f"no custodial account for {person!r}: the person has never signed in here")
        return found

    def find(self, person: str) -> Person | None:
        return self.people().get(person)

    def people(self) -> dict[str, Person]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except ValueError as exc:
            raise CustodyError(f"person directory {self.path} is unreadable: {exc}; restore it from a backup") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise CustodyError(f"{self.path} is not a govledger person directory ({FORMAT})")
        return {p["person"]: Person.from_json(p) for p in data.get("people", [])}

    def update(self, person: str, change: Callable[[Person | None], Person]) -> Person:
        """Apply `change` to the person's entry (None when new) and write the directory atomically."""
        with self._exclusive():
            people = self.people()
            updated = change(people.get(person))
            people[person] = updated
            self._write(people)
            return updated

    def set(self, person: Person) -> Person:
        return self.update(person.person, lambda _old: person)

    def edit(self, person: str, **changes: Any) -> Person:
        def apply(old: Person | None) -> Person:
            if old is None:
                raise NotFoundError(f"no custodial account for {person!r}: the person has never signed in here")
            return replace(old, **changes)

        return self.update(person, apply)

    def remove(self, person: str) -> Person | None:
        """Delete the person's entry (erasure on request); the removed entry, or None if there was none."""
        with self._exclusive():
            people = self.people()
            removed = people.pop(person, None)
            if removed is not None:
                self._write(people)
            return removed

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with self._lock, open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _write(self, people: dict[str, Person]) -> None:
        document = {"format": FORMAT, "people": [asdict(p) for p in sorted(people.values(), key=lambda p: p.person)]}
        write_atomically(self.path, json.dumps(document, indent=2).encode())


def write_atomically(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write `data` to `path` so that readers and crashes see the old file or the new one, never a mix."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself must survive a power cut
    finally:
        os.close(directory)
