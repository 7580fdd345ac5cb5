// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IContractRegistry} from "../interfaces/IContractRegistry.sol";
import {IMilestoneVerifier} from "../interfaces/IMilestoneVerifier.sol";
import {IPaymentEscrow} from "../interfaces/IPaymentEscrow.sol";
import {InspectorMask} from "../libraries/InspectorMask.sol";

/// @title MilestoneVerifier
/// @notice The acceptance of delivered work: evidence in, k-of-n inspector approvals, payment credited
/// less any late penalty. Evidence and reports are hashes of documents kept off chain.
contract MilestoneVerifier is IMilestoneVerifier {
    using InspectorMask for uint16;

    uint256 private constant _BPS = 10_000;

    IContractRegistry public immutable registry;

    mapping(bytes32 id => Milestone[]) private _milestones;
    mapping(bytes32 id => address[]) private _inspectors;
    /// @dev Per milestone, the inspector epoch (registry.inspectorEpoch, 16 bits) of each inspector slot
    /// at its approval: 16 slots x 16 bits in one word.
    mapping(bytes32 id => mapping(uint256 index => uint256)) private _approvalEpochs;

    constructor(IContractRegistry registry_) {
        registry = registry_;
    }

    modifier onlyRegistry() {
        if (msg.sender != address(registry)) revert OnlyRegistry(msg.sender);
        _;
    }

    /// @inheritdoc IMilestoneVerifier
    function registerMilestones(bytes32 id, address[] calldata inspectors, IContractRegistry.MilestoneInput[] calldata milestones)
        external
        onlyRegistry
    {
        _inspectors[id] = inspectors;
        emit InspectorsAssigned(id, inspectors);
        Milestone[] storage list = _milestones[id];
        for (uint256 i; i < milestones.length; ++i) {
            IContractRegistry.MilestoneInput calldata m = milestones[i];
            list.push(_planned(m.amount, m.dueDate, m.requiredApprovals, m.inspectorMask));
            emit MilestoneRegistered(id, i, m.amount, m.dueDate, m.requiredApprovals, m.inspectorMask);
        }
    }

    /// @inheritdoc IMilestoneVerifier
    function amendMilestones(bytes32 id, IContractRegistry.MilestoneChange[] calldata changes)
        external
        onlyRegistry
        returns (uint256 total, uint256 count, uint256 cancelled)
    {
        Milestone[] storage list = _milestones[id];
        uint256 inspectorCount = _inspectors[id].length;
        for (uint256 i; i < changes.length; ++i) {
            IContractRegistry.MilestoneChange calldata ch = changes[i];
            if (ch.index == list.length && ch.amount != 0) {
                list.push(_planned(0, 0, 0, 0));
            } else if (ch.index >= list.length) {
                revert UnknownMilestone(id, ch.index);
            }
            Milestone storage m = list[ch.index];
            if (m.status != MilestoneStatus.Planned && m.status != MilestoneStatus.Rejected) {
                revert WrongMilestoneStatus(id, ch.index, m.status);
            }
            if (ch.amount == 0) {
                m.status = MilestoneStatus.Cancelled;
                ++cancelled;
                emit MilestoneCancelled(id, ch.index);
                continue;
            }
            if (!InspectorMask.validAssignment(ch.inspectorMask, ch.requiredApprovals, inspectorCount)) {
                revert InvalidMilestone(ch.index, ch.amount, ch.requiredApprovals, ch.inspectorMask);
            }
            (m.amount, m.dueDate, m.requiredApprovals, m.inspectorMask) =
                (ch.amount, ch.dueDate, ch.requiredApprovals, ch.inspectorMask);
            emit MilestoneRegistered(id, ch.index, ch.amount, ch.dueDate, ch.requiredApprovals, ch.inspectorMask);
        }
        count = list.length;
        if (count > 64) revert InvalidMilestoneCount(count, 64);
        for (uint256 i; i < count; ++i) {
            if (list[i].status != MilestoneStatus.Cancelled) total += list[i].amount;
        }
    }

    /// @inheritdoc IMilestoneVerifier
    function submit(bytes32 id, uint256 index, bytes32 evidenceHash) external {
        IContractRegistry.GovContract memory c = _workable(id);
        if (msg.sender != c.contractor) revert NotContractor(msg.sender, id);
        Milestone storage m = _milestone(id, index);
        if (m.status != MilestoneStatus.Planned && m.status != MilestoneStatus.Rejected) {
            revert WrongMilestoneStatus(id, index, m.status);
        }
        if (m.round == type(uint8).max) revert SubmissionLimitReached(id, index, type(uint8).max);
        m.status = MilestoneStatus.Submitted;
        m.submittedAt = uint40(block.timestamp);
        m.approvals = 0;
        m.round += 1;
        emit MilestoneSubmitted(id, index, evidenceHash, m.round);
    }

    /// @inheritdoc IMilestoneVerifier
    function approve(bytes32 id, uint256 index, bytes32 reportHash) external {
        IContractRegistry.GovContract memory c = _workable(id);
        Milestone storage m = _submitted(id, index);
        (uint256 slot, uint256 epoch) = _assignedSlot(id, index, m.inspectorMask);
        uint256 epochs = _approvalEpochs[id][index];
        // An approval from before a revocation no longer counts, and must not block a new one.
        if (m.approvals.contains(slot) && _epochAt(epochs, slot) == uint16(epoch)) {
            revert AlreadyApproved(msg.sender, id, index);
        }
        uint16 approvals = m.approvals.with_(slot);
        m.approvals = approvals;
        epochs = (epochs & ~(uint256(type(uint16).max) << (slot * 16))) | (uint256(uint16(epoch)) << (slot * 16));
        _approvalEpochs[id][index] = epochs;
        emit MilestoneApproved(id, index, msg.sender, reportHash);
        if (_countingMask(id, approvals, epochs).count() < m.requiredApprovals) return;

        m.status = MilestoneStatus.Paid;
        uint96 amount = m.amount;
        (uint256 penalty, uint256 daysLate) = latePenalty(amount, m.dueDate, m.submittedAt, c.terms);
        emit MilestoneVerified(id, index, amount, penalty, daysLate);
        IPaymentEscrow(registry.escrow()).release(id, index, amount, penalty);
        registry.milestoneSettled(id, amount);
    }

    /// @inheritdoc IMilestoneVerifier
    function reject(bytes32 id, uint256 index, bytes32 reportHash) external {
        _workable(id);
        Milestone storage m = _submitted(id, index);
        _assignedSlot(id, index, m.inspectorMask);
        m.status = MilestoneStatus.Rejected;
        m.approvals = 0;
        emit MilestoneRejected(id, index, msg.sender, reportHash);
    }

    /// @inheritdoc IMilestoneVerifier
    function latePenalty(uint96 amount, uint40 dueDate, uint40 submittedAt, IContractRegistry.Parameters memory terms)
        public
        pure
        returns (uint256 penalty, uint256 daysLate)
    {
        if (submittedAt <= dueDate) return (0, 0);
        daysLate = (uint256(submittedAt) - dueDate + 1 days - 1) / 1 days; // a started day counts
        penalty = uint256(amount) * terms.penaltyPerDayBps * daysLate / _BPS;
        uint256 cap = uint256(amount) * terms.penaltyCapBps / _BPS;
        if (penalty > cap) penalty = cap;
    }

    /// @inheritdoc IMilestoneVerifier
    function getMilestone(bytes32 id, uint256 index) external view returns (Milestone memory m) {
        m = _milestone(id, index);
        m.approvals = _countingMask(id, m.approvals, _approvalEpochs[id][index]);
    }

    /// @inheritdoc IMilestoneVerifier
    function milestoneCount(bytes32 id) external view returns (uint256) {
        return _milestones[id].length;
    }

    /// @inheritdoc IMilestoneVerifier
    function inspectorsOf(bytes32 id) external view returns (address[] memory) {
        return _inspectors[id];
    }

    function _planned(uint96 amount, uint40 dueDate, uint8 required, uint16 mask) private pure returns (Milestone memory) {
        return Milestone({
            amount: amount,
            dueDate: dueDate,
            submittedAt: 0,
            status: MilestoneStatus.Planned,
            requiredApprovals: required,
            round: 0,
            inspectorMask: mask,
            approvals: 0
        });
    }

    /// @dev Milestones move only on an active, undisputed contract of an unpaused ledger.
    function _workable(bytes32 id) private view returns (IContractRegistry.GovContract memory c) {
        if (registry.paused()) revert LedgerPaused();
        c = registry.getContract(id);
        if (c.status != Status.Active) revert WrongContractStatus(id, c.status, Status.Active);
        if (c.disputed) revert ContractDisputed(id);
    }

    function _milestone(bytes32 id, uint256 index) private view returns (Milestone storage) {
        Milestone[] storage list = _milestones[id];
        if (index >= list.length) revert UnknownMilestone(id, index);
        return list[index];
    }

    function _submitted(bytes32 id, uint256 index) private view returns (Milestone storage m) {
        m = _milestone(id, index);
        if (m.status != MilestoneStatus.Submitted) revert WrongMilestoneStatus(id, index, m.status);
    }

    /// @dev The approvals that count: an approval counts only while its inspector has been certified
    /// without interruption since it approved (same epoch), so revoking an inspector withdraws its
    /// approvals for good, even if it is certified again.
    function _countingMask(bytes32 id, uint16 approvals, uint256 epochs) private view returns (uint16 mask) {
        address[] storage inspectors = _inspectors[id];
        for (uint256 i; approvals >> i != 0; ++i) {
            if (!approvals.contains(i)) continue;
            uint256 epoch = registry.inspectorEpoch(inspectors[i]);
            if (epoch != 0 && uint16(epoch) == _epochAt(epochs, i)) mask = mask.with_(i);
        }
    }

    function _epochAt(uint256 epochs, uint256 slot) private pure returns (uint16) {
        return uint16(epochs >> (slot * 16));
    }

    /// @dev The caller's position among the contract's inspectors, if it is assigned to this milestone,
    /// and its current epoch if it is certified (a revoked inspector loses every assignment at once).
    function _assignedSlot(bytes32 id, uint256 index, uint16 mask) private view returns (uint256, uint256 epoch) {
        address[] storage inspectors = _inspectors[id];
        for (uint256 i; i < inspectors.length; ++i) {
            if (inspectors[i] == msg.sender && mask.contains(i)) {
                epoch = registry.inspectorEpoch(msg.sender);
                if (epoch != 0) return (i, epoch);
            }
        }
        revert NotAssignedInspector(msg.sender, id, index);
    }
}
