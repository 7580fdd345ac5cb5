"""Hypothesis profiles for the property tests, and the `mutation` marker.

Profiles: ``ci`` (default) and ``long``; pick one with ``GOVLEDGER_PROFILE=long``.
Mutation tests compile seeded-bug copies of contracts/ and run only with ``GOVLEDGER_MUTATION=1``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

_COMMON = dict(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("ci", max_examples=10, stateful_step_count=30, **_COMMON)
settings.register_profile("long", max_examples=256, stateful_step_count=500, **_COMMON)
settings.load_profile(os.environ.get("GOVLEDGER_PROFILE", "ci"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "mutation: compiles a seeded-bug copy of contracts/ (needs GOVLEDGER_MUTATION=1)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("GOVLEDGER_MUTATION") == "1":
        return
    skip = pytest.mark.skip(reason="mutation test: set GOVLEDGER_MUTATION=1 to compile and run it")
    for item in items:
        if "mutation" in item.keywords:
            item.add_marker(skip)
