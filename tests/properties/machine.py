"""A hypothesis state machine that drives a deployed ledger through the SDK and tries to break it.

Random actors call random actions with random arguments. A Python model says what SHOULD happen:
an action it allows must succeed, one it forbids must be refused (a ContractError, or the SDK's own
argument check) and leave the chain as it was. After every action that mined something, the
invariants are checked on the chain itself (typed SDK reads and event logs), and the chain is
compared with the model.

`machine_for(ledger)` binds the machine to a deployed ledger (with the pilot roles set up); every
example starts from an eth-tester snapshot taken in `__init__` and is rewound in `teardown`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from eth_utils import keccak, to_checksum_address
from hypothesis import note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from govledger.accounts import demo_accounts
from govledger.errors import ContractError, GovLedgerValueError
from govledger.ledger import Ledger
from govledger.pilot import PILOT_AGENCY
from govledger.roles import (
    ARBITER_ROLE, DEFAULT_ADMIN_ROLE, INSPECTOR_ROLE, PAUSER_ROLE, TREASURY_ROLE, agency_id, official_role,
)
from govledger.types import Category, ContractSpec, MilestoneChange, MilestoneSpec, Sen, contract_id

ACCOUNTS = demo_accounts()
ACTORS = ("admin", "treasury", "official", "contractor", "contractor2", "inspector1", "inspector2", "inspector3",
          "auditor", "guardian", "arbiter")
INSPECTORS = ("inspector1", "inspector2", "inspector3")
ZERO = "0x" + "00" * 20
UNKNOWN_AGENCY = "DEMO-NOT-ENABLED"
OFFICIAL_ROLE = official_role(agency_id(PILOT_AGENCY))
# Roles the model tracks: name -> (contract holding it, role id).
ROLES = {"admin": ("registry", DEFAULT_ADMIN_ROLE), "treasury": ("token", TREASURY_ROLE),
         "official": ("registry", OFFICIAL_ROLE), "inspector": ("registry", INSPECTOR_ROLE),
         "pauser": ("registry", PAUSER_ROLE), "arbiter": ("registry", ARBITER_ROLE)}
MAX_MILESTONES = 4
BPS = 10_000
PENALTY_CAP_BPS, WORKS_RETENTION_BPS, AMENDMENT_CAP_BPS = 500, 500, 1000  # the deployed defaults
FUTURE, PAST = date(2031, 6, 1), date(2020, 1, 1)  # a PAST due date is > 50 days late: penalty = the cap
# A refusal: the chain reverted (ContractError) or the SDK refused the arguments before sending.
REFUSED = (ContractError, GovLedgerValueError)

PLANNED, SUBMITTED, REJECTED, PAID, CANCELLED = range(5)
PENDING, ACTIVE, COMPLETED, TERMINATED = range(4)
CLOSED = (COMPLETED, TERMINATED)


def addr(name: str) -> str:
    return ZERO if name == "zero" else ACCOUNTS[name].address


NAME_OF = {to_checksum_address(ACCOUNTS[n].address): n for n in ACTORS}


def prefer(*names: str) -> st.SearchStrategy[str]:
    """Half the time one of `names` (the actor the action is meant for), otherwise anyone."""
    return st.one_of(st.sampled_from(names), st.sampled_from(ACTORS))


@dataclass
class MilestoneModel:
    amount: int
    k: int
    mask: int
    late: bool = False
    status: int = PLANNED
    approvals: set[int] = field(default_factory=set)  # slots into the contract's inspector list


@dataclass
class ContractModel:
    ocid: str
    contractor: str
    category: Category
    value: int
    inspectors: list[str]
    milestones: list[MilestoneModel]
    advance: int = 0
    status: int = PENDING
    disputed: bool = False
    settled: int = 0
    amendments: int = 0
    pending: tuple[Any, ...] | None = None  # (by_agency, new_value, rationale, changes)
    original: int = 0
    funded: int = 0
    held: int = 0
    withdrawable: int = 0
    withdrawn: int = 0
    retained: int = 0
    refunded: int = 0
    adv_paid: int = 0
    adv_outstanding: int = 0
    paid_value: int = 0  # the milestones paid so far
    last_reason: bytes = b"\0" * 32  # a new dispute needs another reason
    disputes: int = 0

    @property
    def retention_bps(self) -> int:
        return WORKS_RETENTION_BPS if self.category == Category.WORKS else 0


class LedgerMachine(RuleBasedStateMachine):
    """Bound to a ledger by :func:`machine_for`."""

    LEDGER: Ledger
    _initial: Any = None

    def __init__(self) -> None:
        super().__init__()
        self.ledger = self.LEDGER
        self.w3 = self.ledger.w3
        self.tester = self.w3.provider.ethereum_tester  # type: ignore[attr-defined]
        self.snapshot = self.tester.take_snapshot()
        if self._initial is None:  # every example starts from the same snapshot: read it once
            type(self)._initial = (self._read_roles(ROLES), self._read_balances(ACTORS),
                                   self.ledger.allowed_categories(PILOT_AGENCY), self.ledger.is_paused())
        roles, balances, categories, paused = self._initial
        self.roles: dict[str, set[str]] = {r: set(v) for r, v in roles.items()}
        self.balances = dict(balances)
        self.categories = {PILOT_AGENCY: set(categories), UNKNOWN_AGENCY: set()}
        self.paused = paused
        self.contracts: dict[str, ContractModel] = {}
        self.counter = 0
        self.focus: str | None = None  # the contract the last scenario built: rules prefer it
        # What the last action touched, for the check that follows it.
        self.touched: str | None = None
        self.parties: set[str] = set()
        self.role_touched: set[str] = set()
        self.deep = False  # whether the last action could change milestones or the pending amendment
        # What the event logs say (the chain's own record, independent of the model).
        self.last_block = self.w3.eth.block_number
        self.released: dict[tuple[bytes, int], int] = {}
        self.round_approvals: dict[tuple[bytes, int], set[str]] = {}
        self.withdrawn_by: dict[str, int] = {}
        self.steps = {"ok": 0, "refused": 0}
        self.clean = True

    def teardown(self) -> None:
        try:
            note(f"steps: {self.steps}")
            if self.steps["ok"] and self.clean:  # a last full read of every contract and of the pause
                self.parties, self.role_touched = set(), set()
                self._check(full=True)
        finally:
            self.tester.revert_to_snapshot(self.snapshot)

    # --- helpers --------------------------------------------------------------------------------

    @property
    def admins(self) -> set[str]:
        return self.roles["admin"]

    def _pick(self, n: int) -> str:
        """The focus contract half the time; else a registered ocid or (rarely) an unknown one."""
        if self.focus is not None and n % 2 == 0:
            return self.focus
        ocids = list(self.contracts)
        return (ocids + ["ocds-prop-unknown"])[(n // 2) % (len(ocids) + 1)]

    def _index(self, ocid: str, n: int) -> int:
        """A milestone index of `ocid`, or one past the end (one time in len+1)."""
        c = self.contracts.get(ocid)
        return n % (len(c.milestones) + 1) if c else n % 3

    def _party(self, c: ContractModel, actor: str) -> bool | None:
        """True: acts for the agency; False: the contractor; None: not a party."""
        if actor == c.contractor:
            return False
        return True if actor in self.roles["official"] else None

    def _do(self, allowed: bool, what: str, action: Callable[[], Any], *, ocid: str | None = None,
            parties: tuple[str, ...] = (), roles: tuple[str, ...] = (), deep: bool = False) -> bool:
        """Run `action`; the chain must do what the model says, then the invariants are checked."""
        actor = what.split()[0]
        note(f"{what} -> model says {'ALLOWED' if allowed else 'refused'}")
        self.touched, self.parties, self.role_touched, self.deep = ocid, {actor, *parties}, set(roles), deep
        if allowed:
            action()
            self.steps["ok"] += 1
            return True
        try:
            action()
        except REFUSED as exc:
            note(f"   refused: {type(exc).__name__}: {str(exc)[:120]}")
        else:
            raise AssertionError(f"{what}: the model forbids it, but the chain accepted it")
        self.steps["refused"] += 1
        mined = self.w3.eth.block_number - self.last_block
        if " funds " in what:  # fund's separate token approval is the one thing a refusal may mine
            assert mined <= 1, f"{what} was refused but {mined} transactions were mined"
        else:
            assert mined == 0, f"{what} was refused but {mined} transactions were mined"
        return False

    def _after(self) -> None:
        """Check the chain after an allowed action (the model has been updated by then)."""
        if self.w3.eth.block_number != self.last_block:
            self._read_events()
            self._check(full=False)

    def _run(self, allowed: bool, what: str, action: Callable[[], Any], effect: Callable[[], None],
             **kwargs: Any) -> bool:
        self.clean = False  # stays False if this action fails: teardown then must not mask the failure
        ok = self._do(allowed, what, action, **kwargs)
        if ok:
            effect()
        self._after()
        self.clean = True
        return ok

    # --- actions: each computes what the model allows, runs it, applies its effect ---------------

    def act_role(self, actor: str, role: str, account: str, grant: bool) -> None:
        # AccessControlDefaultAdminRules refuses grantRole/revokeRole of the admin role itself.
        allowed = actor in self.admins and role != "admin"
        reg = self.ledger.registry.functions
        role_id = ROLES[role][1]
        if role == "inspector":
            call = self.ledger.certify_inspector if grant else self.ledger.revoke_inspector
            action = lambda: call(ACCOUNTS[actor], addr(account))  # noqa: E731
        else:
            fn = reg.grantRole if grant else reg.revokeRole
            action = lambda: self.ledger._send(ACCOUNTS[actor], fn(role_id, addr(account)))  # noqa: E731
        def effect() -> None:
            if not grant:
                self._revoked(role, account)
            (self.roles[role].add if grant else self.roles[role].discard)(account)

        self._run(allowed, f"{actor} {'grants' if grant else 'revokes'} {role} to {account}", action, effect,
                  roles=(role,))

    def _revoked(self, role: str, account: str) -> None:
        """A revoked inspector's approvals never count again, even if it is certified again."""
        if role != "inspector" or account not in self.roles["inspector"]:
            return
        for c in self.contracts.values():
            if account in c.inspectors:
                for m in c.milestones:
                    m.approvals.discard(c.inspectors.index(account))

    def act_renounce(self, actor: str, role: str, confirm: str) -> None:
        allowed = confirm == actor  # AccessControlBadConfirmation otherwise; renouncing a role not held is a no-op
        reg = self.ledger.registry.functions
        self._run(allowed, f"{actor} renounces {role} (confirming {confirm})",
                  lambda: self.ledger._send(ACCOUNTS[actor], reg.renounceRole(ROLES[role][1], addr(confirm))),
                  lambda: (self._revoked(role, actor), self.roles[role].discard(actor)), roles=(role,))

    def act_pause(self, actor: str, pause: bool) -> None:
        allowed = actor in self.roles["pauser"] and self.paused != pause

        def effect() -> None:
            self.paused = pause

        self._run(allowed, f"{actor} {'pauses' if pause else 'unpauses'} the ledger",
                  lambda: (self.ledger.pause if pause else self.ledger.unpause)(ACCOUNTS[actor]), effect,
                  roles=("paused",))

    def act_categories(self, actor: str, agency: str, categories: list[Category]) -> None:
        allowed = actor in self.admins

        def effect() -> None:
            self.categories[agency] = set(categories)

        self._run(allowed, f"{actor} allows {agency} {[c.name for c in categories]}",
                  lambda: self.ledger.enable_agency(ACCOUNTS[actor], agency, categories), effect,
                  roles=("categories",))

    def act_mint(self, actor: str, to: str, amount: int) -> None:
        def effect() -> None:
            self.balances[to] += amount

        self._run(actor in self.roles["treasury"], f"{actor} mints {amount} to {to}",
                  lambda: self.ledger.mint(ACCOUNTS[actor], addr(to), Sen(amount)), effect, parties=(to,))

    def act_register(self, actor: str, agency: str, contractor: str, category: Category, value: int, advance: int,
                     milestones: list[tuple[int, int, list[str], bool]], ocid: str) -> None:
        inspectors: list[str] = []
        for _, _, names, _ in milestones:
            inspectors += [n for n in names if n not in inspectors]
        models = [MilestoneModel(amount, k, sum(1 << inspectors.index(n) for n in names), late)
                  for amount, k, names, late in milestones]
        retention = WORKS_RETENTION_BPS if category == Category.WORKS else 0
        allowed = (
            not self.paused
            and category in self.categories.get(agency, ())
            and actor in self.roles["official"]
            and ocid not in self.contracts
            and contractor != "zero" and contractor != actor
            and value > 0
            and advance <= value * (BPS - retention - PENALTY_CAP_BPS) // BPS
            and 1 <= len(inspectors) <= 16
            and all(n in self.roles["inspector"] and n != contractor and n != actor for n in inspectors)
            and 1 <= len(models) <= 64
            and all(m.amount > 0 and m.mask != 0 and 1 <= m.k <= bin(m.mask).count("1") for m in models)
            and sum(m.amount for m in models) == value
        )
        spec = ContractSpec(
            ocid=ocid, agency=agency, contractor=addr(contractor), category=category, value=Sen(value),
            start=date(2026, 1, 1), end=date(2031, 12, 31), document_hash=keccak(text=ocid),
            advance_payment=Sen(advance),
            milestones=tuple(MilestoneSpec(Sen(a), PAST if late else FUTURE, tuple(addr(n) for n in names), k)
                             for a, k, names, late in milestones),
        )

        def effect() -> None:
            self.contracts[ocid] = ContractModel(ocid, contractor, category, value, inspectors, models,
                                                 advance=advance, original=value)

        self._run(allowed, f"{actor} registers {ocid} ({category.name}) for {contractor}: value {value}, "
                           f"advance {advance}, milestones {milestones}",
                  lambda: self.ledger.register(ACCOUNTS[actor], spec), effect, ocid=ocid, deep=True)

    def act_fund(self, actor: str, ocid: str, amount: int) -> None:
        c = self.contracts.get(ocid)
        allowed = (not self.paused and c is not None and actor in self.roles["official"] and c.status not in CLOSED
                   and amount > 0 and c.funded + amount <= c.value and self.balances[actor] >= amount)

        def effect() -> None:
            assert c is not None
            c.funded += amount
            c.held += amount
            self.balances[actor] -= amount

        # A refused fund may mine its token approval: `_after` then re-reads, and nothing else moved.
        self._run(allowed, f"{actor} funds {ocid} with {amount}",
                  lambda: self.ledger.fund(ACCOUNTS[actor], ocid, Sen(amount)), effect, ocid=ocid)

    def act_accept(self, actor: str, ocid: str) -> None:
        c = self.contracts.get(ocid)
        allowed = not self.paused and c is not None and actor == c.contractor and c.status == PENDING

        def effect() -> None:
            assert c is not None
            c.status = ACTIVE

        self._run(allowed, f"{actor} accepts {ocid}", lambda: self.ledger.accept(ACCOUNTS[actor], ocid), effect,
                  ocid=ocid)

    def act_pay_advance(self, actor: str, ocid: str) -> None:
        c = self.contracts.get(ocid)
        allowed = (not self.paused and c is not None and actor in self.roles["official"] and c.status == ACTIVE
                   and not c.disputed and c.advance > 0 and c.adv_paid == 0 and c.paid_value == 0
                   and c.held >= c.advance)

        def effect() -> None:
            assert c is not None
            c.held -= c.advance
            c.withdrawable += c.advance
            c.adv_paid = c.adv_outstanding = c.advance

        self._run(allowed, f"{actor} pays the advance of {ocid}",
                  lambda: self.ledger.pay_advance(ACCOUNTS[actor], ocid), effect, ocid=ocid)

    def _workable(self, c: ContractModel | None) -> bool:
        return not self.paused and c is not None and c.status == ACTIVE and not c.disputed

    def act_submit(self, actor: str, ocid: str, index: int) -> None:
        c = self.contracts.get(ocid)
        allowed = (self._workable(c) and actor == c.contractor and index < len(c.milestones)  # type: ignore[union-attr]
                   and c.milestones[index].status in (PLANNED, REJECTED))  # type: ignore[union-attr]

        def effect() -> None:
            assert c is not None
            m = c.milestones[index]
            m.status, m.approvals = SUBMITTED, set()

        self._run(allowed, f"{actor} submits {ocid}#{index}",
                  lambda: self.ledger.submit(ACCOUNTS[actor], ocid, index, keccak(text=f"evidence {ocid} {index}")),
                  effect, ocid=ocid, deep=True)

    def _slot(self, c: ContractModel, m: MilestoneModel, actor: str) -> int | None:
        if actor not in c.inspectors or actor not in self.roles["inspector"]:
            return None
        slot = c.inspectors.index(actor)
        return slot if m.mask >> slot & 1 else None

    def _payment(self, c: ContractModel, m: MilestoneModel) -> tuple[int, int, int, int]:
        """(net, retention, recovery, penalty) of paying `m`, as PaymentEscrow.release computes them."""
        penalty = m.amount * PENALTY_CAP_BPS // BPS if m.late else 0
        earned = m.amount - penalty
        retention = min(m.amount * c.retention_bps // BPS, earned)
        recovery = 0
        if c.adv_outstanding:  # pro rata on what is still unpaid, rounded up: the last takes the rest
            unpaid = c.value - c.paid_value
            recovery = -(-c.adv_outstanding * m.amount // unpaid)
            recovery = min(recovery, c.adv_outstanding, earned - retention)
        return earned - retention - recovery, retention, recovery, penalty

    def _settle(self, c: ContractModel, n: int) -> None:
        if n:
            c.settled += n
            if c.settled == len(c.milestones):
                c.status = COMPLETED

    def act_approve(self, actor: str, ocid: str, index: int) -> None:
        c = self.contracts.get(ocid)
        m = c.milestones[index] if self._workable(c) and index < len(c.milestones) else None  # type: ignore[union-attr]
        slot = self._slot(c, m, actor) if m is not None else None  # type: ignore[arg-type]
        allowed = m is not None and m.status == SUBMITTED and slot is not None and slot not in m.approvals
        pays = False
        if allowed:
            assert c is not None and m is not None
            certified = sum(1 for s in m.approvals | {slot} if c.inspectors[s] in self.roles["inspector"])
            pays = certified >= m.k
            if pays:
                net, retention, _, _ = self._payment(c, m)
                allowed = c.held >= net + retention  # else InsufficientEscrow: the whole approval reverts

        def effect() -> None:
            assert c is not None and m is not None and slot is not None
            m.approvals.add(slot)
            if pays:
                net, retention, recovery, _ = self._payment(c, m)
                m.status = PAID
                c.paid_value += m.amount
                c.held -= net + retention
                c.withdrawable += net
                c.retained += retention
                c.adv_outstanding -= recovery
                self._settle(c, 1)

        self._run(allowed, f"{actor} approves {ocid}#{index}",
                  lambda: self.ledger.approve(ACCOUNTS[actor], ocid, index, keccak(text=f"report {actor}")),
                  effect, ocid=ocid, deep=True)

    def act_reject(self, actor: str, ocid: str, index: int) -> None:
        c = self.contracts.get(ocid)
        m = c.milestones[index] if self._workable(c) and index < len(c.milestones) else None  # type: ignore[union-attr]
        allowed = m is not None and m.status == SUBMITTED and self._slot(c, m, actor) is not None  # type: ignore[arg-type]

        def effect() -> None:
            assert m is not None
            m.status, m.approvals = REJECTED, set()

        self._run(allowed, f"{actor} rejects {ocid}#{index}",
                  lambda: self.ledger.reject(ACCOUNTS[actor], ocid, index, keccak(text=f"report {actor}")),
                  effect, ocid=ocid, deep=True)

    def _recover_on_close(self, c: ContractModel) -> int:
        return min(c.adv_outstanding, c.withdrawable) if c.status in CLOSED else 0

    def act_withdraw(self, actor: str, ocid: str) -> None:
        c = self.contracts.get(ocid)
        allowed = (not self.paused and c is not None and actor == c.contractor and not c.disputed
                   and c.withdrawable - self._recover_on_close(c) > 0)

        def effect() -> None:
            assert c is not None
            r = self._recover_on_close(c)
            c.adv_outstanding -= r
            c.held += r
            amount = c.withdrawable - r
            self.balances[actor] += amount
            c.withdrawn += amount
            c.withdrawable = 0

        self._run(allowed, f"{actor} withdraws from {ocid}", lambda: self.ledger.withdraw(ACCOUNTS[actor], ocid),
                  effect, ocid=ocid)

    def act_reclaim(self, actor: str, ocid: str) -> None:
        c = self.contracts.get(ocid)
        allowed = (not self.paused and c is not None and actor in self.roles["official"] and c.status in CLOSED
                   and not c.disputed and c.held + self._recover_on_close(c) > 0)

        def effect() -> None:
            assert c is not None
            r = self._recover_on_close(c)
            c.adv_outstanding -= r
            c.withdrawable -= r
            amount = c.held + r
            c.refunded += amount
            c.held = 0
            self.balances[actor] += amount

        self._run(allowed, f"{actor} reclaims {ocid}", lambda: self.ledger.reclaim(ACCOUNTS[actor], ocid), effect,
                  ocid=ocid)

    def act_release_retention(self, actor: str, ocid: str) -> None:
        # The maintenance period (180 days) never ends within an example: always refused.
        self._run(False, f"{actor} releases the retention of {ocid}",
                  lambda: self.ledger.release_retention(ACCOUNTS[actor], ocid), lambda: None, ocid=ocid)

    def act_terminate(self, actor: str, ocid: str) -> None:
        c = self.contracts.get(ocid)
        # Under dispute only the arbiter terminates (its termination resolves the dispute).
        allowed = (not self.paused and c is not None and c.status in (PENDING, ACTIVE)
                   and actor in self.roles["arbiter" if c.disputed else "official"])

        def effect() -> None:
            assert c is not None
            c.status, c.pending, c.disputed = TERMINATED, None, False

        self._run(allowed, f"{actor} terminates {ocid}",
                  lambda: self.ledger.terminate(ACCOUNTS[actor], ocid, keccak(text="reasons")), effect, ocid=ocid, deep=True)

    def act_dispute(self, actor: str, ocid: str, raise_: bool, reason: int = 0) -> None:
        c = self.contracts.get(ocid)
        why = keccak(text=f"why {reason}")
        if raise_:
            allowed = (not self.paused and c is not None and c.status == ACTIVE and self._party(c, actor) is not None
                       and not c.disputed and why != c.last_reason)
            action = lambda: self.ledger.raise_dispute(ACCOUNTS[actor], ocid, why)  # noqa: E731
        else:
            allowed = not self.paused and actor in self.roles["arbiter"] and c is not None and c.disputed
            action = lambda: self.ledger.resolve_dispute(ACCOUNTS[actor], ocid, keccak(text="how"))  # noqa: E731

        def effect() -> None:
            assert c is not None
            c.disputed = raise_
            if raise_:
                c.last_reason, c.disputes = why, c.disputes + 1

        self._run(allowed, f"{actor} {'raises a dispute on' if raise_ else 'resolves the dispute of'} {ocid}", action,
                  effect, ocid=ocid)

    def act_propose(self, actor: str, ocid: str, new_value: int, rationale: int,
                    changes: list[tuple[int, int, int, int]]) -> None:
        """`changes`: (index, amount, k, mask over the contract's inspectors) each."""
        c = self.contracts.get(ocid)
        side = self._party(c, actor) if c is not None else None
        allowed = (not self.paused and c is not None and c.status == ACTIVE and not c.disputed and side is not None
                   and self._value_allowed(c, new_value))

        def effect() -> None:
            assert c is not None
            c.pending = (side, new_value, rationale, tuple(changes))

        self._run(allowed, f"{actor} proposes amendment of {ocid}: value {new_value}, changes {changes}",
                  lambda: self.ledger.propose_amendment(ACCOUNTS[actor], ocid, Sen(new_value),
                                                        keccak(text=f"rationale {rationale}"),
                                                        self._changes(c, changes)),
                  effect, ocid=ocid, deep=True)

    def _value_allowed(self, c: ContractModel, new_value: int) -> bool:
        """Within the cap, not below what is funded or paid, and the unpaid milestones can still repay
        the advance (outstanding, or agreed while it can still be paid)."""
        retention = c.retention_bps
        advance = c.adv_outstanding if c.adv_paid else (c.advance if c.paid_value == 0 else 0)
        return (max(c.funded, c.paid_value) <= new_value <= c.original * (BPS + AMENDMENT_CAP_BPS) // BPS
                and advance <= (new_value - c.paid_value) * (BPS - retention - PENALTY_CAP_BPS) // BPS)

    def _changes(self, c: ContractModel | None, changes: list[tuple[int, int, int, int]]) -> list[MilestoneChange]:
        names = c.inspectors if c is not None else list(INSPECTORS)
        return [MilestoneChange(index, Sen(amount), FUTURE,
                                tuple(addr(n) for i, n in enumerate(names) if mask >> i & 1), k)
                for index, amount, k, mask in changes]

    def _amended(self, c: ContractModel, new_value: int, changes: tuple[tuple[int, int, int, int], ...]
                 ) -> tuple[list[MilestoneModel], int] | None:
        """The milestones after `changes` and how many were cancelled, or None if the verifier reverts."""
        ms = copy.deepcopy(c.milestones)
        cancelled = 0
        for index, amount, k, mask in changes:
            if index == len(ms) and amount != 0:
                ms.append(MilestoneModel(0, 0, 0))
            elif index >= len(ms):
                return None
            m = ms[index]
            if m.status not in (PLANNED, REJECTED):
                return None
            if amount == 0:
                m.status = CANCELLED
                cancelled += 1
                continue
            if not (mask != 0 and mask >> len(c.inspectors) == 0 and 1 <= k <= bin(mask).count("1")):
                return None
            m.amount, m.k, m.mask, m.late = amount, k, mask, False
        if len(ms) > 64 or sum(m.amount for m in ms if m.status != CANCELLED) != new_value:
            return None
        return ms, cancelled

    def act_consent(self, actor: str, ocid: str, new_value: int, rationale: int,
                    changes: tuple[tuple[int, int, int, int], ...]) -> None:
        c = self.contracts.get(ocid)
        side = self._party(c, actor) if c is not None else None
        allowed = (not self.paused and c is not None and c.status == ACTIVE and not c.disputed and side is not None
                   and c.pending == (not side, new_value, rationale, tuple(changes))
                   and self._value_allowed(c, new_value))
        amended = self._amended(c, new_value, tuple(changes)) if allowed else None  # type: ignore[arg-type]
        allowed = allowed and amended is not None

        def effect() -> None:
            assert c is not None and amended is not None
            c.milestones, cancelled = amended
            c.value, c.pending = new_value, None
            c.amendments += 1
            self._settle(c, cancelled)

        self._run(allowed, f"{actor} consents to amendment of {ocid}: value {new_value}, changes {changes}",
                  lambda: self.ledger.consent_amendment(ACCOUNTS[actor], ocid, Sen(new_value),
                                                        keccak(text=f"rationale {rationale}"),
                                                        self._changes(c, list(changes))),
                  effect, ocid=ocid, deep=True)

    # --- rules ----------------------------------------------------------------------------------

    @rule(actor=prefer("admin"), role=st.sampled_from(("inspector",) * 6 + ("pauser", "arbiter", "admin")),
          account=st.sampled_from(ACTORS), grant=st.booleans())
    def grant_or_revoke(self, actor: str, role: str, account: str, grant: bool) -> None:
        self.act_role(actor, role, account, grant)

    @rule(actor=prefer(*INSPECTORS, "arbiter", "guardian"), role=st.sampled_from(("inspector", "pauser", "arbiter")),
          self_confirm=st.integers(0, 4))
    def renounce(self, actor: str, role: str, self_confirm: int) -> None:
        self.act_renounce(actor, role, actor if self_confirm else "auditor")

    @rule(actor=prefer("guardian"), wrong_way=st.integers(0, 3))
    def pause_or_unpause(self, actor: str, wrong_way: int) -> None:
        """Mostly the switch that makes sense (unpause when paused), sometimes the other one."""
        self.act_pause(actor, self.paused if wrong_way == 0 else not self.paused)

    @rule(actor=prefer("admin"), known=st.integers(0, 4), categories=st.one_of(
        st.just(list(Category)), st.lists(st.sampled_from(list(Category)), unique=True, max_size=4)))
    def set_categories(self, actor: str, known: int, categories: list[Category]) -> None:
        self.act_categories(actor, PILOT_AGENCY if known else UNKNOWN_AGENCY, categories)

    @rule(actor=prefer("treasury"), to=st.sampled_from(("official", "official", "auditor", "inspector1")),
          amount=st.integers(0, 5_000_000))
    def mint(self, actor: str, to: str, amount: int) -> None:
        self.act_mint(actor, to, amount)

    @rule(
        actor=prefer("official"),
        known_agency=st.integers(0, 9).map(lambda n: n > 0),
        contractor=st.sampled_from(("contractor", "contractor", "contractor2", "contractor2", "official", "inspector1",
                                    "zero")),
        category=st.sampled_from((Category.WORKS, Category.WORKS, Category.GOODS, Category.SERVICES)),
        # Mostly the milestones' total (-1), as the registry requires; sometimes any value.
        value=st.one_of(st.just(-1), st.just(-1), st.just(-1), st.integers(1, 2_000_000), st.just(0)),
        advance=st.sampled_from(("none", "none", "some", "max", "over")),
        milestones=st.lists(
            st.tuples(
                st.one_of(st.integers(1, 600_000), st.just(0)),
                st.integers(0, 4),
                st.lists(st.sampled_from(INSPECTORS * 3 + ("contractor", "official", "auditor")), unique=True,
                         max_size=4),
                st.booleans(),
            ),
            min_size=0, max_size=MAX_MILESTONES,
        ),
        reuse=st.integers(0, 9).map(lambda n: n == 0),
        pick=st.integers(0, 1000),
    )
    def register(self, actor: str, known_agency: bool, contractor: str, category: Category, value: int, advance: str,
                 milestones: list[tuple[int, int, list[str], bool]], reuse: bool, pick: int) -> None:
        if reuse and self.contracts:
            ocid = list(self.contracts)[pick % len(self.contracts)]
        else:
            self.counter += 1
            ocid = f"ocds-prop01-{self.counter:04d}"
        if value == -1:
            value = sum(m[0] for m in milestones)
        most = value * (BPS - (WORKS_RETENTION_BPS if category == Category.WORKS else 0) - PENALTY_CAP_BPS) // BPS
        amount = {"none": 0, "some": value // 10, "max": most, "over": most + 1}[advance]
        self.act_register(actor, PILOT_AGENCY if known_agency else UNKNOWN_AGENCY, contractor, category, value,
                          amount, milestones, ocid)

    @rule(actor=prefer("official"), pick=st.integers(0, 1000),
          mode=st.sampled_from(("rest", "rest", "half", "zero", "over", "random")), amount=st.integers(1, 3_000_000))
    def fund(self, actor: str, pick: int, mode: str, amount: int) -> None:
        ocid = self._pick(pick)
        c = self.contracts.get(ocid)
        rest = c.value - c.funded if c else 1000
        amount = {"rest": rest, "half": rest // 2, "zero": 0, "over": rest + 1, "random": amount}[mode]
        self.act_fund(actor, ocid, amount)

    @rule(actor=prefer("contractor", "contractor2"), pick=st.integers(0, 1000))
    def accept(self, actor: str, pick: int) -> None:
        self.act_accept(actor, self._pick(pick))

    @rule(actor=prefer("official"), pick=st.integers(0, 1000))
    def pay_advance(self, actor: str, pick: int) -> None:
        self.act_pay_advance(actor, self._pick(pick))

    @rule(actor=prefer("contractor", "contractor2"), pick=st.integers(0, 1000), index=st.integers(0, 1000))
    def submit(self, actor: str, pick: int, index: int) -> None:
        ocid = self._pick(pick)
        self.act_submit(actor, ocid, self._index(ocid, index))

    @rule(actor=prefer(*INSPECTORS), pick=st.integers(0, 1000), index=st.integers(0, 1000))
    def approve(self, actor: str, pick: int, index: int) -> None:
        ocid = self._pick(pick)
        self.act_approve(actor, ocid, self._index(ocid, index))

    @rule(actor=prefer(*INSPECTORS), pick=st.integers(0, 1000), index=st.integers(0, 1000))
    def reject(self, actor: str, pick: int, index: int) -> None:
        ocid = self._pick(pick)
        self.act_reject(actor, ocid, self._index(ocid, index))

    @rule(actor=prefer("contractor", "contractor2"), pick=st.integers(0, 1000))
    def withdraw(self, actor: str, pick: int) -> None:
        self.act_withdraw(actor, self._pick(pick))

    @rule(actor=prefer("official"), pick=st.integers(0, 1000), retention=st.integers(0, 4))
    def reclaim(self, actor: str, pick: int, retention: int) -> None:
        (self.act_reclaim if retention else self.act_release_retention)(actor, self._pick(pick))

    @rule(actor=prefer("official"), pick=st.integers(0, 1000))
    def terminate(self, actor: str, pick: int) -> None:
        self.act_terminate(actor, self._pick(pick))

    @rule(actor=prefer("contractor", "official", "arbiter"), pick=st.integers(0, 1000), raise_=st.booleans(),
          reason=st.integers(0, 2))
    def dispute(self, actor: str, pick: int, raise_: bool, reason: int) -> None:
        self.act_dispute(actor, self._pick(pick), raise_, reason)

    @rule(actor=prefer("official", "contractor", "contractor2"), pick=st.integers(0, 1000),
          value=st.sampled_from(("same", "up", "cap", "over-cap", "below-funded")), rationale=st.integers(0, 2),
          changes=st.lists(st.tuples(st.integers(0, 1000), st.sampled_from((0, 50_000, 200_000, 700_000)),
                                     st.integers(0, 3), st.integers(0, 8)), max_size=2))
    def propose_amendment(self, actor: str, pick: int, value: str, rationale: int,
                          changes: list[tuple[int, int, int, int]]) -> None:
        ocid = self._pick(pick)
        c = self.contracts.get(ocid)
        original, current, funded = (c.original, c.value, c.funded) if c else (1000, 1000, 0)
        cap = original * (BPS + AMENDMENT_CAP_BPS) // BPS
        new_value = {"same": current, "up": min(current + original // 20, cap), "cap": cap, "over-cap": cap + 1,
                     "below-funded": max(funded - 1, 0)}[value]
        count = len(c.milestones) if c else 2
        n_inspectors = len(c.inspectors) if c else 3
        changes = [(i % (count + 1), amount, k, mask % (1 << n_inspectors)) for i, amount, k, mask in changes]
        self.act_propose(actor, ocid, new_value, rationale, changes)

    @rule(actor=prefer("official", "contractor", "contractor2"), pick=st.integers(0, 1000),
          mode=st.sampled_from(("exact", "exact", "exact", "value", "rationale", "changes")))
    def consent_amendment(self, actor: str, pick: int, mode: str) -> None:
        ocid = self._pick(pick)
        c = self.contracts.get(ocid)
        _, new_value, rationale, changes = c.pending if c and c.pending else (None, 1000, 0, ())
        if mode == "value":
            new_value += 1
        elif mode == "rationale":
            rationale += 1
        elif mode == "changes":
            changes = changes[:-1] if changes else ((0, 1, 1, 1),)
        self.act_consent(actor, ocid, new_value, rationale, tuple(changes))

    # A scenario: one contract straight to a submitted milestone, then a script of pointed moves
    # (double approvals, revocations between approvals, withdrawals by the wrong account, ...).
    MOVES = ("approve inspector1", "approve inspector2", "approve inspector3", "approve inspector1",
             "revoke inspector1", "revoke inspector2", "certify inspector1", "certify inspector2",
             "withdraw contractor", "withdraw contractor2", "withdraw official", "withdraw inspector1",
             "reject inspector3", "submit contractor", "dispute contractor", "resolve arbiter", "terminate official",
             "reclaim official", "pay_advance official", "pause guardian", "unpause guardian", "amend official")

    @precondition(lambda self: self.counter < 40)
    @rule(category=st.sampled_from((Category.WORKS, Category.GOODS)), k=st.integers(1, 3),
          advance=st.sampled_from(("none", "upfront", "late")),
          funding=st.sampled_from(("full", "full", "first", "short")), late=st.booleans(),
          moves=st.lists(st.sampled_from(MOVES), max_size=8))
    def scenario(self, category: Category, k: int, advance: str, funding: str, late: bool, moves: list[str]) -> None:
        self._drive(category, k, advance, funding, late, moves)

    # The same, aimed at what a seeded bug needs: a few moves before the approvals (an approval
    # repeated, an inspector revoked between approvals), then every inspector approves (the milestone
    # is paid unless the model says otherwise), then moves after (withdrawals by the wrong account).
    BEFORE = ("approve inspector1", "approve inspector1", "revoke inspector1", "revoke inspector2",
              "approve+revoke inspector1", "approve+revoke inspector2", "reject inspector3",
              "approve+recertify inspector1", "approve+recertify inspector2")
    AFTER = ("withdraw contractor", "withdraw contractor2", "withdraw official", "withdraw inspector2",
             "approve inspector1", "reclaim official", "terminate official", "pay_advance official")

    @precondition(lambda self: self.counter < 40)
    @rule(k=st.integers(1, 3), funding=st.sampled_from(("full", "full", "short")), overcommit=st.integers(0, 4),
          advance=st.sampled_from(("none", "late")),
          before=st.lists(st.sampled_from(BEFORE), max_size=3), after=st.lists(st.sampled_from(AFTER), max_size=3))
    def scenario_attack(self, k: int, funding: str, overcommit: int, advance: str, before: list[str],
                        after: list[str]) -> None:
        approvals = ["approve inspector1", "approve inspector2", "approve inspector3"]
        self._drive(Category.WORKS, k, advance, funding, False, before + approvals + after,
                    overcommit=overcommit == 0)

    def _drive(self, category: Category, k: int, advance: str, funding: str, late: bool, moves: list[str],
               overcommit: bool = False) -> None:
        """`advance`: none; upfront (100,000, paid before any work); late (600,000 = all but milestone 0,
        agreed but not paid: a `pay_advance` move after milestone 0 is paid must be refused)."""
        self.counter += 1
        ocid = self.focus = f"ocds-prop01-{self.counter:04d}"
        value = 1_000_000
        # Set the stage first (each through the model, as any other action): unpaused, the three
        # inspectors certified, the category allowed, the budget there.
        if self.paused:
            if "guardian" not in self.roles["pauser"]:
                self.act_role("admin", "pauser", "guardian", True)
            self.act_pause("guardian", False)
        for name in INSPECTORS:
            if name not in self.roles["inspector"]:
                self.act_role("admin", "inspector", name, True)
        if category not in self.categories[PILOT_AGENCY]:
            self.act_categories("admin", PILOT_AGENCY, list(Category))
        if self.balances["official"] < value:
            self.act_mint("treasury", "official", value)
        second = 700_000 if overcommit else 600_000  # overcommitted: the milestones exceed the value
        self.act_register("official", PILOT_AGENCY, "contractor", category, value,
                          {"none": 0, "upfront": 100_000, "late": 600_000}[advance],
                          [(400_000, k, list(INSPECTORS), late), (second, 1, ["inspector1", "inspector2"], False)],
                          ocid)
        self.act_accept("contractor", ocid)
        self.act_fund("official", ocid, {"full": value, "first": 400_000, "short": 150_000}[funding])
        if advance == "upfront":
            self.act_pay_advance("official", ocid)
        self.act_submit("contractor", ocid, 0)
        for move in moves:
            verb, actor = move.split()
            if verb == "approve":
                self.act_approve(actor, ocid, 0)
            elif verb == "approve+revoke":  # an approval whose inspector is revoked before the others
                self.act_approve(actor, ocid, 0)
                self.act_role("admin", "inspector", actor, False)
            elif verb == "approve+recertify":  # ... and certified again: the approval stays void
                self.act_approve(actor, ocid, 0)
                self.act_role("admin", "inspector", actor, False)
                self.act_role("admin", "inspector", actor, True)
            elif verb in ("revoke", "certify"):
                self.act_role("admin", "inspector", actor, verb == "certify")
            elif verb == "withdraw":
                self.act_withdraw(actor, ocid)
            elif verb == "reject":
                self.act_reject(actor, ocid, 0)
            elif verb == "submit":
                self.act_submit(actor, ocid, 0)
            elif verb in ("dispute", "resolve"):
                self.act_dispute(actor, ocid, verb == "dispute")
            elif verb in ("pause", "unpause"):
                self.act_pause(actor, verb == "pause")
            elif verb == "amend":  # cancel milestone 1 and add its amount back as milestone 2 (consented)
                c = self.contracts.get(ocid)
                new_value = c.value if c else value
                changes = ((1, 0, 0, 0), (2, second, 1, 0b011))
                self.act_propose(actor, ocid, new_value, 7, list(changes))
                self.act_consent("contractor", ocid, new_value, 7, changes)
            else:
                getattr(self, f"act_{verb}")(actor, ocid)

    # --- what the chain says --------------------------------------------------------------------

    def _read_roles(self, roles: Any) -> dict[str, set[str]]:
        out = {}
        for role in roles:
            contract, role_id = ROLES[role]
            fn = getattr(self.ledger, contract).functions.hasRole
            out[role] = {n for n in ACTORS if fn(role_id, addr(n)).call()}
        return out

    def _read_balances(self, names: Any) -> dict[str, int]:
        return {n: self.ledger.balance(addr(n)) for n in names}

    def _check(self, full: bool) -> None:
        """The invariants, read on the chain, and the chain compared with the model.

        After each action: the contract it touched, the escrow's balance, the parties' balances, the
        roles it touched. `full` (end of each example): every contract, balance and role.
        """
        total = 0
        for ocid, c in self.contracts.items():
            if full or ocid == self.touched:
                self._check_contract(ocid, c, deep=full or self.deep)
            total += c.held + c.withdrawable + c.retained  # checked against the chain when last touched
        escrow_balance = self.ledger.balance(self.ledger.escrow.address)
        assert total == escrow_balance, f"escrow holds {escrow_balance}, its accounts say {total}"
        names = self.parties  # every balance change is checked right after the action that made it
        for name, balance in self._read_balances(names).items():
            if name.startswith("contractor"):
                assert balance == self.balances[name] == self._initial[1][name] + self.withdrawn_by.get(name, 0), \
                    f"{name} holds {balance}, withdrew {self.withdrawn_by.get(name, 0)} by the logs"
            assert balance == self.balances[name], f"{name} holds {balance}, model {self.balances[name]}"
        # Every role action re-reads its role for every actor; no RoleGranted/RoleRevoked may appear
        # outside a role action (`_on_event`), so roles cannot have moved otherwise.
        roles = self.role_touched & set(ROLES)
        for role, holders in self._read_roles(roles).items():
            assert holders == self.roles[role], f"{role} role held by {sorted(holders)}, model {sorted(self.roles[role])}"
        if full or "paused" in self.role_touched:
            assert self.ledger.is_paused() == self.paused, f"paused {self.ledger.is_paused()}, model {self.paused}"
        if "categories" in self.role_touched:
            for agency, cats in self.categories.items():
                assert set(self.ledger.allowed_categories(agency)) == cats, f"{agency} categories differ"

    def _check_contract(self, ocid: str, c: ContractModel, deep: bool) -> None:
        """The contract, its escrow account and, if `deep`, its milestones and pending amendment."""
        gc = self.ledger.contract(ocid)
        a = self.ledger.escrow_account(ocid)
        acc = (a.funded, a.held, a.withdrawable, a.withdrawn, a.retained, a.refunded, a.advance_paid,
               a.advance_outstanding)
        assert a.funded == a.withdrawn + a.withdrawable + a.retained + a.refunded + a.held, f"{ocid}: escrow {a}"
        assert a.funded <= gc.value, f"{ocid}: funded {a.funded} above value {gc.value}"
        model = (c.funded, c.held, c.withdrawable, c.withdrawn, c.retained, c.refunded, c.adv_paid, c.adv_outstanding)
        assert acc == model, f"{ocid}: escrow {acc}, model {model}"
        chain_c = (NAME_OF.get(gc.contractor), int(gc.status), gc.disputed, gc.value, gc.original_value,
                   gc.advance_payment, gc.milestone_count, gc.settled_count, gc.amendment_count)
        model_c = (c.contractor, c.status, c.disputed, c.value, c.original, c.advance, len(c.milestones), c.settled,
                   c.amendments)
        assert chain_c == model_c, f"{ocid}: contract {chain_c}, model {model_c}"
        cap = gc.original_value * (BPS + gc.terms.amendment_cap_bps) // BPS
        assert gc.value <= cap, f"{ocid}: value {gc.value} above the cap {cap}"
        assert gc.paid_value == c.paid_value, f"{ocid}: paid {gc.paid_value}, model {c.paid_value}"
        self._check_liveness(ocid, gc, a)
        if not deep:  # the milestones did not move: the model's total stands for them
            assert sum(m.amount for m in c.milestones if m.status != CANCELLED) <= gc.value
            return
        ms = self.ledger.milestones(ocid)
        live = sum(m.amount for m in ms if m.status != CANCELLED)
        assert live <= gc.value, f"{ocid}: milestones add up to {live}, above the value {gc.value}"
        pending = self.ledger.registry.functions.pendingAmendment(contract_id(ocid)).call()
        assert (pending != b"\0" * 32) == (c.pending is not None), f"{ocid}: pending amendment differs"
        assert len(ms) == len(c.milestones), f"{ocid}: {len(ms)} milestones, model {len(c.milestones)}"
        for m, mm in zip(ms, c.milestones):
            names = lambda mask: tuple(n for i, n in enumerate(c.inspectors) if mask >> i & 1)  # noqa: E731
            chain_m = (m.amount, m.required_approvals, int(m.status), tuple(NAME_OF[a] for a in m.inspectors),
                       tuple(NAME_OF[a] for a in m.approved_by))
            model_m = (mm.amount, mm.k, mm.status, names(mm.mask), names(sum(1 << s for s in mm.approvals)))
            if mm.status == CANCELLED:  # a cancelled milestone keeps whatever it had
                chain_m, model_m = chain_m[2:3], model_m[2:3]
            assert chain_m == model_m, f"{ocid}#{m.index}: milestone {chain_m}, model {model_m}"

    def _check_liveness(self, ocid: str, gc: Any, a: Any) -> None:
        """Liveness, read on the chain: an active, undisputed, fully funded contract can pay each of
        its unpaid milestones once verified (PaymentEscrow.release's arithmetic, without a late
        penalty: the payment that asks the most of the escrow), and all of them in turn."""
        if gc.status != ACTIVE or gc.disputed or a.funded != gc.value:
            return
        unpaid, outstanding = gc.value - gc.paid_value, a.advance_outstanding
        assert a.held + outstanding >= unpaid, f"{ocid}: holds {a.held} + advance {outstanding} < unpaid {unpaid}"
        for m in self.ledger.milestones(ocid):
            if m.status in (PAID, CANCELLED):
                continue
            retention = m.amount * gc.terms.works_retention_bps // BPS
            recovery = min(-(-outstanding * m.amount // unpaid), outstanding, m.amount - retention) if outstanding else 0
            assert a.held >= m.amount - recovery, \
                f"{ocid}#{m.index}: a funded contract cannot pay it: holds {a.held}, needs {m.amount - recovery}"

    def _read_events(self) -> None:
        """Fold the logs of the blocks mined since the last check into the chain's own record."""
        latest = self.w3.eth.block_number
        if latest <= self.last_block:
            return
        ver, esc, reg, tok = self.ledger.verifier, self.ledger.escrow, self.ledger.registry, self.ledger.token
        logs = self.w3.eth.get_logs({"fromBlock": self.last_block + 1, "toBlock": latest,
                                     "address": [ver.address, esc.address, reg.address, tok.address]})
        self.last_block = latest
        events = [ver.events.MilestoneSubmitted, ver.events.MilestoneApproved, ver.events.MilestoneRejected,
                  esc.events.PaymentReleased, esc.events.PaymentWithdrawn, reg.events.RoleGranted,
                  reg.events.RoleRevoked, tok.events.RoleGranted, tok.events.RoleRevoked]
        for log in logs:
            for ev in events:
                try:
                    decoded = ev().process_log(log)
                except Exception:
                    continue
                self._on_event(decoded["event"], decoded["args"], log["blockNumber"])
                break

    def _on_event(self, name: str, args: Any, block: int) -> None:
        if name in ("RoleGranted", "RoleRevoked"):
            assert self.role_touched & set(ROLES), f"{name} {args['role'].hex()} outside a role action"
            if name == "RoleRevoked" and bytes(args["role"]) == INSPECTOR_ROLE:
                for approvers in self.round_approvals.values():  # its approvals never count again
                    approvers.discard(to_checksum_address(args["account"]))
            return
        if name == "PaymentWithdrawn":
            who = NAME_OF[to_checksum_address(args["contractor"])]
            self.withdrawn_by[who] = self.withdrawn_by.get(who, 0) + args["amount"]
            return
        key = (bytes(args["id"]), int(args["index"]))
        if name in ("MilestoneSubmitted", "MilestoneRejected"):
            self.round_approvals[key] = set()
        elif name == "MilestoneApproved":
            self.round_approvals.setdefault(key, set()).add(to_checksum_address(args["inspector"]))
        elif name == "PaymentReleased":
            self.released[key] = self.released.get(key, 0) + 1
            assert self.released[key] <= 1, f"milestone {key[1]} of {key[0].hex()} paid twice"
            ver, reg = self.ledger.verifier.functions, self.ledger.registry.functions
            m = ver.getMilestone(*key).call()
            inspectors = [to_checksum_address(a) for a in ver.inspectorsOf(key[0]).call()]
            k, mask = m[4], m[6]
            counted = [a for a in self.round_approvals.get(key, ())
                       if a in inspectors and mask >> inspectors.index(a) & 1
                       and reg.hasRole(INSPECTOR_ROLE, a).call(block_identifier=block)]
            assert len(counted) >= k, \
                f"milestone {key[1]} paid with {len(counted)} approvals of assigned certified inspectors, needs {k}"

    @invariant()
    def chain_invariants(self) -> None:
        """Every action checks the chain itself (`_after`); this catches anything mined outside one."""
        if self.w3.eth.block_number != self.last_block:
            self._read_events()
            self._check(full=False)


def machine_for(ledger: Ledger) -> type[LedgerMachine]:
    """The state machine bound to `ledger` (deployed, pilot roles set up)."""
    return type("LedgerMachine", (LedgerMachine,), {"LEDGER": ledger})
