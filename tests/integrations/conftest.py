"""Migration and finance tests: an App over the session's deployed ledger (rewound after each test), with its
read model in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from govledger.app import App
from govledger.ledger import Ledger
from govledger.signers import DemoSigner


@pytest.fixture
def app(ledger: Ledger, tmp_path: Path) -> Iterator[App]:
    """The ledger's deployment is put back afterwards: a RecordAnchor deployed by a test is rewound with the
    chain, so the session ledger must forget it too."""
    deployment = ledger.deployment
    app = App(ledger, signer=DemoSigner(), db_url=f"sqlite:///{tmp_path / 'readmodel.sqlite'}")
    yield app
    app.engine.dispose()
    ledger._attach(deployment)
