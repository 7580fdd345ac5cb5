"""The auditor's tools: replay the read model, check the invariants (and the read model against the
chain), compute red flags, write reports, and export and verify evidence bundles.

    from govledger.audit import check, ledger_flags_of, replay, load_rows
    result = check(engine, ledger)          # CheckResult: .violations, .ok
    flags = ledger_flags_of(engine, now)    # list[Flag]
"""

from __future__ import annotations

from sqlalchemy import Engine

from .checks import ChainState, CheckResult, check, check_replay, ledger_chain_state
from .evidence import EvidenceError, build_bundle
from .evidence_check import verify_bundle
from .flags import FlagSettings, contract_flags, ledger_flags
from .model import Flag, Violation
from .ocds import OcdsSettings, ocds_flags, release_flags, repeated_award_flags
from .replay import ContractState, Replay, load_rows, replay
from .report import AuditReport, render_csv, render_html
from .tables import compare_block_hashes, compare_projections
from .tamper import chain_rows, compare_rows


def ledger_flags_of(engine: Engine, now: int, settings: FlagSettings = FlagSettings()) -> list[Flag]:
    """The ledger red flags of every contract in the read model, as of unix time `now`."""
    return ledger_flags(replay(load_rows(engine)), now, settings)


__all__ = [
    "AuditReport", "ChainState", "CheckResult", "ContractState", "EvidenceError", "Flag", "FlagSettings",
    "OcdsSettings", "Replay", "Violation", "build_bundle", "chain_rows", "check", "check_replay",
    "compare_block_hashes", "compare_projections", "compare_rows",
    "contract_flags", "ledger_chain_state", "ledger_flags", "ledger_flags_of", "load_rows", "ocds_flags",
    "release_flags", "render_csv", "render_html", "repeated_award_flags", "replay", "verify_bundle",
]
