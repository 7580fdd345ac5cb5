"""The guides' tests use the browser tests' real `govledger serve` on the pilot and Debian's chromium."""

from web.conftest import browser, server  # noqa: F401  (fixtures, shared with tests/web)
