"""`make run`'s guide names the address and a demo sign-in for every role, and each one works."""

from __future__ import annotations

import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from govledger.web.demo import ROLES, guide

from .conftest import sign_in


def test_the_guide_names_the_address_and_an_account_for_every_role() -> None:
    text = subprocess.run([sys.executable, "-m", "govledger.web.demo", "http://127.0.0.1:8000"],
                          capture_output=True, text=True, check=True).stdout
    assert text == guide("http://127.0.0.1:8000") + "\n"
    assert "http://127.0.0.1:8000/signin" in text and "DEVELOPMENT" in text
    for role, accounts, home in ROLES:
        assert role in text and accounts[0] in text and f"http://127.0.0.1:8000{home}" in text


@pytest.mark.parametrize(("accounts", "home"), [(accounts, home) for _, accounts, home in ROLES])
def test_each_demo_sign_in_of_the_guide_reaches_its_home(browser_client: TestClient, accounts: tuple[str, ...],
                                                         home: str) -> None:
    for account in accounts:
        sign_in(browser_client, account)
        assert browser_client.get(home).status_code == 200
