"""What every command shares: the opened Ledger, who signs, and how results are printed."""

from __future__ import annotations

import dataclasses
import enum
import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click
from eth_account.signers.local import LocalAccount
from eth_utils import is_address, keccak, to_checksum_address

from ..accounts import DEMO_ROLES, demo_account, load_keystore
from ..errors import GovLedgerValueError
from ..ledger import Ledger
from ..money import parse_rupiah
from ..types import Address, Sen

F = TypeVar("F", bound=Callable[..., Any])


class AppContext:
    """Opens the Ledger on first use, once per command, and closes it when the command ends."""

    def __init__(self, data_dir: Path, rpc_url: str | None, manifest: Path | None,
                 gas_price: int | None = None) -> None:
        self.data_dir = data_dir
        self.rpc_url = rpc_url
        self.manifest = manifest
        self.gas_price = gas_price
        self.create = False  # only `init` sets it: no other command makes a chain
        self._ledger: Ledger | None = None

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            self._ledger = Ledger.open(self.data_dir, rpc_url=self.rpc_url, manifest=self.manifest,
                                       gas_price=self.gas_price, create=self.create)
        return self._ledger

    def close(self) -> None:
        """Bring the read model up to date (embedded chain: index as you write), then close the chain."""
        if self._ledger is None:
            return
        try:
            if self.rpc_url is None and self._ledger.deployment is not None:
                from ..readmodel import Indexer, open_read_model

                engine = open_read_model(None, self.data_dir)
                try:
                    Indexer.for_ledger(self._ledger, engine).sync()
                finally:
                    engine.dispose()
        except Exception as exc:  # the command itself succeeded; `audit replay` can catch up later
            click.echo(f"warning: the read model was not updated ({exc}); run `govledger audit replay`", err=True)
        finally:
            self._ledger.close()


pass_app = click.make_pass_decorator(AppContext)


def signer_options(func: F) -> F:
    """`--as NAME` (a demo account) or `--keystore FILE` (password in $GOVLEDGER_PASSWORD)."""
    func = click.option("--keystore", type=click.Path(path_type=Path, dir_okay=False),
                        help="Encrypted key file of the signer; password from $GOVLEDGER_PASSWORD.")(func)
    return click.option("--as", "as_", metavar="NAME", help=f"Sign as a demo account: {', '.join(DEMO_ROLES)}.")(func)


def signer(as_: str | None, keystore: Path | None) -> LocalAccount:
    if keystore is not None:
        return load_keystore(keystore, os.environ.get("GOVLEDGER_PASSWORD", ""))
    if as_ is None:
        raise GovLedgerValueError("say who signs: --as NAME (demo account) or --keystore FILE")
    return demo_account(as_)


def hash_options(what: str, help: str) -> Callable[[F], F]:
    """`--WHAT FILE` (hashed here; the document stays off chain) or `--WHAT-hash HEX`."""

    def decorate(func: F) -> F:
        func = click.option(f"--{what}-hash", f"{what}_hash", help=f"The {what}'s 32-byte hash as hex, instead of --{what}.")(func)
        return click.option(f"--{what}", type=click.Path(path_type=Path, exists=True, dir_okay=False),
                            help=f"{help}; only its hash goes on chain.")(func)

    return decorate


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def address_of(name_or_address: str) -> Address:
    """A demo account name or a 0x address."""
    if is_address(name_or_address):
        return Address(to_checksum_address(name_or_address))
    return Address(demo_account(name_or_address).address)


def rupiah(_ctx: Any, _param: Any, value: str | None) -> Sen | None:
    """click callback: a Rupiah amount argument -> sen."""
    return None if value is None else parse_rupiah(value)


def document_hash(path: Path | None, hex_hash: str | None, what: str) -> bytes:
    """The keccak256 of a document file, or a hash given as hex: documents themselves stay off chain."""
    if path is not None:
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
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: to_jsonable(v) for k, v in dataclasses.asdict(value).items()}
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
