"""Small parts of the server on their own: which faults are 503, and the JSON log lines."""

from __future__ import annotations

import json
import logging

import requests
from web3.exceptions import ProviderConnectionError

from govledger.chain import ChainError
from govledger.errors import GovLedgerValueError, NotFoundError
from govledger.server.errors import api_error_of
from govledger.server.runner import JsonFormatter


def test_a_chain_that_does_not_answer_is_503_whatever_raised_it() -> None:
    for exc in (requests.exceptions.ConnectionError("refused"), requests.exceptions.ReadTimeout("slow"),
                ProviderConnectionError("down"), ChainError("closed"), TimeoutError()):
        error = api_error_of(exc)
        assert (error.status, error.code) == (503, "chain_unavailable"), exc
        assert error.headers == {"Retry-After": "5"}


def test_ledger_errors_keep_their_meaning() -> None:
    assert api_error_of(NotFoundError("no such thing")).status == 404
    assert api_error_of(GovLedgerValueError("bad")).status == 422
    unexpected = api_error_of(KeyError("x"))
    assert (unexpected.status, unexpected.code) == (500, "internal_error") and "x" not in unexpected.message


def test_log_lines_are_json_objects() -> None:
    record = logging.LogRecord("govledger.server", logging.INFO, __file__, 1,
                               json.dumps({"event": "action", "action": "fund"}), None, None)
    line = json.loads(JsonFormatter().format(record))
    assert line["action"] == "fund" and line["level"] == "info" and line["time"].endswith("Z")
    plain = json.loads(JsonFormatter().format(logging.LogRecord("x", logging.WARNING, __file__, 1, "plain %s",
                                                                ("text",), None)))
    assert plain["message"] == "plain text"
