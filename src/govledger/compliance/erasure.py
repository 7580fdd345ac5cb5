"""Erasure on request (UU 27/2022: the right to have one's data deleted): the person's off-chain data goes,
the chain does not change, and its evidence still verifies.

What goes: the directory entry (with the sealed refresh token), the custodial keystore, the inbox, the
preferences, the support questions asked, the idempotency keys, the salts of their commitments (the
hashes on chain then match nothing). What stays, unlinked: the server's activity lines and the documents
they uploaded name a pseudonym instead of them (records of official acts that the archives and audit rules
keep), and the access log's lines, whose pseudonym no longer resolves. Re-running an erasure is harmless.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import delete, select, update

from ..errors import GovLedgerValueError
from ..identity.directory import write_atomically
from .locations import PersonalData
from .store import PrivacyStore

PSEUDONYMISED = {"server_activity": {"client": None}}  # columns cleared where the line itself is kept
KEPT_TABLES = ("server_activity",)


@dataclass
class ErasureReport:
    person: str
    pseudonym: str
    removed: dict[str, int] = field(default_factory=dict)
    pseudonymised: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """Counts only: the register of erasures must not name the person either."""
        parts = [f"{k} -{v}" for k, v in sorted(self.removed.items()) if v]
        parts += [f"{k} ~{v}" for k, v in sorted(self.pseudonymised.items()) if v]
        return ", ".join(parts) or "nothing held"


class StillHoldsRoles(GovLedgerValueError):
    """A person with roles on chain is erased only once their roles are revoked (or with force)."""


def erase_person(stores: PersonalData, person: str, *, force: bool = False) -> ErasureReport:
    held = stores.directory.find(person)
    if held is not None and held.granted and not force:
        raise StillHoldsRoles(f"{person} still holds {', '.join(held.granted)} on chain: revoke the roles first "
                              "(identity sync), or erase with --force")
    ref = stores.privacy.ref(person)
    report = ErasureReport(person, f"erased:{ref}")
    entry = stores.directory.remove(person)
    report.removed["directory entry"] = int(entry is not None)
    report.removed["refresh token"] = int(entry is not None and entry.refresh_token is not None)
    if entry is not None:
        keystore = stores.keys_dir / entry.keystore
        report.removed["custodial key"] = int(keystore.is_file())
        keystore.unlink(missing_ok=True)
    sqlite = stores.engine.dialect.name == "sqlite"
    with stores.engine.begin() as conn:
        if sqlite:  # deleted rows are overwritten with zeros, not left readable in free pages
            conn.exec_driver_sql("PRAGMA secure_delete=ON")
        for table, column in stores.tables():
            where = table.c[column] == person
            if table.name in KEPT_TABLES:
                values = {column: report.pseudonym, **PSEUDONYMISED.get(table.name, {})}
                report.pseudonymised[table.name] = conn.execute(update(table).where(where).values(**values)).rowcount
            else:
                report.removed[table.name] = conn.execute(delete(table).where(where)).rowcount
            if table.name == "support_questions":  # answers the person gave as staff stay, unsigned
                report.pseudonymised["support answers"] = conn.execute(
                    update(table).where(table.c.answered_by == person).values(answered_by=None)).rowcount
    if sqlite:
        with stores.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    report.pseudonymised["documents"] = 0
    for path, meta in stores.documents():
        if meta.get("uploaded_by") == person:
            write_atomically(path, json.dumps({**meta, "uploaded_by": report.pseudonym}).encode())
            report.pseudonymised["documents"] += 1
    report.removed["salts"] = len(stores.privacy.db.execute(
        "SELECT 1 FROM salts WHERE ref = ?", (ref,)).fetchall())
    stores.privacy.forget(person, report.summary())  # last: a run cut short is finished by running it again
    return report


def reapply_erasures(stores: PersonalData, register: PrivacyStore) -> int:
    """Erase again, in a restored data directory, every person erased in `register` (the privacy database
    as it was before the restore); returns how many people were erased again."""
    marks = register.erased_marks()
    candidates = set(stores.directory.people())
    with stores.engine.connect() as conn:
        for table, column in stores.tables():
            candidates |= {str(v) for (v,) in conn.execute(select(table.c[column]).distinct()) if v}
    again = [p for p in sorted(candidates) if not p.startswith("erased:") and register.mark(p) in marks]
    for person in again:
        erase_person(stores, person, force=True)
    return len(again)
