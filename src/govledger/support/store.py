"""The support desk: questions and problem reports from any page, answered by staff in the app; answered
questions that staff publish make the help page (searchable). The asker is kept private: the help page
shows the question and the answer only."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    or_,
    select,
)

from ..errors import GovLedgerValueError, NotFoundError
from ..notifications import store as notify_store

metadata = MetaData()
questions = Table(
    "support_questions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # question | problem
    Column("subject", String(128)),  # the asker's sign-in subject (None: not signed in)
    Column("page", Text, nullable=False),  # where it was asked from
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("lang", String(8), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("answer", Text),
    Column("answered_by", String(128)),
    Column("answered_at", BigInteger),
    Column("published", Boolean, nullable=False, default=False),
)

KINDS = ("question", "problem")
STAFF_ROLES = ("support", "admin")
MAX_TITLE, MAX_BODY = 200, 5000


class SupportInputError(GovLedgerValueError):
    """A question or answer that cannot be stored as given."""


class QuestionNotFoundError(NotFoundError):
    """No support question with that number."""


@dataclass(frozen=True)
class Question:
    id: int
    kind: str
    subject: str | None
    page: str
    title: str
    body: str
    lang: str
    created_at: int
    answer: str | None
    answered_at: int | None
    published: bool


def create_tables(engine: Engine) -> None:
    metadata.create_all(engine)
    notify_store.create_tables(engine)


def _text(value: str, name: str, limit: int) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise SupportInputError(f"the {name} is empty")
    if len(cleaned) > limit:
        raise SupportInputError(f"the {name} has {len(cleaned)} characters; at most {limit}")
    return cleaned


def ask(engine: Engine, *, kind: str, title: str, body: str, page: str = "/", subject: str | None = None,
        lang: str = "id") -> int:
    """Store a question or problem report; returns its number."""
    if kind not in KINDS:
        raise SupportInputError(f"kind must be question or problem, not {kind!r}")
    if not page.startswith("/"):
        page = "/"
    with engine.begin() as conn:
        return int(conn.execute(questions.insert().values(
            kind=kind, subject=subject, page=page[:500], title=_text(title, "title", MAX_TITLE),
            body=_text(body, "description", MAX_BODY), lang=lang, created_at=int(time.time()),
            published=False)).inserted_primary_key[0])


def answer(engine: Engine, number: int, *, staff: str, text: str, publish: bool = True) -> Question:
    """Answer question `number` (again, if staff correct an answer); tells the asker in their inbox."""
    reply = _text(text, "answer", MAX_BODY)
    with engine.begin() as conn:
        found = conn.execute(select(questions).where(questions.c.id == number)).first()
        if found is None:
            raise QuestionNotFoundError(f"no support question #{number}")
        conn.execute(questions.update().where(questions.c.id == number).values(
            answer=reply, answered_by=staff, answered_at=int(time.time()), published=publish))
        if found.subject is not None:
            asker = conn.execute(select(notify_store.schema.people).where(
                notify_store.schema.people.c.subject == found.subject)).first()
            if asker is not None:
                notify_store.notify(conn, notify_store.person_from_row(asker), "support_answer",
                                    f"support:{number}:{int(time.time())}", {"question": number, "title": found.title},
                                    f"/support/{number}")
    return question(engine, number)


def question(engine: Engine, number: int) -> Question:
    with engine.connect() as conn:
        r = conn.execute(select(questions).where(questions.c.id == number)).first()
    if r is None:
        raise QuestionNotFoundError(f"no support question #{number}")
    return _question(r)


def _question(r: object) -> Question:
    return Question(r.id, r.kind, r.subject, r.page, r.title, r.body, r.lang, r.created_at, r.answer,  # type: ignore[attr-defined]
                    r.answered_at, bool(r.published))  # type: ignore[attr-defined]


def open_questions(engine: Engine) -> list[Question]:
    """Questions waiting for an answer, oldest first (the staff's queue)."""
    with engine.connect() as conn:
        rows = conn.execute(select(questions).where(questions.c.answer.is_(None)).order_by(questions.c.id)).all()
    return [_question(r) for r in rows]


def asked_by(engine: Engine, subject: str) -> list[Question]:
    with engine.connect() as conn:
        rows = conn.execute(select(questions).where(questions.c.subject == subject)
                            .order_by(questions.c.id.desc())).all()
    return [_question(r) for r in rows]


def help_entries(engine: Engine, search: str = "", limit: int = 100) -> list[Question]:
    """Published answers whose question or answer contains every word of `search` (any case), newest first."""
    query = select(questions).where(questions.c.published.is_(True), questions.c.answer.is_not(None))
    for word in search.lower().split()[:8]:
        pattern = f"%{word.replace('%', '').replace('_', '')}%"
        query = query.where(or_(questions.c.title.ilike(pattern), questions.c.body.ilike(pattern),
                                questions.c.answer.ilike(pattern)))
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(questions.c.answered_at.desc()).limit(limit)).all()
    return [_question(r) for r in rows]
