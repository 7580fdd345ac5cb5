"""What an operator sets for `govledger serve`: mode, limits and rates."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServerSettings:
    """Limits and switches of the API server. `production` refuses the development identity provider."""

    production: bool = False
    max_body_bytes: int = 1_000_000  # a request body above this is refused with 413 before it is read whole
    max_upload_bytes: int = 12_000_000  # a page's form with documents (multipart): phone photos of ~11 MB
    writes_per_minute: int = 120  # per person (or per address for unauthenticated JSON-RPC writes)
    sign_ins_per_minute: int = 20  # per client address: failed and successful sign-ins alike
    rpc_enabled: bool = True
    sync_interval_s: float = 1.0  # how often the background syncer looks for new blocks
    max_page: int = 500  # the largest `limit` a listing accepts
    # Whether this process indexes the chain into the read model. Behind a load balancer exactly one
    # process does (or a separate `audit replay` loop); the others read and wait for it after a write.
    index: bool = True
    read_your_writes_s: float = 10.0  # how long a non-indexing server waits for the indexer after a write
