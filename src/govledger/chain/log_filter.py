"""``eth_getLogs`` on the embedded chain answered from the log index (``log_index``), not by a scan.

The filter is validated and normalised by eth-tester itself, so a bad filter is refused exactly as
before; every case the index does not cover the same way (a block hash, block tags other than
``latest``, a range past the head, an index behind the head) goes to eth-tester's own scan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eth_tester import EthereumTester

_PARAMS = {"from_block", "to_block", "address", "topics"}


def indexed_get_logs(tester: EthereumTester, params: Any) -> tuple[dict[str, Any], ...]:
    """web3's eth-tester endpoint for ``eth_getLogs``, over the index when it can answer exactly."""
    filter_params = dict(params[0])
    answer = _from_index(tester, filter_params) if set(filter_params) <= _PARAMS else None
    return answer if answer is not None else tester.get_logs(**filter_params)


def _from_index(tester: EthereumTester, filter_params: dict[str, Any]) -> tuple[dict[str, Any], ...] | None:
    backend = tester.backend
    index = getattr(backend, "log_index", None)
    if index is None:
        return None
    tester.validator.validate_inbound_filter_params(**{k: filter_params.get(k) for k in _PARAMS})
    raw_from, raw_to, address, topics = tester.normalizer.normalize_inbound_filter_params(
        **{k: filter_params.get(k) for k in _PARAMS})
    head = backend.chain.get_canonical_head()
    if not index.is_current(head):
        return None
    bounds = [head.block_number if raw in (None, "latest") else raw for raw in (raw_from, raw_to)]
    if not all(isinstance(b, int) for b in bounds) or bounds[1] > head.block_number:
        return None
    if bounds[0] > bounds[1]:
        return ()
    return tuple(index.query(bounds[0], bounds[1], address, topics))
