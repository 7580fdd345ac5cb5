"""The application object: one place that opens the ledger, the read model and a signer."""

from __future__ import annotations

from pathlib import Path

import pytest

from govledger.app import App
from govledger.errors import GovLedgerValueError, NotFoundError
from govledger.pilot import setup_roles
from govledger.readmodel import SyncResult
from govledger.signers import DemoSigner, KeystoreSigner, NoSigner, Signer

from conftest import ACCOUNTS, make_spec


@pytest.fixture
def app() -> App:
    opened = App.open(None, signer=DemoSigner())
    opened.ledger.deploy(ACCOUNTS["admin"], ACCOUNTS["treasury"].address)
    setup_roles(opened.ledger)
    yield opened
    opened.close()


def test_sync_bringsTheReadModelUpToDate_andTellsEverySubscriber(app: App) -> None:
    heard: list[SyncResult] = []
    unsubscribe = app.subscribe(heard.append)
    app.ledger.register(app.signer.account("official"), make_spec("ocds-apptst-0001"))
    result = app.sync()
    assert result is not None and result.events > 0 and heard == [result]
    assert [c.ocid for c in app.reads.contracts()] == ["ocds-apptst-0001"]
    assert app.reads.detail("ocds-apptst-0001").contract.status == "pending"
    unsubscribe()
    app.sync()
    assert len(heard) == 1


def test_checkAndFlags_runTheAuditOverTheSameReadModel(app: App) -> None:
    app.ledger.register(app.signer.account("official"), make_spec("ocds-apptst-0002"))
    app.sync()
    assert app.check().ok
    assert isinstance(app.flags(), list)


def test_reads_refuseAnUnknownContract(app: App) -> None:
    app.sync()
    with pytest.raises(NotFoundError, match="no contract ocds-apptst-9999 is registered"):
        app.reads.detail("ocds-apptst-9999")


def test_close_isIdempotent_andTheAppIsAContextManager() -> None:
    with App.open(None) as app:
        assert app.sync() is None  # nothing deployed: nothing to index, no one told
        assert isinstance(app.signer, NoSigner)
    app.close()
    with pytest.raises(NotFoundError, match="signs nothing"):
        app.signer.account("official")


def test_signers_implementTheProtocol(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from eth_account import Account

    key = Account.create()
    (tmp_path / "k.json").write_text(__import__("json").dumps(Account.encrypt(key.key, "pw", iterations=2)))
    for signer in (DemoSigner(), KeystoreSigner(tmp_path), NoSigner()):
        assert isinstance(signer, Signer)
    monkeypatch.delenv("GOVLEDGER_PASSWORD", raising=False)
    with pytest.raises(GovLedgerValueError, match="GOVLEDGER_PASSWORD"):
        KeystoreSigner(tmp_path).account("k.json")
    monkeypatch.setenv("GOVLEDGER_PASSWORD", "pw")
    assert KeystoreSigner(tmp_path).account("k.json").address == key.address
    with pytest.raises(NotFoundError, match="no keystore"):
        KeystoreSigner(tmp_path).account("missing.json")
    assert DemoSigner().account("official").address == ACCOUNTS["official"].address


def test_demoAddresses_areTheDemoKeysAddresses() -> None:
    from govledger.accounts import DEMO_ADDRESSES, demo_accounts

    assert DEMO_ADDRESSES == {name: a.address for name, a in demo_accounts().items()}


def test_inMemoryReadModel_isOneDatabaseForEveryThread(app: App) -> None:
    """A server answers from request threads: each must see what the syncing thread wrote."""
    import threading

    app.ledger.register(app.signer.account("official"), make_spec("ocds-apptst-0003"))
    app.sync()
    seen: list[list[str]] = []
    reader = threading.Thread(target=lambda: seen.append([c.ocid for c in app.reads.contracts()]))
    reader.start()
    reader.join()
    assert seen == [["ocds-apptst-0003"]]
