// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title ILedgerErrors
/// @notice The errors that more than one of the ledger's contracts raise, declared once (as
/// OpenZeppelin's draft-IERC6093.sol does for tokens), with the contract status they carry. The
/// registry, verifier and escrow interfaces all inherit it, so each error has one selector and one meaning.
interface ILedgerErrors {
    /// @notice Lifecycle of a contract: pending until the contractor accepts; completed when every
    /// milestone is paid or cancelled; terminated by the agency. A dispute is a flag, not a status.
    enum Status {
        Pending,
        Active,
        Completed,
        Terminated
    }

    /// @notice The ledger is paused for an emergency.
    error LedgerPaused();
    /// @notice No contract is registered under `id`.
    error UnknownContract(bytes32 id);
    /// @notice `account` is not an official of `agency`.
    error NotAgencyOfficial(address account, bytes32 agency);
    /// @notice `account` is not the contractor of contract `id`.
    error NotContractor(address account, bytes32 id);
    /// @notice Contract `id` is `current`, but the action needs it to be `required`.
    error WrongContractStatus(bytes32 id, Status current, Status required);
    /// @notice Contract `id` is under dispute: payments, attestations and changes by the parties are frozen.
    error ContractDisputed(bytes32 id);
    /// @notice Milestone `index` has a zero amount, no inspectors, or an approval threshold above its inspectors.
    error InvalidMilestone(uint256 index, uint96 amount, uint8 requiredApprovals, uint16 inspectorMask);
    /// @notice A contract needs between one and `max` milestones; `count` were given.
    error InvalidMilestoneCount(uint256 count, uint256 max);
}
