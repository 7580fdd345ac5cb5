"""The embedded chain: an in-process Ethereum chain persisted in a data directory."""

from .embedded import EmbeddedChain, open_embedded_chain
from .errors import ChainError, ChainLockedError

__all__ = ["ChainError", "ChainLockedError", "EmbeddedChain", "open_embedded_chain"]
