"""A person's data on request (UU 27/2022: the right of access and to a copy): everything the stores of
`locations` hold about them, in one JSON document. The export itself is recorded in the access log."""

from __future__ import annotations

import os
import time
from dataclasses import asdict
from typing import Any

from sqlalchemy import inspect, select

from ..errors import NotFoundError
from .access_log import AccessLog
from .commitments import Commitments
from .locations import PersonalData

FORMAT = "govledger-personal-data-export/1"
SECRET_FIELDS = ("refresh_token", "keystore")  # kept for the person, never handed out: the export says they exist


def resolve(stores: PersonalData, who: str) -> str:
    """The person id for `who`: a person id as given, or the one directory entry whose subject is `who`."""
    people = stores.directory.people()
    if who in people or "#" in who or who.startswith("dev:"):
        return who
    matches = [p.person for p in people.values() if p.subject == who]
    if len(matches) > 1:
        raise NotFoundError(f"{who!r} is the subject of {len(matches)} people ({', '.join(matches)}): give the person id")
    return matches[0] if matches else who


def _rows(stores: PersonalData, person: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    with stores.engine.connect() as conn:
        for table, column in stores.tables():
            rows = conn.execute(select(table).where(table.c[column] == person)).mappings().all()
            if rows:
                found[table.name] = [dict(r) for r in rows]
    return found


OVERSIGHT_PREFIXES = ("warga", "pejabat", "auditor", "arbiter")


def _oversight_records(stores: PersonalData, person: str) -> list[dict[str, Any]]:
    """Oversight records (citizen feedback, complaints, monitoring) the person wrote under their pseudonyms:
    HMAC(oversight key, person, ocid), recomputed for each contract that has records."""
    from ..oversight.pseudonyms import KEY_ENV, KEY_FILE, pseudonym

    key_file = stores.data_dir / KEY_FILE
    key = bytes.fromhex(os.environ[KEY_ENV]) if os.environ.get(KEY_ENV) else (
        key_file.read_bytes() if key_file.is_file() else None)
    if key is None or "oversight_records" not in inspect(stores.engine).get_table_names():
        return []
    with stores.engine.connect() as conn:
        ocids = [o for (o,) in conn.exec_driver_sql("SELECT DISTINCT ocid FROM oversight_records")]
        names = [pseudonym(key, person, ocid, prefix) for ocid in ocids for prefix in OVERSIGHT_PREFIXES]
        if not names:
            return []
        marks = ",".join("?" * len(names))
        rows = conn.exec_driver_sql(f"SELECT id, kind, ocid, author, at, body FROM oversight_records "
                                    f"WHERE author IN ({marks}) ORDER BY seq", tuple(names)).mappings().all()
    return [dict(r) for r in rows]


def export_person(stores: PersonalData, person: str, *, reader: str, purpose: str = "subject access request") -> dict[str, Any]:
    """Everything held about `person`; NotFoundError when no store knows them."""
    entry = stores.directory.find(person)
    identity = None
    if entry is not None:
        identity = {k: v for k, v in asdict(entry).items() if k not in SECRET_FIELDS}
        identity["refresh_token_held"] = entry.refresh_token is not None
        identity["custodial_key_held"] = (stores.keys_dir / entry.keystore).is_file()
    tables = _rows(stores, person)
    oversight = _oversight_records(stores, person)
    if oversight:
        tables["oversight_records"] = oversight
    documents = [meta for _path, meta in stores.documents() if meta.get("uploaded_by") == person]
    commitments = [{"commitment": c, "kind": k} for c, k in Commitments(stores.privacy).of_person(person)]
    log = AccessLog(stores.privacy)
    if not (identity or tables or documents or commitments or log.entries(person)):
        raise NotFoundError(f"no personal data is held about {person!r}")
    log.record(reader, person, "everything held (export)", purpose)
    return {
        "format": FORMAT,
        "person": person,
        "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "identity": identity,
        "records": tables,
        "documents_uploaded": documents,
        "commitments": commitments,
        "access_log": [asdict(a) for a in log.entries(person)],
    }
