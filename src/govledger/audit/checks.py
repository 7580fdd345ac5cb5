"""`audit check`: the ledger's invariants recomputed off chain from the read model, and the read model
itself compared with the chain (tamper detection)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from web3.exceptions import BlockNotFound

from .._utils.reverts import revert_data
from ..errors import GovLedgerError
from ..readmodel.decode import to_hex
from ..readmodel.errors import ChainUnreachableError
from .model import Violation
from .replay import BUCKETS, ContractState, Replay, load_rows, replay
from .tables import compare_block_hashes, compare_projections
from .tamper import chain_rows, compare_rows, indexed_range

BPS = 10_000


@dataclass
class ChainState:
    """What the chain reports now for one contract: its escrow account and amendment cap (basis points)."""

    account: dict[str, int]
    amendment_cap_bps: int


@dataclass
class CheckResult:
    replay: Replay
    violations: list[Violation]
    rows: int
    from_block: int | None = None
    to_block: int | None = None
    tamper_checked: bool = False
    contracts: int = 0
    rules: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "rows": self.rows, "contracts": self.contracts, "from_block": self.from_block,
                "to_block": self.to_block, "tamper_checked": self.tamper_checked, "rules": self.rules,
                "violations": [v.to_dict() for v in self.violations]}


def check_replay(state: Replay, chain: Callable[[str], ChainState | None]) -> list[Violation]:
    """The invariants that need the chain's present state: conservation against `accountOf`, amendment caps.

    `chain(contract_id)` returns the chain's view of one contract (None: not readable).
    """
    found: list[Violation] = []
    for c in state.contracts.values():
        now = chain(c.contract_id)
        found.extend(_conservation(c, now))
        if now is not None:
            found.extend(_amendment_cap(c, now.amendment_cap_bps))
    return found


def _conservation(c: ContractState, now: ChainState | None) -> list[Violation]:
    a, w = c.account, c.last_escrow_event
    out = []

    def v(rule: str, detail: str) -> None:
        out.append(Violation(rule, c.ocid, c.contract_id, detail, w.tx_hash if w else None,
                             w.block_number if w else None, w.log_index if w else None))

    parts = a["withdrawn"] + a["withdrawable"] + a["retained"] + a["refunded"] + a["held"]
    if a["funded"] != parts:
        v("funds-conserved", f"replayed funded {a['funded']} != withdrawn + withdrawable + retained + refunded + held "
                             f"= {parts}")
    if now is not None:
        differ = [b for b in BUCKETS if int(now.account.get(b, 0)) != a[b]]
        if differ:
            v("escrow-matches-chain", "replayed escrow differs from accountOf on the chain: "
              + ", ".join(f"{b} replayed {a[b]} != chain {now.account.get(b)}" for b in differ))
        n = now.account
        chain_parts = sum(int(n.get(b, 0)) for b in ("withdrawn", "withdrawable", "retained", "refunded", "held"))
        if int(n.get("funded", 0)) != chain_parts:
            v("funds-conserved", f"on the chain funded {n.get('funded')} != the sum of its parts {chain_parts}")
    return out


def _amendment_cap(c: ContractState, cap_bps: int) -> list[Violation]:
    cap = c.original_value * (BPS + cap_bps) // BPS
    return [Violation("amendment-within-cap", c.ocid, c.contract_id,
                      f"amendment {a['number']} raised the value to {a['new']}, above the cap {cap} "
                      f"(original {c.original_value} + {cap_bps / 100:g}%)",
                      a["where"].tx_hash, a["where"].block_number, a["where"].log_index)
            for a in c.amendments if a["new"] > cap]


@contextmanager
def reading_chain(what: str) -> Iterator[None]:
    """Turns a failure to read the chain into `ChainUnreachableError`: an outage is never a finding."""
    try:
        yield
    except GovLedgerError:
        raise
    except Exception as exc:  # noqa: BLE001 - connection refused, timeout, an RPC error: all are outages
        raise ChainUnreachableError(f"could not read {what} from the chain: {type(exc).__name__}: {exc}") from exc


def ledger_chain_state(ledger: Any) -> Callable[[str], ChainState | None]:
    """`chain(contract_id)` reading `escrow.accountOf` and `registry.getContract` through the Ledger.

    None when the chain refuses the call (a revert: no such contract there, a finding for the caller);
    `ChainUnreachableError` when the chain cannot be read at all.
    """
    outputs = next(i for i in ledger.registry.abi if i.get("name") == "getContract")["outputs"][0]["components"]
    terms_at = [c["name"] for c in outputs].index("terms")

    def read(contract_id: str) -> ChainState | None:
        cid = bytes.fromhex(contract_id.removeprefix("0x"))
        with reading_chain(f"contract {contract_id}"):
            try:
                account = ledger.escrow.functions.accountOf(cid).call()
                terms = ledger.registry.functions.getContract(cid).call()
            except Exception as exc:  # noqa: BLE001 - sorted below: a revert or an outage
                if revert_data(exc) is None:
                    raise
                return None
        account_dict = dict(zip(("funded", "held", "withdrawable", "withdrawn", "retained", "refunded"), account))
        parameters = terms[terms_at]  # GovContract.terms: Parameters(amendmentCapBps, ...)
        return ChainState({k: int(v) for k, v in account_dict.items()}, int(parameters[0]))

    return read


def block_hash_at(w3: Any) -> Callable[[int], str | None]:
    def hash_at(number: int) -> str | None:
        try:
            return to_hex(w3.eth.get_block(number)["hash"])
        except BlockNotFound:
            return None

    return hash_at


def check(engine: Engine, ledger: Any | None = None, *, tamper: bool = True) -> CheckResult:
    """Replay the read model and check every invariant; with a ledger, also against the chain.

    Without a ledger only the replay's own checks run (order, approvals, disputes, double payment). With
    `tamper`, every table of the read model is compared with the chain: `events` with its logs, the
    projections with a fold of those logs, the checkpoint and recorded block hashes with its blocks.
    A chain that cannot be read raises `ChainUnreachableError`; it is never reported as a violation.
    """
    if ledger is not None and getattr(ledger, "deployment", None) is None:
        from ..errors import NotFoundError

        raise NotFoundError("the ledger is not deployed here: nothing to check against")
    rows = load_rows(engine)
    state = replay(rows)
    violations = list(state.violations)
    result = CheckResult(state, violations, len(rows), contracts=len(state.contracts))
    if ledger is not None:
        read = ledger_chain_state(ledger)
        cache: dict[str, ChainState | None] = {}

        def chain(cid: str) -> ChainState | None:
            if cid not in cache:
                cache[cid] = read(cid)
            return cache[cid]

        violations.extend(check_replay(state, chain))
        for cid in _unknown_on_chain(state, chain):
            c = state.contracts[cid]
            violations.append(Violation("contract-on-chain", c.ocid, cid, "registered in the read model but "
                                        "getContract fails on the chain", c.registered.tx_hash,
                                        c.registered.block_number, c.registered.log_index))
        if tamper:
            first, last = indexed_range(engine, ledger.deployment)
            result.from_block, result.to_block, result.tamper_checked = first, last, True
            hash_at = block_hash_at(ledger.w3)
            with reading_chain(f"the logs of blocks {first}..{last}"):
                expected = chain_rows(ledger.w3, ledger.deployment, first, last) if last >= first else []
                violations.extend(compare_block_hashes(engine, hash_at, hash_at(0)))
            ocids = {cid: c.ocid for cid, c in state.contracts.items()}
            for v in compare_rows(rows, expected):
                violations.append(Violation(v.rule, ocids.get(v.contract_id or ""), v.contract_id, v.detail,
                                            v.tx_hash, v.block_number, v.log_index))
            violations.extend(compare_projections(engine, expected))
    from ..oversight.integrity import oversight_violations  # feedback, complaints, monitoring vs their anchors

    violations.extend(oversight_violations(engine, ledger))
    violations.sort(key=lambda v: (v.block_number if v.block_number is not None else -1, v.log_index or 0, v.rule))
    result.violations = violations
    rules: dict[str, int] = {}
    for v in violations:
        rules[v.rule] = rules.get(v.rule, 0) + 1
    result.rules = rules
    return result


def _unknown_on_chain(state: Replay, chain: Callable[[str], ChainState | None]) -> list[str]:
    return [cid for cid in state.contracts if chain(cid) is None]


def accounts_from(mapping: Mapping[str, Mapping[str, int]], cap_bps: int = 1000) -> Callable[[str], ChainState | None]:
    """A `chain` callable from a dict (tests, offline bundles)."""
    return lambda cid: ChainState(dict(mapping[cid]), cap_bps) if cid in mapping else None
