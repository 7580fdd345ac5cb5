"""Fixtures of the identity tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .local_provider import LocalProvider


@pytest.fixture
def provider() -> Iterator[LocalProvider]:
    local = LocalProvider()
    yield local
    local.close()
