"""Prometheus metrics of one server: a registry of its own, so several apps (tests) can coexist."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("govledger_http_requests", "HTTP requests by route and status",
                                ["method", "route", "status"], registry=r)
        self.latency = Histogram("govledger_http_request_seconds", "HTTP request latency", ["method", "route"],
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=r)
        self.errors = Counter("govledger_http_errors", "Responses with status >= 500 by route", ["route"],
                              registry=r)
        self.transactions = Counter("govledger_transactions", "Ledger writes by action and outcome",
                                    ["action", "outcome"], registry=r)
        self.rpc_requests = Counter("govledger_rpc_requests", "JSON-RPC calls by method and outcome",
                                    ["method", "outcome"], registry=r)
        self.lag = Gauge("govledger_readmodel_lag_blocks", "Blocks the read model is behind the chain head",
                         registry=r)
        self.sync_seconds = Histogram("govledger_readmodel_sync_seconds", "Duration of read model syncs",
                                      registry=r)
        self.signer_failures = Counter("govledger_signer_failures", "A person's key could not be used",
                                       registry=r)
