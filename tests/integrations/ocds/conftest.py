"""An App over the session's deployed in-memory ledger (rewound after each test) with its own read model."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from govledger.app import App
from govledger.integrations.ocds.config import MappingConfig
from govledger.integrations.ocds.journal import Journal
from govledger.ledger import Ledger
from govledger.signers import DemoSigner

from .samples import MAPPING

try:
    import tomllib
except ImportError:  # pragma: no cover
    import tomli as tomllib


@pytest.fixture
def app(ledger: Ledger) -> Iterator[App]:
    opened = App(ledger, signer=DemoSigner())
    yield opened
    if opened._engine is not None:
        opened._engine.dispose()  # the ledger belongs to the session fixture: not closed here


@pytest.fixture
def config() -> MappingConfig:
    return MappingConfig.from_dict(tomllib.loads(MAPPING), "mapping.toml")


@pytest.fixture
def journal(tmp_path) -> Iterator[Journal]:
    opened = Journal(tmp_path / "journal.sqlite")
    yield opened
    opened.close()
