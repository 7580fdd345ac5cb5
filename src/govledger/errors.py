"""Exceptions of govledger: one root, and one class per Solidity custom error.

A revert is decoded into the class named like the Solidity error, with its arguments by name and a
sentence a person understands, e.g. ``inspector3 (0xA630…8F75) is not an assigned inspector of
milestone 0 of contract ocds-demo01-2026-X-001``.

Each template says how it shows an argument with a format spec: ``{id:contract}``, ``{account:account}``,
``{agency:agency}``, ``{neededRole:role}``, ``{amount:rupiah}``, ``{deadline:time}``. Numbers without a spec
are shown as numbers: a count is never mistaken for Rupiah. This module imports nothing else of the
package but `types` (a leaf), so every module may raise these.
"""

from __future__ import annotations

import string
from typing import Any, ClassVar, Protocol

from .types import Category, ContractStatus, MilestoneStatus


class Describer(Protocol):
    """Turns raw revert arguments into names people know (ocids, account labels, Rupiah, dates).

    `govledger.describe.PlainDescriber` knows nothing of the ledger; the Ledger's own knows ocids and
    account labels.
    """

    def contract(self, contract_id: bytes | str) -> str: ...
    def amount(self, sen: int) -> str: ...
    def time(self, timestamp: int) -> str: ...
    def account(self, address: str) -> str: ...
    def agency(self, agency: bytes) -> str: ...
    def role(self, role: bytes) -> str: ...


class GovLedgerError(Exception):
    """Root of every error govledger raises."""


class GovLedgerValueError(GovLedgerError, ValueError):
    """Bad input, refused before anything was sent to the chain."""


class NotFoundError(GovLedgerError, LookupError):
    """A deployment, account or record that does not exist."""


class ContractNotFoundError(NotFoundError):
    """No contract is registered under this ocid: the one refusal every read gives for an unknown id."""

    def __init__(self, ocid: str, hint: str = "") -> None:
        self.ocid = ocid
        super().__init__(f"no contract {ocid} is registered{hint}")


# Format spec in a template -> the Describer method that shows the value.
_KINDS = {"contract": "contract", "account": "account", "agency": "agency", "role": "role",
          "rupiah": "amount", "time": "time"}
# Without a spec, only values that cannot be mistaken are described: addresses (by their form) and
# these bytes32 arguments (by name). Integers are never guessed: they stay numbers.
_BYTES_BY_NAME = {"id": "contract", "agency": "agency", "neededRole": "role", "role": "role"}
_PARSER = string.Formatter()


def _implicit_kind(name: str, value: Any) -> str | None:
    if isinstance(value, (bytes, bytearray)) and name in _BYTES_BY_NAME:
        return _BYTES_BY_NAME[name]
    if isinstance(value, str) and len(value) == 42 and value.startswith("0x"):
        return "account"
    return None


def _describe(describer: Describer | None, kind: str, value: Any) -> str:
    if describer is not None:
        return str(getattr(describer, _KINDS[kind])(value))
    if isinstance(value, (bytes, bytearray)):  # no describer at hand: raw, but never in a wrong unit
        return "0x" + bytes(value).hex()
    return f"{value} sen" if kind == "rupiah" else str(value)


def render(template: str, arguments: dict[str, Any], describer: Describer | None = None) -> str:
    """Fill `template` with `arguments`; a field's spec (or, for ids and addresses, its form) says how."""
    out = []
    for literal, name, spec, conversion in _PARSER.parse(template):
        out.append(literal)
        if name is None:
            continue
        value = arguments[name]
        kind = spec if spec in _KINDS else (_implicit_kind(name, value) if not spec else None)
        if kind is not None:
            out.append(_describe(describer, kind, value))
            continue
        if isinstance(value, (bytes, bytearray)):
            value = "0x" + bytes(value).hex()
        out.append(format(_PARSER.convert_field(value, conversion), spec or ""))
    return "".join(out)


class ContractError(GovLedgerError):
    """A transaction or call reverted on chain. Subclasses are named like the Solidity errors."""

    template: ClassVar[str] = "the ledger refused the call"
    registry: ClassVar[dict[str, type[ContractError]]] = {}
    # Enum arguments shown by label: argument name -> labels by value.
    labels: ClassVar[dict[str, tuple[str, ...]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        ContractError.registry[cls.__name__] = cls

    def __init__(self, arguments: dict[str, Any], describer: Describer | None = None) -> None:
        self.arguments = arguments
        shown = {name: self.labels[name][value]
                 if name in self.labels and isinstance(value, int) and 0 <= value < len(self.labels[name]) else value
                 for name, value in arguments.items()}
        self.message = render(self.template, shown, describer)
        super().__init__(self.message)


class UnrecognisedRevert(ContractError):
    """A revert whose selector matches no error known to the SDK (e.g. a newer contract version)."""

    def __init__(self, selector: str, data: bytes) -> None:
        self.arguments = {"selector": selector, "data": data}
        self.message = f"the ledger refused the call with an unknown error {selector}"
        GovLedgerError.__init__(self, self.message)


class Reverted(ContractError):
    """A revert with a plain reason string."""

    template = "the ledger refused the call: {reason}"


class Panic(ContractError):
    """A Solidity panic (failed assertion, overflow): a bug, never an expected refusal."""

    template = "the ledger's contract panicked (code {code:#x})"


CONTRACT_STATUS = ContractStatus.labels()
MILESTONE_STATUS = MilestoneStatus.labels()


# --- ContractRegistry ---------------------------------------------------------------------------

class UnknownContract(ContractError, NotFoundError):
    template = "no contract {id} is registered"

class ContractAlreadyRegistered(ContractError):
    template = "contract {id} is already registered"

class CategoryNotAllowed(ContractError):
    template = "agency {agency} may not register {category} contracts (rollout allowlist)"
    labels = {"category": Category.labels()}

class NotAParty(ContractError):
    template = "{account} is neither the contractor nor an official of the agency of contract {id}"

class AdvanceTooLarge(ContractError):
    template = ("the advance {advance:rupiah} is above {max:rupiah}: the value still to pay less the retention "
                "and penalty ceilings, so the unpaid milestones could not repay it")

class InvalidOcidLength(ContractError):
    template = "an ocid has 1 to {max} bytes, this one has {length}"

class TermsMismatch(ContractError):
    template = ("contract {id} was registered with terms {expected}, but the contractor accepts terms {given}: "
                "nothing binds that was not accepted")

class DisputeReasonReused(ContractError):
    template = "a new dispute on contract {id} needs a new reason: {reasonHash} is empty or the last dispute's reason"

class DisputeLimitReached(ContractError):
    template = "contract {id} has had {max} disputes, the most one contract can record"

class AmendmentLimitReached(ContractError):
    template = "contract {id} has had {max} amendments, the most one contract can record"

class BatchLengthMismatch(ContractError):
    template = "the batch has {registrations} contracts but {milestoneLists} milestone lists and {inspectorLists} inspector lists"

class AmendmentExceedsCap(ContractError):
    template = "the amendment would take the value to {newValue:rupiah}, above the cap {cap:rupiah} on the original value"

class ValueBelowCommitted(ContractError):
    template = "the value {newValue:rupiah} would fall below the {committed:rupiah} already funded"

class AmendmentMismatch(ContractError):
    template = "this is not the amendment proposed for contract {id}: its content differs (or it was replaced)"

class ContractDisputed(ContractError):
    template = "contract {id} is under dispute: payments, attestations and the parties' changes wait for the arbiter"

class NotDisputed(ContractError):
    template = "contract {id} is not under dispute"

class InvalidParameters(ContractError):
    template = "a parameter is out of range (above 10000 basis points, or retention and penalty cap together above it)"

class LedgerPaused(ContractError):
    template = "the ledger is paused for an emergency"

class OnlyVerifier(ContractError):
    template = "only the milestone verifier may report settled milestones, not {caller}"

class NotAgencyOfficial(ContractError):
    template = "{account} is not an official of agency {agency}"

class NotContractor(ContractError):
    template = "{account} is not the contractor of contract {id}"

class WrongContractStatus(ContractError):
    template = "contract {id} is {current}, but this needs it {required}"
    labels = {"current": CONTRACT_STATUS, "required": CONTRACT_STATUS}

class InvalidContractor(ContractError):
    template = "{account} cannot be the contractor (zero address or the registering official)"

class ZeroValue(ContractError):
    template = "the contract value must be above zero"

class InvalidPeriod(ContractError):
    template = "the contract period must end after it starts (start {startDate:time}, end {endDate:time})"

class InvalidMilestoneCount(ContractError):
    template = "a contract needs 1 to {max} milestones, {count} given"

class InvalidInspectorCount(ContractError):
    template = "a contract needs 1 to {max} inspectors, {count} given"

class NotCertifiedInspector(ContractError):
    template = "{account} is not a certified inspector"

class InspectorNotIndependent(ContractError):
    template = "{account} cannot inspect this contract (listed twice, or a party to it)"

class InvalidMilestone(ContractError):
    template = (
        "milestone {index} is invalid: amount {amount:rupiah}, approvals required {requiredApprovals}, "
        "inspector set {inspectorMask:#06b} (the amount must be above zero and the approvals between one "
        "and the number of its inspectors)"
    )

class MilestoneTotalMismatch(ContractError):
    template = "the milestones add up to {total:rupiah}, not to the contract value {value:rupiah}"

class AcceptanceExpired(ContractError):
    template = "the signed acceptance expired at {deadline:time}"

class InvalidAcceptanceSignature(ContractError):
    template = "the acceptance was signed by {signer}, not by the contractor {contractor}"

class ModulesAlreadySet(ContractError):
    template = "the ledger's modules are already wired, or a module address given is zero"

class ModulesNotSet(ContractError):
    template = "the ledger's modules are not wired yet"


# --- MilestoneVerifier --------------------------------------------------------------------------

class OnlyRegistry(ContractError):
    template = "only the contract registry may do this, not {caller}"

class UnknownMilestone(ContractError):
    template = "contract {id} has no milestone {index}"

class WrongMilestoneStatus(ContractError):
    template = "milestone {index} of contract {id} is {current}, which does not allow this"
    labels = {"current": MILESTONE_STATUS}

class NotAssignedInspector(ContractError):
    template = "{account} is not an assigned inspector of milestone {index} of contract {id}"

class AlreadyApproved(ContractError):
    template = "{inspector} already approved milestone {index} of contract {id}"

class SubmissionLimitReached(ContractError):
    template = "milestone {index} of contract {id} was submitted {max} times, the most it can be"


# --- PaymentEscrow ------------------------------------------------------------------------------

class OnlyMilestoneVerifier(ContractError):
    template = "only the milestone verifier may release payments, not {caller}"

class NoAdvanceDue(ContractError):
    template = "contract {id} has no advance payment due (none agreed, or already paid)"

class AdvanceAfterPayment(ContractError):
    template = ("the advance of contract {id} can no longer be paid: milestones worth {paidValue:rupiah} are paid "
                "already, and the advance is recovered from every milestone payment")

class ContractStillOpen(ContractError):
    template = "contract {id} is still open: only completed or terminated contracts return funds"

class MaintenancePeriodNotOver(ContractError):
    template = "the retention of contract {id} is held until {releasableAt:time} (end of the maintenance period)"

class ZeroAmount(ContractError):
    template = "the amount must be above zero"

class FundingExceedsValue(ContractError):
    template = "funding contract {id} to {funded:rupiah} would exceed its value {value:rupiah}"

class InsufficientEscrow(ContractError):
    template = "contract {id} holds {held:rupiah} in escrow, less than the {required:rupiah} to pay: fund it first"

class NothingToWithdraw(ContractError):
    template = "{account} has nothing to withdraw from contract {id}"

class ContractNotFundable(ContractError):
    template = "contract {id} is closed and cannot take funds"


# --- OpenZeppelin -------------------------------------------------------------------------------

class AccessControlUnauthorizedAccount(ContractError):
    template = "{account} lacks the role {neededRole} needed for this"

class AccessControlBadConfirmation(ContractError):
    template = "a role can only be renounced by its holder"

class ERC20InsufficientBalance(ContractError):
    template = "{sender} holds {balance:rupiah}, less than the {needed:rupiah} needed"

class ERC20InsufficientAllowance(ContractError):
    template = "{spender} may spend {allowance:rupiah}, less than the {needed:rupiah} needed: approve first"

class ERC20InvalidReceiver(ContractError):
    template = "tokens cannot be sent to {receiver}"

class ERC20InvalidSender(ContractError):
    template = "tokens cannot be sent from {sender}"

class ERC20InvalidSpender(ContractError):
    template = "{spender} cannot be approved to spend tokens"

class ERC20InvalidApprover(ContractError):
    template = "{approver} cannot approve spending"

class InvalidShortString(ContractError):
    template = "a name is not a valid short string"

class StringTooLong(ContractError):
    template = "a name is too long: {str}"

class SafeCastOverflowedUintDowncast(ContractError):
    template = "the value {value} does not fit in {bits} bits"

class AccessControlEnforcedDefaultAdminRules(ContractError):
    template = "the admin role changes only by the two-step, delayed transfer"

class AccessControlEnforcedDefaultAdminDelay(ContractError):
    template = "the admin transfer can be accepted from {schedule:time}, not yet"

class AccessControlInvalidDefaultAdmin(ContractError):
    template = "{defaultAdmin} is not the pending admin"

class EnforcedPause(ContractError):
    template = "the ledger is paused for an emergency"

class ExpectedPause(ContractError):
    template = "the ledger is not paused"

# RecordAnchor: Merkle roots over source records (migration, oversight).
class NotAnchorer(ContractError):
    template = "{account} may not anchor records of agency {agency:agency}: it is neither the admin nor one of its officials"

class AlreadyAnchored(ContractError):
    template = "the root {root} was already anchored (at {anchoredAt:time})"

class InvalidAnchor(ContractError):
    template = "an anchor needs a non-zero root and 1 or more records (root {root}, {count} records)"

class AnchoringPaused(ContractError):
    template = "the ledger is paused: nothing is anchored until it resumes"

class ReentrancyGuardReentrantCall(ContractError):
    template = "re-entrant call refused"

class SafeERC20FailedOperation(ContractError):
    template = "the settlement token {token} refused the transfer"

