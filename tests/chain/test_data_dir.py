"""Only an explicit create makes a chain: a lost chain file is refused, a mistyped directory stays untouched."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from govledger.chain import ChainError, ChainMissingError, NoLedgerError, open_embedded_chain, read_head
from govledger.ledger import Ledger


def make_chain(data_dir: Path, *extra_files: str) -> None:
    with open_embedded_chain(data_dir, create=True):
        pass
    for name in extra_files:
        (data_dir / name).write_text("{}")


def test_missing_directory_is_refused_and_not_created(tmp_path: Path) -> None:
    typo = tmp_path / "ledgr"
    with pytest.raises(NoLedgerError, match=f"no ledger in {typo} .*`govledger --data-dir {typo} init`"):
        open_embedded_chain(typo)
    with pytest.raises(NoLedgerError):
        Ledger.open(str(typo))
    assert not typo.exists()


def test_empty_directory_is_refused_and_left_empty(tmp_path: Path) -> None:
    with pytest.raises(NoLedgerError, match="chain.sqlite is missing"):
        Ledger.open(tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("damage", ["deleted", "truncated"])
@pytest.mark.parametrize("witness", ["deployment.json", "readmodel.sqlite"])
def test_lost_chain_is_refused_even_by_create(tmp_path: Path, damage: str, witness: str) -> None:
    make_chain(tmp_path, witness)
    chain_file = tmp_path / "chain.sqlite"
    for leftover in tmp_path.glob("chain.sqlite-*"):
        leftover.unlink()
    if damage == "deleted":
        chain_file.unlink()
    else:
        chain_file.write_bytes(b"")
    state = "is missing" if damage == "deleted" else r"is empty \(0 bytes\)"
    for create in (False, True):
        with pytest.raises(ChainMissingError, match=f"has {witness} but its chain file {state}: restore chain.sqlite"):
            open_embedded_chain(tmp_path, create=create)
    # Nothing was made in its place.
    assert chain_file.exists() == (damage == "truncated")
    assert not chain_file.exists() or chain_file.stat().st_size == 0


def test_interrupted_creation_is_finished_only_by_create(tmp_path: Path) -> None:
    # A creation killed before its genesis commit leaves the tables and no block.
    with sqlite3.connect(tmp_path / "chain.sqlite") as conn:
        conn.execute("CREATE TABLE kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID")
        conn.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    with pytest.raises(NoLedgerError, match="holds no genesis block"):
        open_embedded_chain(tmp_path)
    with open_embedded_chain(tmp_path, create=True) as chain:
        assert chain.w3.eth.block_number == 0
    assert read_head(tmp_path) is not None


def test_a_file_that_is_no_database_is_refused(tmp_path: Path) -> None:
    (tmp_path / "chain.sqlite").write_text("not a database, but not empty either")
    with pytest.raises(ChainError, match="cannot open the chain database .*chain.sqlite"):
        open_embedded_chain(tmp_path)


def test_cli_read_on_a_mistyped_data_dir_creates_nothing(tmp_path: Path) -> None:
    from govledger.cli import cli

    typo = tmp_path / "ledgr"
    result = CliRunner().invoke(cli, ["--data-dir", str(typo), "contract", "list"])
    assert result.exit_code == 1
    assert f"no ledger in {typo}" in result.output and "init" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not typo.exists()


def test_cli_refuses_a_ledger_whose_chain_was_deleted_and_keeps_the_read_model(tmp_path: Path) -> None:
    from govledger.cli import cli

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), *args])
        return result.exit_code, result.output

    assert run("init")[0] == 0
    (tmp_path / "chain.sqlite").unlink()
    read_model = (tmp_path / "readmodel.sqlite").read_bytes()
    for command in (["contract", "list"], ["summary"], ["init"]):
        code, output = run(*command)
        assert code == 1, (command, output)
        assert output.count("\n") == 1 and "has deployment.json, readmodel.sqlite but its chain file is missing" in output
    assert not (tmp_path / "chain.sqlite").exists()
    assert (tmp_path / "readmodel.sqlite").read_bytes() == read_model
