"""The writer's lock: nothing deletable from under its holder, a bounded wait, a named holder; reads need none."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from govledger.chain import ChainLockedError, ChainReadOnlyError, open_embedded_chain
from govledger.errors import GovLedgerValueError

HOLDER = """
import sys, time
from govledger.chain import open_embedded_chain
with open_embedded_chain(sys.argv[1]):
    print("ready", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    with open_embedded_chain(tmp_path, create=True):
        pass
    return tmp_path


@contextmanager
def held_by_child(data_dir: Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the writer's lock for `seconds`."""
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(data_dir), str(seconds)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline() == "ready\n", child.stderr
        yield child
    finally:
        child.kill()
        child.wait()


def test_deleting_the_files_beside_the_chain_lets_no_second_writer_in(data_dir: Path) -> None:
    with held_by_child(data_dir, 60) as child:
        for path in data_dir.iterdir():
            if not path.name.startswith("chain.sqlite"):  # writer.json, and the old chain.lock
                path.unlink()
        with pytest.raises(ChainLockedError, match=f"held by process {child.pid} "):
            open_embedded_chain(data_dir, lock_timeout=0)


def test_a_second_open_in_the_same_process_is_refused(data_dir: Path) -> None:
    with open_embedded_chain(data_dir):
        (data_dir / "writer.json").unlink()
        with pytest.raises(ChainLockedError, match=f"process {os.getpid()}"):
            open_embedded_chain(data_dir, lock_timeout=0)


def test_a_writer_waits_for_the_holder_to_finish(data_dir: Path) -> None:
    with held_by_child(data_dir, 1.0):
        started = time.monotonic()
        with open_embedded_chain(data_dir, lock_timeout=30) as chain:
            waited = time.monotonic() - started
            assert chain.w3.eth.block_number == 0
    assert 0.3 < waited < 30


def test_a_writer_gives_up_after_the_timeout_and_says_who_holds_the_lock(data_dir: Path) -> None:
    with held_by_child(data_dir, 60) as child:
        started = time.monotonic()
        with pytest.raises(ChainLockedError) as refused:
            open_embedded_chain(data_dir, lock_timeout=0.5)
        assert 0.5 <= time.monotonic() - started < 5
    message = str(refused.value)
    assert f"held by process {child.pid} (-c {data_dir} 60) since 20" in message
    assert "waited 0.5 s (GOVLEDGER_LOCK_TIMEOUT)" in message
    assert refused.value.waited == 0.5


def test_the_timeout_comes_from_the_environment(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_embedded_chain(data_dir):
        monkeypatch.setenv("GOVLEDGER_LOCK_TIMEOUT", "0.3")
        started = time.monotonic()
        with pytest.raises(ChainLockedError, match="waited 0.3 s"):
            open_embedded_chain(data_dir)
        assert 0.3 <= time.monotonic() - started < 3
        monkeypatch.setenv("GOVLEDGER_LOCK_TIMEOUT", "soon")
        with pytest.raises(GovLedgerValueError, match="GOVLEDGER_LOCK_TIMEOUT must be a number of seconds, got 'soon'"):
            open_embedded_chain(data_dir)
    with pytest.raises(GovLedgerValueError, match="0 or more seconds, got -1"):
        open_embedded_chain(data_dir, lock_timeout=-1)


def test_a_reader_needs_no_lock_and_cannot_write(data_dir: Path) -> None:
    with open_embedded_chain(data_dir) as writer, open_embedded_chain(data_dir, read_only=True) as reader:
        assert reader.read_only and not writer.read_only
        assert reader.w3.eth.get_block("latest")["hash"] == writer.w3.eth.get_block("latest")["hash"]
        with pytest.raises(ChainReadOnlyError, match="reading only"):
            reader.w3.eth.send_raw_transaction(b"\x02")


def test_a_cli_writer_waits_then_names_the_holder(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from govledger.cli import cli

    monkeypatch.setenv("GOVLEDGER_LOCK_TIMEOUT", "0.4")
    with held_by_child(data_dir, 60) as child:
        result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "init"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: chain data directory {data_dir} is held by process {child.pid} (-c ")
    assert "waited 0.4 s" in result.output and result.output.count("\n") == 1
