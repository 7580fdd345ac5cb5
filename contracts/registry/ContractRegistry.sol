// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IContractRegistry} from "../interfaces/IContractRegistry.sol";
import {IMilestoneVerifier} from "../interfaces/IMilestoneVerifier.sol";
import {IPaymentEscrow} from "../interfaces/IPaymentEscrow.sol";
import {InspectorMask} from "../libraries/InspectorMask.sol";

/// @title ContractRegistry
/// @notice Government contracts keyed by `keccak256(ocid)`, the roles that may act on them, the
/// rollout allowlist, policy parameters, the emergency pause, and the directory of the ledger's
/// modules. Only public fields and hashes are stored: documents stay off chain.
contract ContractRegistry is IContractRegistry, AccessControlDefaultAdminRules, Pausable, EIP712 {
    /// @notice Role of certified inspectors (PPHP); agencies assign them per contract.
    bytes32 public constant INSPECTOR_ROLE = keccak256("INSPECTOR_ROLE");
    /// @notice Role that may pause the ledger in an emergency; held apart from the admin.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice Role that resolves disputes.
    bytes32 public constant ARBITER_ROLE = keccak256("ARBITER_ROLE");
    bytes32 private constant _OFFICIAL_ROLE = keccak256("OFFICIAL_ROLE");
    bytes32 private constant _ACCEPTANCE_TYPEHASH =
        keccak256("Acceptance(bytes32 contractId,bytes32 termsHash,uint256 deadline)");
    uint256 private constant _BPS = 10_000;

    /// @notice Upper bounds that keep a milestone in one slot (16-bit inspector masks, 8-bit counts).
    uint256 public constant MAX_MILESTONES = 64;
    uint256 public constant MAX_INSPECTORS = 16;
    /// @notice Longest ocid accepted, in bytes (OCDS ocids are a prefix and an identifier, far shorter).
    uint256 public constant MAX_OCID_LENGTH = 256;
    /// @notice Most amendments and disputes one contract can record (their counters are 8-bit).
    uint256 public constant MAX_AMENDMENTS = type(uint8).max;
    uint256 public constant MAX_DISPUTES = type(uint8).max;

    /// @inheritdoc IContractRegistry
    address public verifier;
    /// @inheritdoc IContractRegistry
    address public escrow;
    /// @notice The policy for contracts registered from now on.
    Parameters public parameters;

    /// @notice Categories each agency may register (bit c = Category c); zero = not in the rollout.
    mapping(bytes32 agency => uint8) public agencyCategories;
    /// @notice Hash of the pending amendment proposal of each contract (zero = none).
    mapping(bytes32 id => bytes32) public pendingAmendment;
    mapping(bytes32 id => GovContract) private _contracts;
    /// @inheritdoc IContractRegistry
    mapping(bytes32 id => bytes32) public termsHash;
    /// @notice Reason hash of the last dispute raised on each contract; a new dispute needs another reason.
    mapping(bytes32 id => bytes32) public lastDisputeReason;
    mapping(address inspector => uint256) private _revocations;

    /// @param admin the platform admin (national procurement policy body)
    /// @param adminTransferDelay seconds a new admin must wait to accept a transfer
    constructor(address admin, uint48 adminTransferDelay)
        AccessControlDefaultAdminRules(adminTransferDelay, admin)
        EIP712("govledger", "1")
    {
        parameters = Parameters({
            amendmentCapBps: 1000,
            worksRetentionBps: 500,
            penaltyPerDayBps: 10,
            penaltyCapBps: 500,
            maintenancePeriod: 180 days
        });
    }

    // --- admin and pauser ------------------------------------------------------------------------

    /// @inheritdoc IContractRegistry
    function officialRole(bytes32 agency) public pure returns (bytes32) {
        return keccak256(abi.encode(_OFFICIAL_ROLE, agency));
    }

    /// @inheritdoc IContractRegistry
    function setModules(address verifier_, address escrow_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (verifier != address(0) || verifier_ == address(0) || escrow_ == address(0)) revert ModulesAlreadySet();
        verifier = verifier_;
        escrow = escrow_;
        emit ModulesSet(verifier_, escrow_);
    }

    /// @inheritdoc IContractRegistry
    function setAgencyCategories(bytes32 agency, uint8 categoryMask) external onlyRole(DEFAULT_ADMIN_ROLE) {
        agencyCategories[agency] = categoryMask;
        emit AgencyAllowlisted(agency, categoryMask);
    }

    /// @inheritdoc IContractRegistry
    function setParameters(Parameters calldata p) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (
            p.amendmentCapBps > _BPS || p.penaltyPerDayBps > _BPS
                || uint256(p.worksRetentionBps) + p.penaltyCapBps > _BPS
        ) revert InvalidParameters();
        parameters = p;
        emit ParametersSet(p);
    }

    /// @inheritdoc IContractRegistry
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IContractRegistry
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /// @inheritdoc IContractRegistry
    function paused() public view override(IContractRegistry, Pausable) returns (bool) {
        return super.paused();
    }

    // --- registration and acceptance -------------------------------------------------------------

    /// @inheritdoc IContractRegistry
    function register(Registration calldata r, MilestoneInput[] calldata milestones, address[] calldata inspectors)
        external
        whenNotPaused
        returns (bytes32)
    {
        return _register(r, milestones, inspectors);
    }

    /// @inheritdoc IContractRegistry
    function registerBatch(
        Registration[] calldata registrations,
        MilestoneInput[][] calldata milestones,
        address[][] calldata inspectors
    ) external whenNotPaused returns (bytes32[] memory ids) {
        if (milestones.length != registrations.length || inspectors.length != registrations.length) {
            revert BatchLengthMismatch(registrations.length, milestones.length, inspectors.length);
        }
        ids = new bytes32[](registrations.length);
        for (uint256 i; i < registrations.length; ++i) {
            ids[i] = _register(registrations[i], milestones[i], inspectors[i]);
        }
    }

    /// @inheritdoc IContractRegistry
    function accept(bytes32 id, bytes32 termsHash_) external whenNotPaused {
        GovContract storage c = _existing(id);
        if (msg.sender != c.contractor) revert NotContractor(msg.sender, id);
        _activate(id, c, termsHash_);
    }

    /// @inheritdoc IContractRegistry
    function acceptWithSignature(bytes32 id, bytes32 termsHash_, uint256 deadline, bytes calldata signature)
        external
        whenNotPaused
    {
        GovContract storage c = _existing(id);
        if (block.timestamp > deadline) revert AcceptanceExpired(deadline);
        bytes32 digest = acceptanceDigest(id, termsHash_, deadline);
        if (!SignatureChecker.isValidSignatureNow(c.contractor, digest, signature)) {
            (address signer,,) = ECDSA.tryRecover(digest, signature);
            revert InvalidAcceptanceSignature(signer, c.contractor);
        }
        _activate(id, c, termsHash_);
    }

    /// @inheritdoc IContractRegistry
    function acceptanceDigest(bytes32 id, bytes32 termsHash_, uint256 deadline) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(_ACCEPTANCE_TYPEHASH, id, termsHash_, deadline)));
    }

    /// @inheritdoc IContractRegistry
    function termsHashOf(
        Registration calldata r,
        MilestoneInput[] calldata milestones,
        address[] calldata inspectors,
        Parameters memory terms
    ) public pure returns (bytes32) {
        return keccak256(abi.encode(r, milestones, inspectors, terms));
    }

    // --- amendments, termination, disputes -------------------------------------------------------

    /// @inheritdoc IContractRegistry
    function proposeAmendment(bytes32 id, uint96 newValue, bytes32 rationaleHash, MilestoneChange[] calldata changes)
        external
        whenNotPaused
    {
        GovContract storage c = _undisputed(id);
        bool byAgency = _partySide(id, c);
        if (c.amendmentCount == MAX_AMENDMENTS) revert AmendmentLimitReached(id, MAX_AMENDMENTS);
        _checkAmendedValue(id, c, newValue);
        pendingAmendment[id] = _amendmentHash(id, c.amendmentCount, byAgency, newValue, rationaleHash, changes);
        emit AmendmentProposed(id, c.amendmentCount + 1, msg.sender, newValue, rationaleHash, changes);
    }

    /// @inheritdoc IContractRegistry
    function consentAmendment(bytes32 id, uint96 newValue, bytes32 rationaleHash, MilestoneChange[] calldata changes)
        external
        whenNotPaused
    {
        GovContract storage c = _undisputed(id);
        // The consenting party restates the content; it must be the other side's proposal, unchanged.
        bool proposedByAgency = !_partySide(id, c);
        bytes32 given = _amendmentHash(id, c.amendmentCount, proposedByAgency, newValue, rationaleHash, changes);
        bytes32 expected = pendingAmendment[id];
        if (given != expected) revert AmendmentMismatch(id, expected, given);
        delete pendingAmendment[id];
        _checkAmendedValue(id, c, newValue);

        (uint256 total, uint256 count, uint256 cancelled) =
            IMilestoneVerifier(verifier).amendMilestones(id, changes);
        if (total != newValue) revert MilestoneTotalMismatch(total, newValue);
        uint96 previous = c.value;
        c.value = newValue;
        c.milestoneCount = uint8(count);
        c.amendmentCount += 1;
        emit ContractAmended(id, c.amendmentCount, previous, newValue, rationaleHash);
        _settle(id, c, cancelled);
    }

    /// @inheritdoc IContractRegistry
    function terminate(bytes32 id, bytes32 reasonHash) external whenNotPaused {
        GovContract storage c = _existing(id);
        if (c.disputed) {
            // Under dispute the arbiter decides: its termination is also the dispute's resolution.
            if (!hasRole(ARBITER_ROLE, msg.sender)) revert ContractDisputed(id);
            c.disputed = false;
            emit DisputeResolved(id, msg.sender, reasonHash);
        } else if (!hasRole(officialRole(c.agency), msg.sender)) {
            revert NotAgencyOfficial(msg.sender, c.agency);
        }
        if (c.status != Status.Active && c.status != Status.Pending) {
            revert WrongContractStatus(id, c.status, Status.Active);
        }
        c.status = Status.Terminated;
        c.closedAt = uint40(block.timestamp);
        delete pendingAmendment[id];
        emit ContractTerminated(id, msg.sender, reasonHash);
    }

    /// @inheritdoc IContractRegistry
    function raiseDispute(bytes32 id, bytes32 reasonHash) external whenNotPaused {
        GovContract storage c = _undisputed(id);
        _partySide(id, c);
        if (reasonHash == lastDisputeReason[id]) revert DisputeReasonReused(id, reasonHash);
        if (c.disputeCount == MAX_DISPUTES) revert DisputeLimitReached(id, MAX_DISPUTES);
        c.disputed = true;
        c.disputeCount += 1;
        lastDisputeReason[id] = reasonHash;
        emit DisputeRaised(id, msg.sender, reasonHash, c.disputeCount);
    }

    /// @inheritdoc IContractRegistry
    function resolveDispute(bytes32 id, bytes32 resolutionHash) external whenNotPaused onlyRole(ARBITER_ROLE) {
        GovContract storage c = _existing(id);
        if (!c.disputed) revert NotDisputed(id);
        c.disputed = false;
        emit DisputeResolved(id, msg.sender, resolutionHash);
    }

    /// @inheritdoc IContractRegistry
    function milestoneSettled(bytes32 id, uint96 amount) external {
        if (msg.sender != verifier) revert OnlyVerifier(msg.sender);
        GovContract storage c = _existing(id);
        c.paidValue += amount;
        _settle(id, c, 1);
        // A proposal can no longer take effect on a completed contract (consent already cleared its own).
        if (c.status == Status.Completed) delete pendingAmendment[id];
    }

    // --- reads -----------------------------------------------------------------------------------

    /// @inheritdoc IContractRegistry
    function getContract(bytes32 id) external view returns (GovContract memory) {
        return _existing(id);
    }

    /// @inheritdoc IContractRegistry
    function isOfficialOf(bytes32 id, address account) external view returns (bool) {
        return hasRole(officialRole(_existing(id).agency), account);
    }

    /// @inheritdoc IContractRegistry
    function isInspector(address account) external view returns (bool) {
        return hasRole(INSPECTOR_ROLE, account);
    }

    /// @inheritdoc IContractRegistry
    function inspectorEpoch(address account) external view returns (uint256) {
        return hasRole(INSPECTOR_ROLE, account) ? _revocations[account] + 1 : 0;
    }

    // --- internals -------------------------------------------------------------------------------

    function _register(Registration calldata r, MilestoneInput[] calldata milestones, address[] calldata inspectors)
        private
        returns (bytes32 id)
    {
        if (verifier == address(0)) revert ModulesNotSet();
        if (agencyCategories[r.agency] & (uint8(1) << uint8(r.category)) == 0) {
            revert CategoryNotAllowed(r.agency, r.category);
        }
        if (!hasRole(officialRole(r.agency), msg.sender)) revert NotAgencyOfficial(msg.sender, r.agency);
        uint256 ocidLength = bytes(r.ocid).length;
        if (ocidLength == 0 || ocidLength > MAX_OCID_LENGTH) revert InvalidOcidLength(ocidLength, MAX_OCID_LENGTH);
        id = keccak256(bytes(r.ocid));
        if (_contracts[id].contractor != address(0)) revert ContractAlreadyRegistered(id);
        if (r.contractor == address(0) || r.contractor == msg.sender) revert InvalidContractor(r.contractor);
        if (r.value == 0) revert ZeroValue();
        if (r.endDate <= r.startDate) revert InvalidPeriod(r.startDate, r.endDate);
        Parameters memory terms = parameters;
        if (r.category != Category.Works) terms.worksRetentionBps = 0;
        _checkAdvance(r.advancePayment, r.value, terms);
        _checkInspectors(r.contractor, inspectors);
        _checkMilestones(r.value, milestones, inspectors.length);

        GovContract storage c = _contracts[id];
        c.contractor = r.contractor;
        c.category = r.category;
        c.milestoneCount = uint8(milestones.length);
        c.startDate = r.startDate;
        c.value = r.value;
        c.originalValue = r.value;
        c.endDate = r.endDate;
        c.agency = r.agency;
        c.documentHash = r.documentHash;
        c.advancePayment = r.advancePayment;
        c.terms = terms;
        termsHash[id] = termsHashOf(r, milestones, inspectors, terms);
        emit ContractRegistered(id, r.agency, r.contractor, r);
        IMilestoneVerifier(verifier).registerMilestones(id, inspectors, milestones);
    }

    function _activate(bytes32 id, GovContract storage c, bytes32 given) private {
        if (c.status != Status.Pending) revert WrongContractStatus(id, c.status, Status.Pending);
        bytes32 expected = termsHash[id];
        if (given != expected) revert TermsMismatch(id, expected, given);
        c.status = Status.Active;
        emit ContractAccepted(id, c.contractor, given);
    }

    function _settle(bytes32 id, GovContract storage c, uint256 settled) private {
        if (settled == 0) return;
        c.settledCount += uint8(settled);
        if (c.settledCount == c.milestoneCount) {
            c.status = Status.Completed;
            c.closedAt = uint40(block.timestamp);
            emit ContractCompleted(id);
        }
    }

    function _existing(bytes32 id) private view returns (GovContract storage c) {
        c = _contracts[id];
        if (c.contractor == address(0)) revert UnknownContract(id);
    }

    /// @dev An active contract with no open dispute: the parties may change it.
    function _undisputed(bytes32 id) private view returns (GovContract storage c) {
        c = _existing(id);
        if (c.status != Status.Active) revert WrongContractStatus(id, c.status, Status.Active);
        if (c.disputed) revert ContractDisputed(id);
    }

    /// @dev True when the caller acts for the agency, false for the contractor; reverts for anyone else.
    function _partySide(bytes32 id, GovContract storage c) private view returns (bool byAgency) {
        if (msg.sender == c.contractor) return false;
        if (hasRole(officialRole(c.agency), msg.sender)) return true;
        revert NotAParty(msg.sender, id);
    }

    /// @dev The value may not rise above the cap on the original value, nor fall below what is funded
    /// or what is paid, nor so low that the unpaid milestones could not repay the advance.
    function _checkAmendedValue(bytes32 id, GovContract storage c, uint96 newValue) private view {
        uint256 cap = uint256(c.originalValue) * (_BPS + c.terms.amendmentCapBps) / _BPS;
        if (newValue > cap) revert AmendmentExceedsCap(newValue, cap);
        uint256 committed = IPaymentEscrow(escrow).accountOf(id).funded;
        if (c.paidValue > committed) committed = c.paidValue;
        if (newValue < committed) revert ValueBelowCommitted(newValue, committed);
        // The advance still to recover: what is outstanding once paid; the agreed one while it can still be paid.
        IPaymentEscrow.Advance memory adv = IPaymentEscrow(escrow).advanceOf(id);
        uint256 advance = adv.paid != 0 ? adv.outstanding : (c.paidValue == 0 ? c.advancePayment : 0);
        _checkAdvance(advance, newValue - c.paidValue, c.terms);
    }

    /// @dev Every unpaid milestone repays the advance pro rata and must still be able to after its
    /// retention and the largest late penalty: advance <= unpaid x (1 - retention - penalty cap).
    function _checkAdvance(uint256 advance, uint256 unpaid, Parameters memory terms) private pure {
        uint256 max = unpaid * (_BPS - terms.worksRetentionBps - terms.penaltyCapBps) / _BPS;
        if (advance > max) revert AdvanceTooLarge(advance, max);
    }

    function _amendmentHash(
        bytes32 id,
        uint8 number,
        bool proposedByAgency,
        uint96 newValue,
        bytes32 rationaleHash,
        MilestoneChange[] calldata changes
    ) private pure returns (bytes32) {
        return keccak256(abi.encode(id, number, proposedByAgency, newValue, rationaleHash, changes));
    }

    /// @dev Inspectors must be certified, distinct, and neither the contractor nor the registering official.
    function _checkInspectors(address contractor, address[] calldata inspectors) private view {
        if (inspectors.length == 0 || inspectors.length > MAX_INSPECTORS) {
            revert InvalidInspectorCount(inspectors.length, MAX_INSPECTORS);
        }
        for (uint256 i; i < inspectors.length; ++i) {
            address inspector = inspectors[i];
            if (!hasRole(INSPECTOR_ROLE, inspector)) revert NotCertifiedInspector(inspector);
            if (inspector == contractor || inspector == msg.sender) revert InspectorNotIndependent(inspector);
            for (uint256 j; j < i; ++j) {
                if (inspectors[j] == inspector) revert InspectorNotIndependent(inspector);
            }
        }
    }

    function _checkMilestones(uint96 value, MilestoneInput[] calldata milestones, uint256 inspectorCount) private pure {
        if (milestones.length == 0 || milestones.length > MAX_MILESTONES) {
            revert InvalidMilestoneCount(milestones.length, MAX_MILESTONES);
        }
        uint256 total;
        for (uint256 i; i < milestones.length; ++i) {
            MilestoneInput calldata m = milestones[i];
            if (!InspectorMask.validAssignment(m.inspectorMask, m.requiredApprovals, inspectorCount) || m.amount == 0) {
                revert InvalidMilestone(i, m.amount, m.requiredApprovals, m.inspectorMask);
            }
            total += m.amount;
        }
        if (total != value) revert MilestoneTotalMismatch(total, value);
    }

    /// @dev Revoking an inspector starts a new epoch: approvals it gave before no longer count, even if
    /// it is certified again (see {inspectorEpoch}).
    function _revokeRole(bytes32 role, address account) internal override returns (bool revoked) {
        revoked = super._revokeRole(role, account);
        if (revoked && role == INSPECTOR_ROLE) ++_revocations[account];
    }

    /// @dev Pausing stops every state change; the ledger reports it with its own error.
    function _requireNotPaused() internal view override {
        if (paused()) revert LedgerPaused();
    }
}
