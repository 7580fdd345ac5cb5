"""What every command shares: the application object, the read model, who signs, how results are printed.

A thin wrapper over `govledger.app.App`, opened on first use. Read commands ask :meth:`AppContext.reader`
first: when the read model is as far as the chain (whose head the chain file records), they answer from
it without opening the chain (no lock, no web3, no py-evm).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..accounts import DEMO_ROLES
from ..errors import GovLedgerValueError, NotFoundError
from ..money import parse_rupiah
from ..signers import DemoSigner, KeystoreSigner
from ..types import Address, Sen

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

    from ..app import App
    from ..ledger import Ledger
    from ..reads import ReadModelReader

F = TypeVar("F", bound=Callable[..., Any])
NOT_DEPLOYED = "the ledger is not deployed here: run `govledger init` (or scripts/deploy.py) first"


class AppContext:
    """Opens the App on first use, once per command, and closes it when the command ends."""

    def __init__(self, data_dir: Path, rpc_url: str | None, manifest: Path | None,
                 gas_price: int | None = None) -> None:
        self.data_dir = data_dir
        self.rpc_url = rpc_url
        self.manifest = manifest
        self.gas_price = gas_price
        self.create = False  # only `init` sets it: no other command makes a chain
        self.lock_timeout: float | None = None  # None: the ledger's default wait for another writer
        self.db_url: str | None = None  # a command's --db (default: SQLite in the data directory)
        self._app: App | None = None
        self._reader: ReadModelReader | None = None
        self._served: str | None = None

    @property
    def served_rpc_url(self) -> str | None:
        """The /rpc URL of a `govledger serve` holding this data directory (never with --rpc-url): the
        command then goes through it instead of waiting for the chain lock, and leaves indexing to it."""
        if self.rpc_url is not None:
            return None
        if self._served is None:
            from ..server.locate import running_server

            self._served = running_server(self.data_dir) or ""
        return self._served or None

    @property
    def app(self) -> App:
        if self._app is None:
            from ..app import App

            self._app = App.open(self.data_dir, rpc_url=self.rpc_url or self.served_rpc_url,
                                 manifest=self.manifest, gas_price=self.gas_price, create=self.create, lock_timeout=self.lock_timeout,
                                 signer=DemoSigner(), db_url=self.db_url)
        return self._app

    @property
    def ledger(self) -> Ledger:
        return self.app.ledger

    def reader(self) -> ReadModelReader:
        """The read model, brought up to date first when it is behind and the chain is free.

        When another process holds the chain, the read model answers as it is, and a warning on stderr
        says how many blocks it is behind. On a node (--rpc-url) the read model is synced every time.
        """
        if self._reader is None:
            self._reader = self._open_reader()
        return self._reader

    def _open_reader(self) -> ReadModelReader:
        from ..chain.head import read_head
        from ..reads import READ_MODEL_FILE, ReadModelReader

        if self.served_rpc_url is not None:  # the server indexes every block before it answers
            return ReadModelReader.over_sqlite(self.data_dir / READ_MODEL_FILE)
        if self.rpc_url is not None:
            self._sync_or_refuse()
            return self.app.reads
        head = read_head(self.data_dir)
        path = self.data_dir / READ_MODEL_FILE
        if head is None or not path.is_file():  # no chain, an old one, or never indexed: the App says which
            self._sync_or_refuse()
            return ReadModelReader.over_sqlite(path)
        reader = ReadModelReader.over_sqlite(path)
        checkpoint = reader.checkpoint()
        if checkpoint is not None and (checkpoint.block_number, checkpoint.block_hash) == (head.number, head.hash):
            return reader
        if checkpoint is not None and not os.access(self.data_dir, os.W_OK):
            click.echo(f"note: {self.data_dir} is read-only: the read model answers as of block "
                       f"{checkpoint.block_number} (the chain is at {head.number})", err=True)
            return reader
        from ..chain import ChainLockedError

        try:
            self.lock_timeout = 0.0  # a read never waits for a writer
            self._sync_or_refuse()
        except ChainLockedError as exc:
            indexed = checkpoint.block_number if checkpoint else None
            behind = head.number - indexed if indexed is not None else head.number
            if checkpoint is None:
                raise NotFoundError(f"the read model is empty and {exc}") from None
            click.echo(f"warning: the chain is in use by another process; the read model is {behind} "
                       f"block{'s' if behind != 1 else ''} behind (block {indexed} of {head.number})", err=True)
        return reader

    def _sync_or_refuse(self) -> None:
        if self.app.sync() is None:
            raise NotFoundError(NOT_DEPLOYED)

    def close(self) -> None:
        """Bring the read model up to date (embedded chain: index as you write), then close the chain."""
        if self._reader is not None:
            self._reader.close()
        if self._app is None:
            return
        try:
            if self._app.read_only:
                click.echo(f"note: {self.data_dir} is read-only: the read model was not brought up to date", err=True)
            elif self.rpc_url is None and self.served_rpc_url is None:
                self._app.sync()
        except Exception as exc:  # the command itself succeeded; `audit replay` can catch up later
            click.echo(f"warning: the read model was not updated ({exc}); run `govledger audit replay`", err=True)
        finally:
            self._app.close()


pass_app = click.make_pass_decorator(AppContext)


def signer_options(func: F) -> F:
    """`--as NAME` (a demo account) or `--keystore FILE` (password in $GOVLEDGER_PASSWORD)."""
    func = click.option("--keystore", type=click.Path(path_type=Path, dir_okay=False),
                        help="Encrypted key file of the signer; password from $GOVLEDGER_PASSWORD.")(func)
    return click.option("--as", "as_", metavar="NAME", help=f"Sign as a demo account: {', '.join(DEMO_ROLES)}.")(func)


def signer(as_: str | None, keystore: Path | None) -> LocalAccount:
    """The account that signs this command: a keystore file, or a demo account by role name."""
    if keystore is not None:
        return KeystoreSigner(password_env="GOVLEDGER_PASSWORD").account(str(keystore))
    if as_ is None:
        raise GovLedgerValueError("say who signs: --as NAME (demo account) or --keystore FILE")
    return DemoSigner().account(as_)


def is_account(name_or_address: str) -> bool:
    """A demo account name or a 0x address (rather than an ocid); told apart without eth_utils."""
    return name_or_address in DEMO_ROLES or re.fullmatch(r"0x[0-9a-fA-F]{40}", name_or_address) is not None


def address_of(name_or_address: str) -> Address:
    """A demo account name or a 0x address."""
    from eth_utils import is_address, to_checksum_address

    if is_address(name_or_address):
        return Address(to_checksum_address(name_or_address))
    return Address(DemoSigner().account(name_or_address).address)


def rupiah(_ctx: Any, _param: Any, value: str | None) -> Sen | None:
    """click callback: a Rupiah amount argument -> sen."""
    return None if value is None else parse_rupiah(value)


def hash_options(what: str, help: str) -> Callable[[F], F]:
    """`--WHAT FILE` (hashed here; the document stays off chain) or `--WHAT-hash HEX`."""

    def decorate(func: F) -> F:
        func = click.option(f"--{what}-hash", f"{what}_hash", help=f"The {what}'s 32-byte hash as hex, instead of --{what}.")(func)
        return click.option(f"--{what}", type=click.Path(path_type=Path, exists=True, dir_okay=False),
                            help=f"{help}; only its hash goes on chain.")(func)

    return decorate


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def document_hash(path: Path | None, hex_hash: str | None, what: str) -> bytes:
    """The keccak256 of a document file, or a hash given as hex: documents themselves stay off chain."""
    if path is not None:
        from eth_utils import keccak

        return keccak(path.read_bytes())
    if hex_hash is not None:
        raw = bytes.fromhex(hex_hash.removeprefix("0x")) if _is_hex(hex_hash) else b""
        if len(raw) != 32:
            raise GovLedgerValueError(f"--{what}-hash must be 32 bytes of hex, got {hex_hash!r}")
        return raw
    raise GovLedgerValueError(f"give the {what}: --{what} FILE or --{what}-hash HEX")


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text.removeprefix("0x"))
    except ValueError:
        return False
    return True


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # asdict would deep-copy every value
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, enum.Enum):
        return value.name.lower()
    if isinstance(value, date):
        return value.isoformat()
    return value


def emit(as_json: bool, value: Any, text: Callable[[], str]) -> None:
    """Print `value` as JSON, or the person-readable `text()`."""
    click.echo(json.dumps(to_jsonable(value), indent=2) if as_json else text())
