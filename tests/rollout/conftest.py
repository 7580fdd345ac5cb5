"""Sandboxes made once per session by `govledger init --training`: one pilot ledger per test that changes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli.helpers import ok

SANDBOXES = ("isolated", "gates", "advance", "drill", "interrupted", "paused", "plan", "last", "disputed", "move")


@pytest.fixture(scope="session")
def training_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("workshop")
    ok(root, "init", "--training", *(arg for name in SANDBOXES for arg in ("--participant", name)))
    return root


@pytest.fixture(scope="session")
def sandbox(training_root: Path):  # type: ignore[no-untyped-def]
    """The sandbox kept for one test: each test that changes a ledger has its own."""
    return lambda name: training_root / "training" / name
