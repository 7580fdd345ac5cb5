"""People, their preferences, and the inbox: each notification stored once per person and kind of event."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, select, update

from ..errors import GovLedgerValueError
from . import schema


def N_(message: str) -> str:  # marks a message for the catalogs (the web's i18n translates it where shown)
    return message


KINDS = {  # kind -> (English msgid of its title, the roles that may choose it)
    "approval_waiting": N_("A milestone waits for your approval"),
    "payment_released": N_("A payment was released"),
    "deadline_near": N_("A milestone deadline is near"),
    "dispute_opened": N_("A dispute was opened"),
    "red_flag": N_("A red flag was raised"),
    "support_answer": N_("Your support question was answered"),
    "feedback_escalated": N_("A citizen's report was escalated to the auditors"),  # govledger.oversight
}


class UnknownKindError(GovLedgerValueError):
    """A notification kind that does not exist."""


@dataclass(frozen=True)
class Person:
    subject: str
    name: str
    address: str | None
    roles: tuple[str, ...]
    agency: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Notification:
    id: int
    subject: str
    kind: str
    params: dict[str, Any]
    link: str
    created_at: int
    read_at: int | None
    email_state: str


def create_tables(engine: Engine) -> None:
    schema.metadata.create_all(engine)


def remember(engine: Engine, person: Person) -> None:
    """Record (or update) who `person` is: their account, roles, agency and, when given, email."""
    row = {"subject": person.subject, "name": person.name, "address": (person.address or "").lower() or None,
           "roles": ",".join(person.roles), "agency": person.agency}
    with engine.begin() as conn:
        found = conn.execute(select(schema.people.c.email).where(schema.people.c.subject == person.subject)).first()
        if found is None:
            conn.execute(schema.people.insert().values(**row, email=person.email))
        else:
            values = row if person.email is None else {**row, "email": person.email}
            conn.execute(schema.people.update().where(schema.people.c.subject == person.subject).values(**values))


class BadEmailError(GovLedgerValueError):
    """An email address that mail cannot be sent to."""


def set_email(engine: Engine, subject: str, email: str) -> None:
    """Set (or, with an empty string, clear) where `subject`'s notifications are mailed."""
    import re

    cleaned = email.strip()
    if cleaned and (len(cleaned) > 254 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", cleaned)):
        raise BadEmailError(f"not an email address: {cleaned[:80]!r}")
    with engine.begin() as conn:
        changed = conn.execute(schema.people.update().where(schema.people.c.subject == subject)
                               .values(email=cleaned or None)).rowcount
    if not changed:
        raise BadEmailError(f"no person {subject!r} is known to the inboxes yet: sign in again")


def person(engine: Engine, subject: str) -> Person | None:
    with engine.connect() as conn:
        r = conn.execute(select(schema.people).where(schema.people.c.subject == subject)).first()
    return person_from_row(r) if r is not None else None


def person_from_row(r: Any) -> Person:
    return Person(r.subject, r.name, r.address, tuple(x for x in r.roles.split(",") if x), r.agency, r.email)


def people_where(conn: Connection, *, address: str | None = None, role: str | None = None,
                 agency: str | None = None) -> list[Person]:
    """Everyone with that account, or with that role (in that agency)."""
    p = schema.people.c
    query = select(schema.people)
    if address is not None:
        query = query.where(p.address == address.lower())
    if agency is not None:
        query = query.where(p.agency == agency)
    found = [person_from_row(r) for r in conn.execute(query)]
    return [x for x in found if role is None or role in x.roles]


def preferences(engine: Engine, subject: str) -> dict[str, tuple[bool, bool]]:
    """kind -> (inbox, email) for every kind; unsaved kinds default to both on."""
    with engine.connect() as conn:
        saved = {r.kind: (bool(r.inbox), bool(r.email)) for r in conn.execute(
            select(schema.preferences).where(schema.preferences.c.subject == subject))}
    return {kind: saved.get(kind, (True, True)) for kind in KINDS}


def set_preferences(engine: Engine, subject: str, chosen: dict[str, tuple[bool, bool]]) -> None:
    unknown = sorted(set(chosen) - set(KINDS))
    if unknown:
        raise UnknownKindError(f"no notification kind {unknown[0]!r} (kinds: {', '.join(KINDS)})")
    with engine.begin() as conn:
        conn.execute(schema.preferences.delete().where(schema.preferences.c.subject == subject))
        conn.execute(schema.preferences.insert(), [{"subject": subject, "kind": k, "inbox": i, "email": e}
                                                   for k, (i, e) in chosen.items()])


def notify(conn: Connection, who: Person, kind: str, key: str, params: dict[str, Any], link: str,
           now: int | None = None) -> bool:
    """Store one notification for `who` unless the same `key` was already stored for them; honours their
    preferences (neither channel: nothing stored). True when it was new."""
    if kind not in KINDS:
        raise UnknownKindError(f"no notification kind {kind!r} (kinds: {', '.join(KINDS)})")
    pref = conn.execute(select(schema.preferences.c.inbox, schema.preferences.c.email).where(
        schema.preferences.c.subject == who.subject, schema.preferences.c.kind == kind)).first()
    inbox, email = (bool(pref.inbox), bool(pref.email)) if pref is not None else (True, True)
    if not inbox and not (email and who.email):
        return False
    n = schema.notifications.c
    if conn.execute(select(n.id).where(n.subject == who.subject, n.key == key)).first() is not None:
        return False
    conn.execute(schema.notifications.insert().values(
        subject=who.subject, kind=kind, key=key[:200], params=json.dumps(params, sort_keys=True), link=link,
        created_at=int(now if now is not None else time.time()), in_inbox=inbox,
        email_state="pending" if email and who.email else "none"))
    return True


def inbox(engine: Engine, subject: str, *, unread_only: bool = False, limit: int = 50) -> list[Notification]:
    n = schema.notifications.c
    query = select(schema.notifications).where(n.subject == subject, n.in_inbox.is_(True))
    if unread_only:
        query = query.where(n.read_at.is_(None))
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(n.id.desc()).limit(limit)).all()
    return [Notification(r.id, r.subject, r.kind, json.loads(r.params), r.link, r.created_at, r.read_at,
                         r.email_state) for r in rows]


def unread_count(engine: Engine, subject: str) -> int:
    n = schema.notifications.c
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(n.subject == subject, n.in_inbox.is_(True),
                                                           n.read_at.is_(None))).scalar_one())


def mark_read(engine: Engine, subject: str, ids: list[int] | None = None) -> int:
    """Mark `ids` (default: all) of `subject`'s notifications read; another person's ids are left alone."""
    n = schema.notifications.c
    where = and_(n.subject == subject, n.read_at.is_(None))
    if ids is not None:
        where = and_(where, n.id.in_(ids))
    with engine.begin() as conn:
        return conn.execute(update(schema.notifications).where(where).values(read_at=int(time.time()))).rowcount
