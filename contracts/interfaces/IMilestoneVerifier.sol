// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IContractRegistry} from "./IContractRegistry.sol";
import {ILedgerErrors} from "./ILedgerErrors.sol";

/// @title IMilestoneVerifier
/// @notice Milestones of a contract: the contractor submits evidence, assigned inspectors approve or
/// reject it, and k approvals verify it, which credits the payment (less any late penalty) in the escrow.
interface IMilestoneVerifier is ILedgerErrors {
    /// @notice Planned -> Submitted -> (Rejected -> Submitted)* -> Paid; an amendment may cancel an unpaid one.
    enum MilestoneStatus {
        Planned,
        Submitted,
        Rejected,
        Paid,
        Cancelled
    }

    /// @notice One milestone in one storage slot; `approvals` is a bitmask over the contract's inspectors
    /// (the inspector epoch of each approval is kept beside it, in one more slot written at approval).
    struct Milestone {
        uint96 amount;
        uint40 dueDate;
        uint40 submittedAt;
        MilestoneStatus status;
        uint8 requiredApprovals;
        uint8 round;
        uint16 inspectorMask;
        uint16 approvals;
    }

    /// @notice Inspectors were assigned to contract `id` (bit i of a milestone's mask = inspectors[i]).
    event InspectorsAssigned(bytes32 indexed id, address[] inspectors);
    /// @notice Milestone `index` of contract `id` was planned, or re-planned by an amendment.
    event MilestoneRegistered(
        bytes32 indexed id, uint256 indexed index, uint96 amount, uint40 dueDate, uint8 requiredApprovals, uint16 inspectorMask
    );
    /// @notice An amendment cancelled milestone `index` of contract `id` before it was paid.
    event MilestoneCancelled(bytes32 indexed id, uint256 indexed index);
    /// @notice The contractor submitted evidence (a hash of the off-chain documents) for a milestone.
    event MilestoneSubmitted(bytes32 indexed id, uint256 indexed index, bytes32 evidenceHash, uint8 round);
    /// @notice An assigned inspector approved a milestone with a report hash.
    event MilestoneApproved(bytes32 indexed id, uint256 indexed index, address indexed inspector, bytes32 reportHash);
    /// @notice An assigned inspector rejected a milestone; the contractor must resubmit.
    event MilestoneRejected(bytes32 indexed id, uint256 indexed index, address indexed inspector, bytes32 reportHash);
    /// @notice The k-th approval verified a milestone; `penalty` is withheld for `daysLate` days of lateness.
    event MilestoneVerified(bytes32 indexed id, uint256 indexed index, uint96 amount, uint256 penalty, uint256 daysLate);

    /// @notice Only the registry may register or amend milestones; `caller` is not it.
    error OnlyRegistry(address caller);
    /// @notice Contract `id` has no milestone `index`.
    error UnknownMilestone(bytes32 id, uint256 index);
    /// @notice Milestone `index` of contract `id` is `current`, which does not allow this action.
    error WrongMilestoneStatus(bytes32 id, uint256 index, MilestoneStatus current);
    /// @notice `account` is not an assigned inspector of milestone `index` of contract `id`.
    error NotAssignedInspector(address account, bytes32 id, uint256 index);
    /// @notice `inspector` already approved milestone `index` of contract `id` in this round, and its approval still counts.
    error AlreadyApproved(address inspector, bytes32 id, uint256 index);
    /// @notice Milestone `index` of contract `id` was submitted `max` times, the most its round counter records.
    error SubmissionLimitReached(bytes32 id, uint256 index, uint256 max);

    /// @notice Store the inspectors and milestones of a newly registered contract. Registry only.
    function registerMilestones(bytes32 id, address[] calldata inspectors, IContractRegistry.MilestoneInput[] calldata milestones)
        external;

    /// @notice Apply an agreed amendment's milestone changes. Registry only.
    /// @return total the new sum of the amounts of milestones not cancelled
    /// @return count the new number of milestones
    /// @return cancelled how many milestones this amendment cancelled
    function amendMilestones(bytes32 id, IContractRegistry.MilestoneChange[] calldata changes)
        external
        returns (uint256 total, uint256 count, uint256 cancelled);

    /// @notice The contractor submits evidence for milestone `index` of active contract `id`.
    function submit(bytes32 id, uint256 index, bytes32 evidenceHash) external;

    /// @notice An assigned inspector approves a submitted milestone; the k-th approval credits the payment.
    function approve(bytes32 id, uint256 index, bytes32 reportHash) external;

    /// @notice An assigned inspector rejects a submitted milestone, sending it back for resubmission.
    function reject(bytes32 id, uint256 index, bytes32 reportHash) external;

    /// @notice The late penalty of `amount` for a submission at `submittedAt` against `dueDate` under `terms`.
    function latePenalty(uint96 amount, uint40 dueDate, uint40 submittedAt, IContractRegistry.Parameters memory terms)
        external
        pure
        returns (uint256 penalty, uint256 daysLate);

    /// @notice Milestone `index` of contract `id`; its `approvals` are those that count now: given in this
    /// round by inspectors certified without interruption since they approved.
    function getMilestone(bytes32 id, uint256 index) external view returns (Milestone memory);

    /// @notice The number of milestones of contract `id`.
    function milestoneCount(bytes32 id) external view returns (uint256);

    /// @notice The inspectors assigned to contract `id`.
    function inspectorsOf(bytes32 id) external view returns (address[] memory);
}
