"""The API fuzzed from its own OpenAPI spec (schemathesis, input that fits the spec and input that
breaks it): no input makes the server fail (5xx).

CI runs a short bounded pass; `make fuzz-server` a longer one (GOVLEDGER_FUZZ_EXAMPLES examples per
operation). Driven through hypothesis directly: schemathesis' pytest plugin does not run on pytest 9.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from govledger.app import App
from govledger.server import ServerSettings, create_app

EXAMPLES = int(os.environ.get("GOVLEDGER_FUZZ_EXAMPLES", "5"))
WHO = ("official", "contractor", "inspector1", "admin", "auditor", "arbiter", "guardian")


def test_no_input_makes_the_server_fail(app: App) -> None:
    api = create_app(app, ServerSettings(writes_per_minute=1_000_000, sign_ins_per_minute=1_000_000),
                     follow_chain=False)
    schema = schemathesis.openapi.from_asgi("/openapi.json", api)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    failures: list[str] = []
    calls = 0

    for operation, mode in [(op, mode) for op in operations for mode in GenerationMode]:  # valid and invalid input
        @given(case=operation.as_strategy(mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case: Any) -> None:
            nonlocal calls
            who = WHO[calls % len(WHO)]
            calls += 1
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer dev:{who}"}
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} as {who}: {response.status_code} "
                                f"{response.text[:300]}")

        try:
            call()
        except Unsatisfiable:  # nothing to break in an operation without parameters
            assert mode is GenerationMode.NEGATIVE
    print(f"fuzzed {len(operations)} operations with {calls} requests, {len(failures)} server errors")
    assert not failures, "\n".join(failures[:10])
