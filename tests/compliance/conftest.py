"""Fixtures of the compliance tests: the pilot ledger in a data directory (built once per session), and a
scenario on a copy of it in which one real-looking person leaves data in every store that holds any."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from eth_utils import keccak

import govledger.web  # noqa: F401  (first: govledger.notifications imported alone is a circular import today)
from govledger.accounts import demo_accounts
from govledger.app import App
from govledger.cli import cli
from govledger.compliance import Commitments, PersonalData
from govledger.identity.custody import CustodialSigner
from govledger.identity.directory import PersonDirectory
from govledger.integrations.migration.anchor import Anchors
from govledger.ledger import Ledger
from govledger.notifications import store as notify_store
from govledger.oversight import feedback
from govledger.oversight.service import Actor, Oversight
from govledger.pilot import PILOT_AGENCY, setup_roles
from govledger.readmodel import open_read_model
from govledger.server.store import ActivityLog
from govledger.server.store import create_tables as create_server_tables
from govledger.signers import DemoSigner
from govledger.support import store as support_store
from govledger.web.documents import DocumentStore

SERVER_KEY = b"s" * 48
ISSUER = "https://sso.example.go.id"


@dataclass(frozen=True)
class Somebody:
    """One person (fictional) and every personal field the scenario stores about them."""

    subject: str = "siti.aminah.3273"
    name: str = "Siti Aminah Wulandari"
    email: str = "siti.aminah@penyedia-contoh.co.id"
    nik: str = "3273015508900042"  # region 327301, born 15-08-1990 (+40: a woman), serial 0042
    client: str = "203.0.113.77"
    question: str = "Kenapa pembayaran saya untuk Siti Aminah Wulandari tertunda?"

    @property
    def person(self) -> str:
        return f"{ISSUER}#{self.subject}"

    def fields(self) -> dict[str, bytes]:
        """Each personal field as the bytes that must never be found where they should not be."""
        return {"subject": self.subject.encode(), "name": self.name.encode(), "email": self.email.encode(),
                "nik": self.nik.encode(), "client address": self.client.encode(), "question": self.question.encode()}


@dataclass(frozen=True)
class Scenario:
    data_dir: Path
    who: Somebody
    keystore: Path
    nik_commitment: str


@pytest.fixture(scope="session")
def pilot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("pilot") / "data"
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "init", "--pilot"])
    assert result.exit_code == 0, result.output
    return data_dir


def run(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args], env=env)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def scenario(pilot_dir: Path, tmp_path: Path) -> Iterator[Scenario]:
    data_dir = tmp_path / "data"
    shutil.copytree(pilot_dir, data_dir)
    who = Somebody()
    custody = CustodialSigner(data_dir / "identity" / "keys", PersonDirectory(data_dir / "identity" / "people.json"), SERVER_KEY)
    entry = custody.enroll(ISSUER, who.subject, name=who.name)
    custody.directory.edit(who.person, refresh_token=custody.seal(who.person, "refresh-token-of-siti"))
    with App.open(data_dir, signer=DemoSigner()) as app:
        engine = app.engine
        support_store.create_tables(engine)
        create_server_tables(engine)
        notify_store.remember(engine, notify_store.Person(who.person, who.name, entry.address, ("contractor",),
                                                          None, who.email))
        with engine.begin() as conn:
            notify_store.notify(conn, notify_store.person(engine, who.person), "payment_released", "paid:1",
                                {"ocid": "ocds-demo01-2026-PUPR-001"}, "/contracts/ocds-demo01-2026-PUPR-001")
        support_store.ask(engine, kind="question", title="Pembayaran tertunda", body=who.question, subject=who.person)
        ActivityLog(engine).record(subject=who.person, account=entry.address, action="accept",
                                   target="ocds-demo01-2026-PUPR-001", client=who.client, outcome="ok")
        DocumentStore(data_dir / "documents", SERVER_KEY).put(
            "ocds-demo01-2026-PUPR-001", "ktp.txt", f"KTP {who.name} NIK {who.nik}".encode(), "evidence", who.person)
        feedback.submit(Oversight(app), Actor(who.person, ("citizen",)), "ocds-demo01-2026-PUPR-001",
                        delivered="partly", timeliness="late", comment="Pekerjaan drainase belum selesai.")
        # An individual supplier is referenced on chain by a commitment to their NIK, never by the NIK.
        with PersonalData(data_dir) as stores:
            digest = Commitments(stores.privacy).commit(who.person, "nik", who.nik)
        anchors = Anchors(app.ledger)
        admin = app.signer.account("admin")
        anchors.ensure_deployed(admin)
        anchors.anchor(admin, PILOT_AGENCY, bytes.fromhex(digest[2:]), 1, "supplier register (individual)")
        app.sync()
    yield Scenario(data_dir, who, custody.keys_dir / entry.keystore, digest)


def served_app(data_dir: Path) -> App:
    """An in-memory ledger with the demo roles whose read model and privacy database live in `data_dir`."""
    ledger = Ledger.open(None)
    accounts = demo_accounts()
    ledger.deploy(accounts["admin"], accounts["treasury"].address)
    setup_roles(ledger)
    return App(ledger, signer=DemoSigner(), engine=open_read_model(None, data_dir), data_dir=data_dir)


def plain_hash(text: str) -> bytes:
    return keccak(text.encode())
