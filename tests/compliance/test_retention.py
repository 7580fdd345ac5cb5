"""The retention job: each kind of personal record past its period is removed or trimmed, and only then."""

from __future__ import annotations

import time

import pytest

from govledger.compliance import PersonalData
from govledger.compliance.retention import (
    DAY,
    DEFAULT_DAYS,
    RetentionConfigError,
    run_retention,
)

from .conftest import Scenario, run


def test_dryRun_countsNothingYoung_andChangesNothing(scenario: Scenario) -> None:
    with PersonalData(scenario.data_dir) as stores:
        assert set(run_retention(stores, run=False).values()) == {0}
        assert set(run_retention(stores, run=True).values()) == {0}
        assert stores.directory.find(scenario.who.person) is not None


def test_run_removesWhatIsPastItsPeriod(scenario: Scenario) -> None:
    later = int(time.time()) + (max(DEFAULT_DAYS.values()) + 1) * DAY
    with PersonalData(scenario.data_dir) as stores:
        counted = run_retention(stores, run=False, now=later)
        done = run_retention(stores, run=True, now=later)
        assert run_retention(stores, run=False, now=later) == dict.fromkeys(DEFAULT_DAYS, 0)
        assert stores.directory.find(scenario.who.person) is None  # inactive, no role: erased
        with stores.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM notifications").scalar_one() == 0
            assert conn.exec_driver_sql("SELECT count(*) FROM support_questions").scalar_one() == 0
    assert counted == done
    assert done["notifications"] == done["support_unpublished"] == done["inactive_people"] == 1


def test_clientAddresses_goBeforeTheActivityLine(scenario: Scenario) -> None:
    now = int(time.time()) + (DEFAULT_DAYS["client_addresses"] + 1) * DAY
    with PersonalData(scenario.data_dir) as stores:
        done = run_retention(stores, run=True, now=now)
        with stores.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT client, action FROM server_activity").all()
    assert done["client_addresses"] == 1 and done["activity_log"] == 0
    assert [tuple(r) for r in rows] == [(None, "accept")]


def test_configuredPeriods_replaceTheDefaults(scenario: Scenario) -> None:
    (scenario.data_dir / "privacy.toml").write_text("[retention]\nnotifications = 1\n")
    output = run(scenario.data_dir, "privacy", "retention")
    with PersonalData(scenario.data_dir) as stores:
        assert run_retention(stores, run=False, now=int(time.time()) + 2 * DAY)["notifications"] == 1
    assert "notifications" in output and "dry run" in output


@pytest.mark.parametrize("text, message", [("[retention]\nforever = 3\n", "unknown retention kind 'forever'"),
                                           ("[retention]\nnotifications = 0\n", "must be a positive number")])
def test_badConfiguration_isRefused(scenario: Scenario, text: str, message: str) -> None:
    (scenario.data_dir / "privacy.toml").write_text(text)
    with PersonalData(scenario.data_dir) as stores, pytest.raises(RetentionConfigError, match=message):
        run_retention(stores, run=False)
