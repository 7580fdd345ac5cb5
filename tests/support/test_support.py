"""The support desk: asking, answering (the asker hears of it), the searchable help page."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool

from govledger.notifications import Person, inbox, remember
from govledger.support import (
    QuestionNotFoundError,
    SupportInputError,
    answer,
    ask,
    asked_by,
    create_tables,
    help_entries,
    open_questions,
)


@pytest.fixture
def engine():  # type: ignore[no-untyped-def]
    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    create_tables(engine)
    return engine


def test_answeredQuestion_reachesTheAskersInbox_andTheHelpPage(engine) -> None:  # type: ignore[no-untyped-def]
    remember(engine, Person("sub-c", "Contractor", None, ("contractor",)))
    number = ask(engine, kind="question", title="Bagaimana cara menarik pembayaran?", body="Tombolnya di mana?",
                 page="/contracts/x", subject="sub-c")
    other = ask(engine, kind="problem", title="Upload fails", body="PDF of 3 MB is refused")
    assert [q.id for q in open_questions(engine)] == [number, other]
    assert help_entries(engine) == []  # nothing answered yet
    answered = answer(engine, number, staff="sub-admin", text="Buka Pembayaran saya, lalu Tarik.")
    assert answered.answer == "Buka Pembayaran saya, lalu Tarik." and answered.published
    assert [q.id for q in open_questions(engine)] == [other]
    note = inbox(engine, "sub-c")[0]
    assert note.kind == "support_answer" and note.params["question"] == number and note.link == f"/support/{number}"
    assert [q.id for q in help_entries(engine, "PEMBAYARAN tarik")] == [number]
    assert help_entries(engine, "pembayaran upload") == []
    assert [q.id for q in asked_by(engine, "sub-c")] == [number]


def test_unpublishedAnswer_staysOffTheHelpPage(engine) -> None:  # type: ignore[no-untyped-def]
    number = ask(engine, kind="problem", title="My NIK is wrong", body="private details")
    answer(engine, number, staff="sub-admin", text="Fixed for you.", publish=False)
    assert help_entries(engine) == [] and help_entries(engine, "NIK") == []


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"kind": "rant", "title": "x", "body": "y"}, "kind must be question or problem, not 'rant'"),
    ({"kind": "question", "title": "  ", "body": "y"}, "the title is empty"),
    ({"kind": "question", "title": "x" * 201, "body": "y"}, "the title has 201 characters; at most 200"),
])
def test_ask_refusesWhatCannotBeStored(engine, kwargs, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SupportInputError, match=message):
        ask(engine, **kwargs)


def test_answer_refusesAnUnknownQuestionAndAnEmptyAnswer(engine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QuestionNotFoundError, match="no support question #42"):
        answer(engine, 42, staff="s", text="hello")
    number = ask(engine, kind="question", title="x", body="y")
    with pytest.raises(SupportInputError, match="the answer is empty"):
        answer(engine, number, staff="s", text=" ")
