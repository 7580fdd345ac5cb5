"""The embedded chain: an in-process Ethereum chain persisted in a data directory.

Names are imported on first use, so that ``govledger.chain.head`` (standard library only) can be
imported without web3 or py-evm.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .embedded import EmbeddedChain, open_embedded_chain
    from .errors import (
        ChainError, ChainLockedError, ChainMissingError, ChainReadOnlyError, NoLedgerError,
    )
    from .head import read_genesis_hash, read_head

_WHERE = {
    "EmbeddedChain": "embedded", "open_embedded_chain": "embedded",
    "ChainError": "errors", "ChainLockedError": "errors", "ChainMissingError": "errors",
    "ChainReadOnlyError": "errors", "NoLedgerError": "errors",
    "read_head": "head", "read_genesis_hash": "head",
}

__all__ = [
    "ChainError", "ChainLockedError", "ChainMissingError", "ChainReadOnlyError", "EmbeddedChain", "NoLedgerError",
    "open_embedded_chain", "read_genesis_hash", "read_head",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_WHERE[name]}", __name__), name)
