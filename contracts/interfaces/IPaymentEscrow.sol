// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ILedgerErrors} from "./ILedgerErrors.sol";

/// @title IPaymentEscrow
/// @notice Holds each contract's funds in the settlement token. The agency funds it; verified
/// milestones credit the contractor (less late penalty, retention and advance recovery); the
/// contractor withdraws (pull payments); what was never earned goes back to the agency.
interface IPaymentEscrow is ILedgerErrors {
    /// @notice Per-contract accounts in three slots. Always:
    /// funded = withdrawn + withdrawable + retained + refunded + held.
    struct Account {
        uint128 funded;
        uint128 held;
        uint128 withdrawable;
        uint128 withdrawn;
        uint128 retained;
        uint128 refunded;
    }

    /// @notice Advance payment of a contract: how much was paid and how much is still to be recovered.
    struct Advance {
        uint128 paid;
        uint128 outstanding;
    }

    /// @notice `funder`, an official of the owning agency, moved `amount` into contract `id`'s escrow.
    event EscrowFunded(bytes32 indexed id, address indexed funder, uint256 amount);
    /// @notice The advance payment of contract `id` was credited to its contractor.
    event AdvancePaid(bytes32 indexed id, address indexed contractor, uint256 amount);
    /// @notice Milestone `index` of contract `id` was paid: `net` credited, `retention` held back,
    /// `advanceRecovered` set against the advance, `penalty` withheld for lateness.
    event PaymentReleased(
        bytes32 indexed id,
        uint256 indexed index,
        address indexed contractor,
        uint256 net,
        uint256 retention,
        uint256 advanceRecovered,
        uint256 penalty
    );
    /// @notice Contract `id` closed with `amount` of its advance unrecovered; it was taken back from what the
    /// contractor had not yet withdrawn and is held for the agency.
    event AdvanceRecoveredOnClose(bytes32 indexed id, uint256 amount);
    /// @notice The retention of contract `id` was released to its contractor after the maintenance period.
    event RetentionReleased(bytes32 indexed id, address indexed contractor, uint256 amount);
    /// @notice The contractor withdrew `amount` from contract `id`.
    event PaymentWithdrawn(bytes32 indexed id, address indexed contractor, uint256 amount);
    /// @notice What contract `id` never earned went back to the agency (closed contracts only).
    event EscrowRefunded(bytes32 indexed id, address indexed official, uint256 amount);

    /// @notice Only the milestone verifier may release payments; `caller` is not it.
    error OnlyMilestoneVerifier(address caller);
    /// @notice Funding must be above zero.
    error ZeroAmount();
    /// @notice Funding contract `id` to `funded` would exceed its value `value`.
    error FundingExceedsValue(bytes32 id, uint256 funded, uint256 value);
    /// @notice Contract `id` holds `held` in escrow, less than the `required` payment.
    error InsufficientEscrow(bytes32 id, uint256 held, uint256 required);
    /// @notice `account` has nothing to withdraw from contract `id`.
    error NothingToWithdraw(address account, bytes32 id);
    /// @notice Contract `id` cannot take funds in its current status.
    error ContractNotFundable(bytes32 id);
    /// @notice Contract `id` has no advance payment to make, or it was already paid.
    error NoAdvanceDue(bytes32 id);
    /// @notice The advance of contract `id` can no longer be paid: milestones worth `paidValue` are paid
    /// already, and an advance is recovered from every milestone payment.
    error AdvanceAfterPayment(bytes32 id, uint256 paidValue);
    /// @notice Contract `id` is still open: only completed or terminated contracts return funds.
    error ContractStillOpen(bytes32 id);
    /// @notice The retention of contract `id` is held until `releasableAt`.
    error MaintenancePeriodNotOver(bytes32 id, uint256 releasableAt);

    /// @notice The settlement token (an ERC-20 standing for the Rupiah).
    function token() external view returns (address);

    /// @notice Move `amount` of the caller's settlement tokens into contract `id`'s escrow (approve first).
    function fund(bytes32 id, uint256 amount) external;

    /// @notice An agency official credits the agreed advance payment of active contract `id` to its contractor.
    function payAdvance(bytes32 id) external;

    /// @notice Pay milestone `index` of contract `id`: `amount` less `penalty`, retention and advance recovery.
    /// Verifier only.
    function release(bytes32 id, uint256 index, uint256 amount, uint256 penalty) external;

    /// @notice An agency official releases the retention once the maintenance period after closing is over.
    function releaseRetention(bytes32 id) external;

    /// @notice The contractor of contract `id` withdraws everything credited to it.
    function withdraw(bytes32 id) external returns (uint256 amount);

    /// @notice An agency official takes back what a completed or terminated contract never earned.
    function reclaim(bytes32 id) external returns (uint256 amount);

    /// @notice The escrow account of contract `id`.
    function accountOf(bytes32 id) external view returns (Account memory);

    /// @notice The advance payment of contract `id`.
    function advanceOf(bytes32 id) external view returns (Advance memory);
}
