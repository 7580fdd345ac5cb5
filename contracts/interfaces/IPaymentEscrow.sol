// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IPaymentEscrow
/// @notice Holds each contract's funds in the settlement token. The agency funds it, verified
/// milestones credit the contractor, and the contractor withdraws (pull payments).
interface IPaymentEscrow {
    /// @notice Per-contract accounts in two slots. Always: funded = withdrawn + withdrawable + held.
    struct Account {
        uint128 funded;
        uint128 held;
        uint128 withdrawable;
        uint128 withdrawn;
    }

    /// @notice `funder`, an official of the owning agency, moved `amount` into contract `id`'s escrow.
    event EscrowFunded(bytes32 indexed id, address indexed funder, uint256 amount);
    /// @notice Milestone `index` of contract `id` credited `amount` to the contractor.
    event PaymentReleased(bytes32 indexed id, uint256 indexed index, address indexed contractor, uint256 amount);
    /// @notice The contractor withdrew `amount` from contract `id`.
    event PaymentWithdrawn(bytes32 indexed id, address indexed contractor, uint256 amount);

    /// @notice Only the milestone verifier may credit payments; `caller` is not it.
    error OnlyVerifier(address caller);
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

    /// @notice The settlement token (an ERC-20 standing for the Rupiah).
    function token() external view returns (address);

    /// @notice Move `amount` of the caller's settlement tokens into contract `id`'s escrow (approve first).
    function fund(bytes32 id, uint256 amount) external;

    /// @notice Credit milestone `index`'s `amount` of contract `id` to its contractor. Verifier only.
    function release(bytes32 id, uint256 index, uint256 amount) external;

    /// @notice The contractor of contract `id` withdraws everything credited to it.
    function withdraw(bytes32 id) external returns (uint256 amount);

    /// @notice The escrow account of contract `id`.
    function accountOf(bytes32 id) external view returns (Account memory);
}
