"""Inboxes filled from the ledger's events, per-person choices, and email through a real local SMTP server."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from govledger.app import App
from govledger.ledger import Ledger
from govledger.notifications import (
    MailConfigError,
    Notifier,
    Person,
    SmtpSettings,
    UnknownKindError,
    inbox,
    mark_read,
    preferences,
    remember,
    send_pending,
    set_preferences,
    unread_count,
)
from govledger.types import ContractSpec

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import ACCOUNTS, make_spec

PEOPLE = {
    "inspector1": ("inspector", None), "inspector2": ("inspector", None), "inspector3": ("inspector", None),
    "contractor": ("contractor", None), "official": ("official", "DEMO-DPUPR-KAB-CONTOH"), "auditor": ("auditor", None),
    "arbiter": ("arbiter", None),
}


@pytest.fixture
def app(ledger: Ledger) -> Iterator[App]:
    opened = App(ledger)  # the session's ledger, a fresh in-memory read model
    notifier = Notifier(opened, flags=False, clock=lambda: 0)
    opened.subscribe(notifier)
    for name, (role, agency) in PEOPLE.items():
        remember(opened.engine, Person(f"sub-{name}", name.title(), ACCOUNTS[name].address, (role,), agency,
                                       f"{name}@example.test"))
    opened.notifier = notifier  # type: ignore[attr-defined]
    yield opened
    opened.engine.dispose()


def started(app: App, ocid: str, *, funded: bool = True, submitted: bool = True) -> ContractSpec:
    """A contract of the demo parties, accepted, and (by default) funded with milestone 0 submitted."""
    a, spec = ACCOUNTS, make_spec(ocid)
    app.ledger.register(a["official"], spec)
    app.ledger.accept(a["contractor"], spec.ocid)
    if funded:
        app.ledger.fund(a["official"], spec.ocid, spec.value)
    if submitted:
        app.ledger.submit(a["contractor"], spec.ocid, 0, b"\x01" * 32)
    return spec


def kinds(app: App, name: str) -> list[str]:
    return [n.kind for n in inbox(app.engine, f"sub-{name}")]


def test_submission_notifiesTheAssignedInspectors_payment_theContractorAndOfficial_onceEach(app: App) -> None:
    a, spec = ACCOUNTS, started(app, "ocds-ntf001-0001")
    app.sync()
    assert kinds(app, "inspector1") == kinds(app, "inspector3") == ["approval_waiting"]
    assert kinds(app, "contractor") == []
    app.ledger.approve(a["inspector1"], spec.ocid, 0, b"\x02" * 32)
    app.ledger.approve(a["inspector2"], spec.ocid, 0, b"\x03" * 32)
    app.sync()
    app.sync()  # heard twice: nothing new
    assert app.notifier.run() == 0  # type: ignore[attr-defined]
    assert kinds(app, "contractor") == kinds(app, "official") == ["payment_released"]
    paid = inbox(app.engine, "sub-contractor")[0]
    assert paid.params["ocid"] == spec.ocid and paid.params["amount"] > 0 and paid.link == f"/contract/{spec.ocid}"
    app.ledger.raise_dispute(a["contractor"], spec.ocid, b"\x04" * 32)
    app.sync()
    for name in ("contractor", "official", "arbiter", "auditor"):
        assert kinds(app, name)[0] == "dispute_opened", name
    assert "dispute_opened" not in kinds(app, "inspector1")


def test_deadlineNear_reachesTheContractorOnce(app: App) -> None:
    spec = started(app, "ocds-ntf001-0002", funded=False, submitted=False)
    app.sync()
    due = app.reads.detail(spec.ocid).milestones[0].due
    from datetime import datetime, timezone

    day_before = int(datetime(due.year, due.month, due.day, tzinfo=timezone.utc).timestamp()) - 86400
    quiet = Notifier(app, flags=False, clock=lambda: day_before - 30 * 86400)
    assert quiet.run() == 0
    near = Notifier(app, flags=False, clock=lambda: day_before)
    assert near.run() == 1 and near.run() == 0
    assert inbox(app.engine, "sub-contractor")[0].params == {"ocid": spec.ocid, "milestone": 0, "due": str(due),
                                                              "amount": spec.milestones[0].amount}


def test_redFlag_reachesAuditorsAndTheAgencysOfficials(app: App) -> None:
    started(app, "ocds-ntf001-0003", funded=False, submitted=False)
    app.sync()
    late = Notifier(app, clock=lambda: 4_102_444_800)  # 2100: every milestone overdue
    assert late.run() > 0 and late.run() == 0
    assert "red_flag" in kinds(app, "auditor") and "red_flag" in kinds(app, "official")
    assert "red_flag" not in kinds(app, "contractor")


def test_preferences_turnAKindOff_andRefuseAnUnknownKind(app: App) -> None:
    assert preferences(app.engine, "sub-inspector3")["approval_waiting"] == (True, True)
    set_preferences(app.engine, "sub-inspector3", {"approval_waiting": (False, False)})
    with pytest.raises(UnknownKindError, match="no notification kind 'gossip'"):
        set_preferences(app.engine, "sub-inspector3", {"gossip": (True, True)})
    started(app, "ocds-ntf001-0004")
    app.sync()
    assert kinds(app, "inspector3") == [] and kinds(app, "inspector2") == ["approval_waiting"]
    assert unread_count(app.engine, "sub-inspector2") == 1
    assert mark_read(app.engine, "sub-inspector1", [inbox(app.engine, "sub-inspector2")[0].id]) == 0  # not theirs
    assert mark_read(app.engine, "sub-inspector2") == 1 and unread_count(app.engine, "sub-inspector2") == 0


class _Collect:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Controller, _Collect]]:
    handler = _Collect()
    import socket

    with socket.socket() as probe:  # a free port (the controller cannot start on port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, handler
    controller.stop()


def test_email_goesOutOverSmtp_neverTwice(app: App, smtp: tuple[Controller, _Collect]) -> None:
    controller, handler = smtp
    set_preferences(app.engine, "sub-inspector1", {"approval_waiting": (True, False)})  # inbox only
    started(app, "ocds-ntf001-0005")
    app.sync()
    settings = SmtpSettings(host="127.0.0.1", port=controller.port,
                            sender="noreply@govledger.test", base_url="https://ledger.example")
    assert send_pending(app.engine, settings) == 2
    assert send_pending(app.engine, settings) == 0
    assert sorted(r[0] for r, _ in handler.messages) == ["inspector2@example.test", "inspector3@example.test"]
    body = handler.messages[0][1].decode()
    assert "A milestone waits for your approval: ocds-ntf001-0005" in body
    assert "https://ledger.example/contract/ocds-ntf001-0005" in body


def test_smtpSettings_refuseWhatCannotWork() -> None:
    with pytest.raises(MailConfigError, match="tls must be none, starttls or ssl, not 'tls13'"):
        SmtpSettings(tls="tls13")
    with pytest.raises(MailConfigError, match="GOVLEDGER_SMTP_PORT must be a number, not 'abc'"):
        SmtpSettings.from_env({"GOVLEDGER_SMTP_HOST": "mail", "GOVLEDGER_SMTP_PORT": "abc"})
    with pytest.raises(MailConfigError, match="sender must be an email address"):
        SmtpSettings(sender="nobody")
    assert SmtpSettings.from_env({}) is None
    assert SmtpSettings.from_env({"GOVLEDGER_SMTP_HOST": "mail", "GOVLEDGER_SMTP_TLS": "starttls"}).tls == "starttls"


def test_redFlags_areCheckedAtMostOncePerInterval(app: App) -> None:
    replays: list[int] = []
    original = app.flags
    app.flags = lambda as_of=None, settings=None: replays.append(1) or original(as_of, settings)  # type: ignore[method-assign]
    app.subscribe(Notifier(app, flag_interval=3600, clock=lambda: 0))
    started(app, "ocds-ntf001-0006", funded=False, submitted=False)
    app.sync()
    app.ledger.fund(ACCOUNTS["official"], "ocds-ntf001-0006", 1_000_00)
    app.sync()
    assert len(replays) == 1


def test_setEmail_refusesWhatIsNotAnAddress_andAnUnknownPerson(app: App) -> None:
    from govledger.notifications import BadEmailError, person, set_email

    set_email(app.engine, "sub-inspector1", " pphp1@example.test ")
    assert person(app.engine, "sub-inspector1").email == "pphp1@example.test"  # type: ignore[union-attr]
    with pytest.raises(BadEmailError, match="not an email address: 'x@y'"):
        set_email(app.engine, "sub-inspector1", "x@y")
    with pytest.raises(BadEmailError, match="no person 'sub-nobody' is known"):
        set_email(app.engine, "sub-nobody", "a@b.test")
    set_email(app.engine, "sub-inspector1", "")
    assert person(app.engine, "sub-inspector1").email is None  # type: ignore[union-attr]
