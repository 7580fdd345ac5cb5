"""Retention periods per kind of personal record, and the job that enforces them
(`govledger privacy retention --run`; without `--run` it only counts what would go).

Periods are in days, with the defaults below (docs/personal-data.md gives each one's reason); a data
directory may set others in DATA_DIR/privacy.toml under [retention]. Records that the archives and audit
rules keep longer (the chain, contract documents, the activity log of official acts) are governed by
docs/records.md; only their personal parts are trimmed here.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, func, select, update

from ..errors import GovLedgerValueError
from .erasure import erase_person

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib
from .locations import PersonalData

DAY = 86_400
CONFIG_FILE = "privacy.toml"
DEFAULT_DAYS = {
    "notifications": 365,  # inbox items and their mail state
    "support_unpublished": 730,  # questions never published (deleted)
    "support_askers": 730,  # who asked a published question (the question and answer stay on the help page)
    "idempotency_keys": 30,  # a retried request is retried within minutes
    "client_addresses": 365,  # IP addresses in the activity log
    "activity_log": 3650,  # the activity log of official acts (records rule: 10 years)
    "access_log": 1825,  # reads of personal data
    "inactive_people": 1825,  # directory entry, key and tokens of a person with no role who has not signed in
}


class RetentionConfigError(GovLedgerValueError):
    """A retention period that is unknown or not a positive number of days."""


def retention_days(stores: PersonalData) -> dict[str, int]:
    days = dict(DEFAULT_DAYS)
    path = stores.data_dir / CONFIG_FILE
    if path.is_file():
        configured = tomllib.loads(path.read_text(encoding="utf-8")).get("retention", {})
        for kind, value in configured.items():
            if kind not in DEFAULT_DAYS:
                raise RetentionConfigError(f"{path}: unknown retention kind {kind!r}; known: {', '.join(DEFAULT_DAYS)}")
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise RetentionConfigError(f"{path}: retention.{kind} must be a positive number of days, not {value!r}")
            days[kind] = value
    return days


@dataclass(frozen=True)
class _TableRule:
    table: str
    when: Callable[[Table, int], Any]  # the rows past their period
    values: dict[str, Any] | None = None  # None: delete the rows; else clear these columns


_TABLE_RULES = {
    "notifications": _TableRule("notifications", lambda t, c: t.c.created_at < c),
    "support_unpublished": _TableRule("support_questions",
                                      lambda t, c: and_(t.c.created_at < c, t.c.published.is_(False))),
    "support_askers": _TableRule("support_questions",
                                 lambda t, c: and_(t.c.created_at < c, t.c.published.is_(True), t.c.subject.is_not(None)),
                                 {"subject": None}),
    "idempotency_keys": _TableRule("server_idempotency", lambda t, c: t.c.created_at < c),
    "client_addresses": _TableRule("server_activity", lambda t, c: and_(t.c.at < c, t.c.client.is_not(None)),
                                   {"client": None}),
    "activity_log": _TableRule("server_activity", lambda t, c: t.c.at < c),
}


def _table_rule(conn: Connection, table: Table, rule: _TableRule, cutoff: int, run: bool) -> int:
    where = rule.when(table, cutoff)
    if not run:
        return int(conn.execute(select(func.count()).select_from(table).where(where)).scalar_one())
    statement = delete(table) if rule.values is None else update(table).values(**rule.values)
    return conn.execute(statement.where(where)).rowcount


def run_retention(stores: PersonalData, *, run: bool, now: int | None = None) -> dict[str, int]:
    """kind -> records past their period (removed or trimmed when `run`)."""
    now = int(time.time()) if now is None else now
    days = retention_days(stores)
    cutoff = {kind: now - d * DAY for kind, d in days.items()}
    done = dict.fromkeys(DEFAULT_DAYS, 0)
    tables = {table.name: table for table, _column in stores.tables()}
    with stores.engine.begin() as conn:
        for kind, rule in _TABLE_RULES.items():
            if rule.table in tables:
                done[kind] = _table_rule(conn, tables[rule.table], rule, cutoff[kind], run)
    db = stores.privacy.db
    if run:
        done["access_log"] = db.execute("DELETE FROM access_log WHERE at < ?", (cutoff["access_log"],)).rowcount
    else:
        done["access_log"] = db.execute("SELECT count(*) FROM access_log WHERE at < ?", (cutoff["access_log"],)).fetchone()[0]
    inactive = [p.person for p in stores.directory.people().values()
                if not p.granted and max(p.last_seen_at, p.created_at) < cutoff["inactive_people"]]
    done["inactive_people"] = len(inactive)
    if run:
        for person in inactive:
            erase_person(stores, person)
    return done
