"""A ledger initialised once per test module, reopened by every CLI call."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import ok


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ledger")
    ok(path, "init")
    return path
