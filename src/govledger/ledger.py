"""The Ledger: the one object that talks to the chain. The CLI, scripts and web app are shells around it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address
from web3 import Web3

from ._utils import codec
from ._utils.reverts import RevertDecoder
from ._utils.transactions import TransactionSender
from .accounts import demo_accounts, label
from .deployment import Deployment, deploy
from .describe import PlainDescriber
from .errors import ERC20InsufficientAllowance, GovLedgerError, GovLedgerValueError, NotFoundError, UnknownContract
from .roles import ARBITER_ROLE, INSPECTOR_ROLE, PAUSER_ROLE, agency_id, official_role
from .types import (
    AcceptanceTerms, Address, Category, ContractId, ContractSpec, ContractStatus, EscrowAccount, GovContract, Milestone, MilestoneChange,
    Parameters, Receipt, Sen, contract_id,
)

DEFAULT_DATA_DIR = Path(".govledger")
MANIFEST_NAME = "deployment.json"


class Ledger:
    """Registers government contracts, escrows their funds and verifies their milestones on chain.

    Open one with :meth:`open` (embedded chain in a data directory, or an RPC URL), deploy the suite
    once with :meth:`deploy`, then call the actions; each returns when its transaction is mined.
    """

    def __init__(self, w3: Web3, deployment: Deployment | None = None, *, manifest_path: Path | None = None,
                 gas_price: int | None = None, on_close: Callable[[], None] | None = None) -> None:
        self.w3 = w3
        self.manifest_path = manifest_path
        self._on_close = on_close
        self._ocids: dict[bytes, str] = {}
        self._describer = _LedgerDescriber(self)
        self._gas_price = gas_price
        self.deployment: Deployment | None = None
        self.token = self.registry = self.verifier = self.escrow = _NotDeployed()
        self._sender = TransactionSender(w3, RevertDecoder([]), self._describer, gas_price)
        if deployment is not None:
            self._attach(deployment)

    # --- opening and deploying ------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path | str | None = DEFAULT_DATA_DIR, *, rpc_url: str | None = None,
             manifest: Path | str | None = None, gas_price: int | None = None, create: bool = False,
             read_only: bool | None = None, lock_timeout: float | None = None) -> Ledger:
        """Open the embedded chain persisted in `data_dir` (None: in memory), or the node at `rpc_url`.

        The deployment manifest is read from `manifest` (default: `data_dir/deployment.json`) when it
        exists; otherwise the ledger is open but empty until :meth:`deploy`. A manifest for another
        chain (other chain id or genesis block) is refused.

        Embedded chain: only `create=True` (`govledger init`, scripts/deploy.py) makes a new chain; else
        a missing one is an error and nothing is created. `read_only` (default: when the directory is
        not writable) takes no lock and sends nothing; a writer waits up to `lock_timeout` seconds
        (default $GOVLEDGER_LOCK_TIMEOUT or 5) for another writer to finish.
        """
        directory = Path(data_dir) if data_dir is not None else None
        manifest_path = Path(manifest) if manifest is not None else (
            directory / MANIFEST_NAME if directory is not None else None)
        if rpc_url is not None:
            w3 = Web3(Web3.HTTPProvider(rpc_url))
            if not w3.is_connected():
                raise NotFoundError(f"no Ethereum JSON-RPC node answers at {rpc_url}")
            on_close = None
        else:
            from .chain import open_embedded_chain

            prefund = [a.address for a in demo_accounts().values()]
            chain = open_embedded_chain(directory, prefund=prefund, create=create, read_only=read_only,
                                        lock_timeout=lock_timeout)
            w3, on_close = chain.w3, chain.close
            # eth-tester checks that a call's sender can afford its gas: read as a funded account.
            w3.eth.default_account = demo_accounts()["auditor"].address
        try:
            deployment = Deployment.load(manifest_path) if manifest_path and manifest_path.exists() else None
            if deployment is not None:
                deployment.check_node(w3, manifest_path)
        except BaseException:
            if on_close is not None:
                on_close()
            raise
        return cls(w3, deployment, manifest_path=manifest_path, gas_price=gas_price, on_close=on_close)

    def close(self) -> None:
        if self._on_close is not None:
            self._on_close()
            self._on_close = None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def deploy(self, admin: LocalAccount, treasury: Address, **options: int) -> Deployment:
        """Deploy the suite with `admin` as platform admin; saves the manifest if the ledger has a path."""
        if self.deployment is not None:
            raise GovLedgerValueError(f"already deployed (registry at {self.deployment.addresses['ContractRegistry']})")
        deployment = deploy(self._sender, admin, treasury, **options)
        if self.manifest_path is not None:
            deployment.save(self.manifest_path)
        self._attach(deployment)
        return deployment

    def _attach(self, deployment: Deployment) -> None:
        self.deployment = deployment
        contracts = {name: self.w3.eth.contract(address=addr, abi=deployment.abis[name])
                     for name, addr in deployment.addresses.items()}
        self.token = contracts["SettlementToken"]
        self.registry = contracts["ContractRegistry"]
        self.verifier = contracts["MilestoneVerifier"]
        self.escrow = contracts["PaymentEscrow"]
        self._sender.decoder = RevertDecoder(deployment.abis.values())

    def _send(self, sender: LocalAccount, call: Any) -> Receipt:
        return self._sender.send(sender, call)

    def _call(self, call: Any) -> Any:
        return self._sender.guard(call.call)

    # --- platform admin and treasury ------------------------------------------------------------

    def enable_agency(self, admin: LocalAccount, agency: str,
                      categories: Sequence[Category] = tuple(Category)) -> Receipt:
        """Put `agency` on the rollout allowlist for `categories` (an empty list takes it off)."""
        bits = sum(1 << int(c) for c in categories)
        return self._send(admin, self.registry.functions.setAgencyCategories(agency_id(agency), bits))

    def allowed_categories(self, agency: str) -> list[Category]:
        bits = self._call(self.registry.functions.agencyCategories(agency_id(agency)))
        return [c for c in Category if bits >> int(c) & 1]

    def appoint_official(self, admin: LocalAccount, agency: str, account: Address) -> Receipt:
        """Grant `account` the official (PPK) role of `agency`."""
        return self._send(admin, self.registry.functions.grantRole(official_role(agency_id(agency)), account))

    def certify_inspector(self, admin: LocalAccount, account: Address) -> Receipt:
        """Grant `account` the inspector (PPHP) role."""
        return self._send(admin, self.registry.functions.grantRole(INSPECTOR_ROLE, account))

    def revoke_inspector(self, admin: LocalAccount, account: Address) -> Receipt:
        return self._send(admin, self.registry.functions.revokeRole(INSPECTOR_ROLE, account))

    def appoint_pauser(self, admin: LocalAccount, account: Address) -> Receipt:
        """Grant `account` the emergency pause role (keep it apart from the admin)."""
        return self._send(admin, self.registry.functions.grantRole(PAUSER_ROLE, account))

    def appoint_arbiter(self, admin: LocalAccount, account: Address) -> Receipt:
        return self._send(admin, self.registry.functions.grantRole(ARBITER_ROLE, account))

    def set_parameters(self, admin: LocalAccount, parameters: Parameters) -> Receipt:
        """Set the policy for contracts registered from now on."""
        return self._send(admin, self.registry.functions.setParameters(codec.parameters_tuple(parameters)))

    def parameters(self) -> Parameters:
        return codec.parameters(self._call(self.registry.functions.parameters()))

    def pause(self, pauser: LocalAccount) -> Receipt:
        """Stop every state change in the ledger: the rollback plan's first step."""
        return self._send(pauser, self.registry.functions.pause())

    def unpause(self, pauser: LocalAccount) -> Receipt:
        return self._send(pauser, self.registry.functions.unpause())

    def is_paused(self) -> bool:
        return bool(self._call(self.registry.functions.paused()))

    def mint(self, treasury: LocalAccount, to: Address, amount: Sen) -> Receipt:
        """The treasury allocates `amount` of settlement tokens to `to` (an agency official's account)."""
        return self._send(treasury, self.token.functions.mint(to, amount))

    # --- agency official ------------------------------------------------------------------------

    def register(self, official: LocalAccount, spec: ContractSpec) -> ContractId:
        """Register a contract with its milestones; it stays pending until the contractor accepts."""
        self._ocids[contract_id(spec.ocid)] = spec.ocid
        self._send(official, self.registry.functions.register(*codec.registration(spec)))
        return contract_id(spec.ocid)

    def register_batch(self, official: LocalAccount, specs: Sequence[ContractSpec]) -> list[ContractId]:
        """Register many contracts in one transaction: all of them, or none."""
        encoded = [codec.registration(s) for s in specs]
        for spec in specs:
            self._ocids[contract_id(spec.ocid)] = spec.ocid
        self._send(official, self.registry.functions.registerBatch(
            [e[0] for e in encoded], [e[1] for e in encoded], [e[2] for e in encoded]))
        return [contract_id(s.ocid) for s in specs]

    def propose_amendment(self, party: LocalAccount, ocid: str, new_value: Sen, rationale_hash: bytes,
                          changes: Sequence[MilestoneChange] = ()) -> Receipt:
        """Either party proposes an amendment (addendum); the other consents with :meth:`consent_amendment`."""
        return self._send(party, self.registry.functions.proposeAmendment(*self._amendment(ocid, new_value,
                                                                                         rationale_hash, changes)))

    def consent_amendment(self, party: LocalAccount, ocid: str, new_value: Sen, rationale_hash: bytes,
                          changes: Sequence[MilestoneChange] = ()) -> Receipt:
        """The other party consents, restating the exact content it agrees to."""
        return self._send(party, self.registry.functions.consentAmendment(*self._amendment(ocid, new_value,
                                                                                         rationale_hash, changes)))

    def terminate(self, official: LocalAccount, ocid: str, reason_hash: bytes) -> Receipt:
        """Terminate the contract; what it never earned can then be reclaimed with :meth:`reclaim`."""
        return self._send(official, self.registry.functions.terminate(self._id(ocid), codec.hash32(reason_hash)))

    def raise_dispute(self, party: LocalAccount, ocid: str, reason_hash: bytes) -> Receipt:
        """Either party flags a dispute: payments on the contract freeze until the arbiter resolves it."""
        return self._send(party, self.registry.functions.raiseDispute(self._id(ocid), codec.hash32(reason_hash)))

    def resolve_dispute(self, arbiter: LocalAccount, ocid: str, resolution_hash: bytes) -> Receipt:
        return self._send(arbiter, self.registry.functions.resolveDispute(self._id(ocid),
                                                                          codec.hash32(resolution_hash)))

    def pay_advance(self, official: LocalAccount, ocid: str) -> Receipt:
        """Credit the agreed advance payment; milestone payments recover it pro rata."""
        return self._send(official, self.escrow.functions.payAdvance(self._id(ocid)))

    def release_retention(self, official: LocalAccount, ocid: str) -> Receipt:
        """Release the retention to the contractor once the maintenance period is over."""
        return self._send(official, self.escrow.functions.releaseRetention(self._id(ocid)))

    def reclaim(self, official: LocalAccount, ocid: str) -> Receipt:
        """Take back what a completed or terminated contract never earned (penalties, unspent funds)."""
        return self._send(official, self.escrow.functions.reclaim(self._id(ocid)))

    def fund(self, official: LocalAccount, ocid: str, amount: Sen) -> Receipt:
        """Move `amount` from the official's tokens into the contract's escrow (approves, then funds).

        The funding is tried first as a call, so a refusal (wrong official, closed contract, above the
        value) leaves no token approval behind; only the missing allowance may fail that trial.
        """
        cid = self._id(ocid)
        call = self.escrow.functions.fund(cid, amount)
        try:
            self._sender.guard(lambda: call.call({"from": official.address}))
        except ERC20InsufficientAllowance:
            pass
        self._send(official, self.token.functions.approve(self.escrow.address, amount))
        return self._send(official, call)

    # --- contractor -----------------------------------------------------------------------------

    def acceptance_terms(self, ocid: str) -> AcceptanceTerms:
        """Every term of registered contract `ocid` that binds its contractor, read from the chain, and
        their hash computed here; refuses if the chain committed to another hash (the SDK would mislead)."""
        cid = self._id(ocid)
        logs = self.registry.events.ContractRegistered.get_logs(
            from_block=self.deployment.deploy_block if self.deployment else 0, argument_filters={"id": cid})
        if not logs:
            raise UnknownContract({"id": cid}, self._describer)
        inspectors = self.inspectors(ocid)
        count = self._call(self.verifier.functions.milestoneCount(cid))
        milestones = [(m[0], m[1], m[4], m[6]) for m in
                      (self._call(self.verifier.functions.getMilestone(cid, i)) for i in range(count))]
        stored = self._call(self.registry.functions.getContract(cid))
        if stored[2] != ContractStatus.PENDING:  # amendments may have changed the terms since acceptance
            raise GovLedgerValueError(f"contract {ocid} is {ContractStatus(stored[2]).name.lower()}: its terms were "
                                      "accepted already, there is nothing to accept")
        parameters = stored[-1]
        on_chain = bytes(self._call(self.registry.functions.termsHash(cid)))
        # The chain's terms hash decides which registration log is current (a log index may still hold
        # logs of blocks a reorg or a snapshot revert removed).
        for log in reversed(logs):
            raw = log["args"]["registration"]
            registration = (raw["ocid"], raw["agency"], raw["contractor"], raw["category"], raw["value"],
                            raw["advancePayment"], raw["startDate"], raw["endDate"], raw["documentHash"],
                            raw["metadataURI"])
            if codec.terms_hash(registration, milestones, inspectors, parameters) == on_chain:
                return AcceptanceTerms(codec.registered_spec(registration, milestones, inspectors),
                                       codec.parameters(parameters), on_chain)
        raise GovLedgerError(f"no registration of {ocid} in the logs hashes to its terms hash 0x{on_chain.hex()} "
                             "on chain: the SDK cannot show what the contractor would accept")

    def _terms_to_accept(self, ocid: str) -> bytes:
        """The terms hash an acceptance sends by default: the registered terms of a pending contract; for
        any other contract the chain's own hash, so that the chain refuses with the contract's status."""
        cid = self._id(ocid)
        if self._call(self.registry.functions.getContract(cid))[2] != ContractStatus.PENDING:
            return bytes(self._call(self.registry.functions.termsHash(cid)))
        return self.acceptance_terms(ocid).terms_hash

    def terms_hash(self, spec: ContractSpec, parameters: Parameters | None = None) -> bytes:
        """The hash of `spec`'s terms if it is registered under `parameters` (default: the policy in force
        now), for a contractor to sign before registration (:meth:`sign_acceptance`)."""
        return codec.spec_terms_hash(spec, parameters if parameters is not None else self.parameters())

    def accept(self, contractor: LocalAccount, ocid: str, terms_hash: bytes | None = None) -> Receipt:
        """The contractor accepts the terms with `terms_hash` (default: those :meth:`acceptance_terms`
        shows); the contract becomes active only if they are the terms it was registered with."""
        digest = terms_hash if terms_hash is not None else self._terms_to_accept(ocid)
        return self._send(contractor, self.registry.functions.accept(self._id(ocid), codec.hash32(digest)))

    def sign_acceptance(self, contractor: LocalAccount, ocid: str | ContractSpec, deadline: int,
                        terms_hash: bytes | None = None) -> bytes:
        """The contractor's EIP-712 Acceptance(contractId, termsHash, deadline), for anyone to relay with
        :meth:`accept_signed`. Give a ContractSpec to sign before registration (hash: :meth:`terms_hash`)."""
        if isinstance(ocid, ContractSpec):
            spec, ocid = ocid, ocid.ocid
            terms_hash = terms_hash if terms_hash is not None else self.terms_hash(spec)
        elif terms_hash is None:
            terms_hash = self.acceptance_terms(ocid).terms_hash
        domain = {"name": "govledger", "version": "1", "chainId": self.w3.eth.chain_id,
                  "verifyingContract": self.registry.address}
        types = {"Acceptance": [{"name": "contractId", "type": "bytes32"}, {"name": "termsHash", "type": "bytes32"},
                                {"name": "deadline", "type": "uint256"}]}
        message = {"contractId": self._id(ocid), "termsHash": codec.hash32(terms_hash), "deadline": deadline}
        signable = encode_typed_data(domain_data=domain, message_types=types, message_data=message)
        return bytes(contractor.sign_message(signable).signature)

    def accept_signed(self, relayer: LocalAccount, ocid: str, deadline: int, signature: bytes,
                      terms_hash: bytes | None = None) -> Receipt:
        """Relay a signed acceptance of the terms with `terms_hash` (default: the registered terms)."""
        digest = terms_hash if terms_hash is not None else self._terms_to_accept(ocid)
        return self._send(relayer, self.registry.functions.acceptWithSignature(
            self._id(ocid), codec.hash32(digest), deadline, signature))

    def submit(self, contractor: LocalAccount, ocid: str, index: int, evidence_hash: bytes) -> Receipt:
        """Submit the hash of milestone `index`'s evidence (documents stay off chain)."""
        return self._send(contractor, self.verifier.functions.submit(self._id(ocid), index,
                                                                     codec.hash32(evidence_hash)))

    def withdraw(self, contractor: LocalAccount, ocid: str) -> Receipt:
        """Withdraw everything credited to the contractor on this contract."""
        return self._send(contractor, self.escrow.functions.withdraw(self._id(ocid)))

    # --- inspector ------------------------------------------------------------------------------

    def approve(self, inspector: LocalAccount, ocid: str, index: int, report_hash: bytes) -> Receipt:
        """Approve a submitted milestone; the k-th approval credits its amount to the contractor."""
        return self._send(inspector, self.verifier.functions.approve(self._id(ocid), index,
                                                                     codec.hash32(report_hash)))

    def reject(self, inspector: LocalAccount, ocid: str, index: int, report_hash: bytes) -> Receipt:
        """Reject a submitted milestone; the contractor must resubmit."""
        return self._send(inspector, self.verifier.functions.reject(self._id(ocid), index,
                                                                    codec.hash32(report_hash)))

    # --- reads ----------------------------------------------------------------------------------

    def contract(self, ocid: str) -> GovContract:
        cid = self._id(ocid)
        return codec.gov_contract(cid, self._ocids.get(cid), self._call(self.registry.functions.getContract(cid)))

    def inspectors(self, ocid: str) -> list[Address]:
        return [Address(a) for a in self._call(self.verifier.functions.inspectorsOf(self._registered(ocid)))]

    def milestones(self, ocid: str) -> list[Milestone]:
        cid = self._registered(ocid)
        inspectors = [Address(a) for a in self._call(self.verifier.functions.inspectorsOf(cid))]
        count = self._call(self.verifier.functions.milestoneCount(cid))
        return [codec.milestone(i, self._call(self.verifier.functions.getMilestone(cid, i)), inspectors)
                for i in range(count)]

    def escrow_account(self, ocid: str) -> EscrowAccount:
        cid = self._registered(ocid)
        return codec.escrow_account(self._call(self.escrow.functions.accountOf(cid)),
                                    self._call(self.escrow.functions.advanceOf(cid)))

    def balance(self, account: Address) -> Sen:
        """Settlement tokens held by `account`."""
        return Sen(self._call(self.token.functions.balanceOf(to_checksum_address(account))))

    def contracts(self) -> list[GovContract]:
        """Every registered contract, in registration order."""
        events = self.registry.events.ContractRegistered.get_logs(
            from_block=self.deployment.deploy_block if self.deployment else 0)
        for e in events:
            self._ocids[bytes(e["args"]["id"])] = e["args"]["registration"]["ocid"]
        return [self.contract(self._ocids[bytes(e["args"]["id"])]) for e in events]

    def label(self, address: str) -> str:
        """A person-readable name for `address`: its demo role, or a shortened address."""
        return label(to_checksum_address(address))

    def _amendment(self, ocid: str, new_value: Sen, rationale_hash: bytes,
                   changes: Sequence[MilestoneChange]) -> tuple[Any, ...]:
        inspectors = self.inspectors(ocid)
        return (self._id(ocid), new_value, codec.hash32(rationale_hash),
                [codec.milestone_change(c, inspectors) for c in changes])

    def _id(self, ocid: str) -> ContractId:
        if not ocid or not isinstance(ocid, str):
            raise GovLedgerValueError(f"an ocid is a non-empty string, got {ocid!r}")
        cid = contract_id(ocid)
        self._ocids.setdefault(cid, ocid)
        return cid

    def _registered(self, ocid: str) -> ContractId:
        """The id of a registered contract; an unknown one is refused as `contract` refuses it (not read as zeros)."""
        cid = self._id(ocid)
        self._call(self.registry.functions.getContract(cid))  # reverts UnknownContract
        return cid


class _NotDeployed:
    """Stands in for the contracts until the ledger is deployed, so any use says what to do."""

    def __getattr__(self, name: str) -> Any:
        raise NotFoundError("the ledger is not deployed here: run `govledger init` (or scripts/deploy.py) first")


class _LedgerDescriber(PlainDescriber):
    """Describes revert arguments with what the ledger knows: ocids and account labels."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger

    def contract(self, contract_id: bytes | str) -> str:
        if isinstance(contract_id, str):
            return contract_id
        return self._ledger._ocids.get(bytes(contract_id), super().contract(contract_id))

    def account(self, address: str) -> str:
        return self._ledger.label(address)
