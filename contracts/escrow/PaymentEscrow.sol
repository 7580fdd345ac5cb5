// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IContractRegistry} from "../interfaces/IContractRegistry.sol";
import {IPaymentEscrow} from "../interfaces/IPaymentEscrow.sol";

/// @title PaymentEscrow
/// @notice Escrowed settlement tokens per government contract, paid out only for verified milestones.
/// Contractors pull their payments; every transfer comes after the bookkeeping it depends on.
contract PaymentEscrow is IPaymentEscrow, ReentrancyGuard {
    using SafeERC20 for IERC20;

    uint256 private constant _BPS = 10_000;

    IContractRegistry public immutable registry;
    IERC20 private immutable _token;

    mapping(bytes32 id => Account) private _accounts;
    mapping(bytes32 id => Advance) private _advances;

    constructor(IContractRegistry registry_, IERC20 token_) {
        registry = registry_;
        _token = token_;
    }

    /// @inheritdoc IPaymentEscrow
    function token() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc IPaymentEscrow
    function fund(bytes32 id, uint256 amount) external nonReentrant {
        IContractRegistry.GovContract memory c = _official(id);
        if (c.status == Status.Completed || c.status == Status.Terminated) {
            revert ContractNotFundable(id);
        }
        if (amount == 0) revert ZeroAmount();
        Account storage a = _accounts[id];
        uint256 funded = a.funded + amount;
        if (funded > c.value) revert FundingExceedsValue(id, funded, c.value);
        a.funded = uint128(funded);
        a.held += uint128(amount);
        emit EscrowFunded(id, msg.sender, amount);
        _token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IPaymentEscrow
    function payAdvance(bytes32 id) external {
        IContractRegistry.GovContract memory c = _official(id);
        if (c.status != Status.Active) {
            revert WrongContractStatus(id, c.status, Status.Active);
        }
        if (c.disputed) revert ContractDisputed(id);
        Advance storage adv = _advances[id];
        uint256 amount = c.advancePayment;
        if (amount == 0 || adv.paid != 0) revert NoAdvanceDue(id);
        // Paid after a milestone, the advance would be recovered from fewer payments than it was sized
        // for, and the last could be left unpayable: it comes first or not at all.
        if (c.paidValue != 0) revert AdvanceAfterPayment(id, c.paidValue);
        Account storage a = _accounts[id];
        if (a.held < amount) revert InsufficientEscrow(id, a.held, amount);
        a.held -= uint128(amount);
        a.withdrawable += uint128(amount);
        (adv.paid, adv.outstanding) = (uint128(amount), uint128(amount));
        emit AdvancePaid(id, c.contractor, amount);
    }

    /// @inheritdoc IPaymentEscrow
    function release(bytes32 id, uint256 index, uint256 amount, uint256 penalty) external {
        if (msg.sender != registry.verifier()) revert OnlyMilestoneVerifier(msg.sender);
        IContractRegistry.GovContract memory c = registry.getContract(id);
        uint256 earned = amount - penalty; // the penalty stays held, to go back to the agency
        uint256 retention = amount * c.terms.worksRetentionBps / _BPS;
        if (retention > earned) retention = earned;
        uint256 recovery = _advanceRecovery(id, c.value - c.paidValue, amount, earned - retention);
        // The recovered part of the advance left the escrow when the advance was paid.
        uint256 net = earned - retention - recovery;
        Account storage a = _accounts[id];
        if (a.held < net + retention) revert InsufficientEscrow(id, a.held, net + retention);
        a.held -= uint128(net + retention);
        a.withdrawable += uint128(net);
        a.retained += uint128(retention);
        emit PaymentReleased(id, index, c.contractor, net, retention, recovery, penalty);
    }

    /// @inheritdoc IPaymentEscrow
    function releaseRetention(bytes32 id) external {
        IContractRegistry.GovContract memory c = _official(id);
        _requireClosed(id, c);
        uint256 releasableAt = uint256(c.closedAt) + c.terms.maintenancePeriod;
        if (block.timestamp < releasableAt) revert MaintenancePeriodNotOver(id, releasableAt);
        Account storage a = _accounts[id];
        uint128 amount = a.retained;
        if (amount == 0) revert NothingToWithdraw(c.contractor, id);
        a.retained = 0;
        a.withdrawable += amount;
        emit RetentionReleased(id, c.contractor, amount);
    }

    /// @inheritdoc IPaymentEscrow
    function withdraw(bytes32 id) external nonReentrant returns (uint256 amount) {
        if (registry.paused()) revert LedgerPaused();
        IContractRegistry.GovContract memory c = registry.getContract(id);
        if (msg.sender != c.contractor) revert NotContractor(msg.sender, id);
        if (c.disputed) revert ContractDisputed(id);
        _recoverAdvanceOnClose(id, c);
        Account storage a = _accounts[id];
        amount = a.withdrawable;
        if (amount == 0) revert NothingToWithdraw(msg.sender, id);
        a.withdrawable = 0;
        a.withdrawn += uint128(amount);
        emit PaymentWithdrawn(id, msg.sender, amount);
        _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IPaymentEscrow
    function reclaim(bytes32 id) external nonReentrant returns (uint256 amount) {
        IContractRegistry.GovContract memory c = _official(id);
        _requireClosed(id, c);
        _recoverAdvanceOnClose(id, c);
        Account storage a = _accounts[id];
        amount = a.held;
        if (amount == 0) revert NothingToWithdraw(msg.sender, id);
        a.held = 0;
        a.refunded += uint128(amount);
        emit EscrowRefunded(id, msg.sender, amount);
        _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IPaymentEscrow
    function accountOf(bytes32 id) external view returns (Account memory) {
        return _accounts[id];
    }

    /// @inheritdoc IPaymentEscrow
    function advanceOf(bytes32 id) external view returns (Advance memory) {
        return _advances[id];
    }

    /// @dev Pro rata: the milestone's share of the value still to pay (`unpaid`, this milestone
    /// included), rounded up, so the last milestone paid recovers exactly the rest. The registry keeps
    /// outstanding <= unpaid x (1 - retention - penalty cap), so the share always fits in the payment
    /// (the cap at `available` is defence in depth) and the ratio never grows: every later milestone
    /// stays payable from a fully funded escrow.
    function _advanceRecovery(bytes32 id, uint256 unpaid, uint256 amount, uint256 available)
        private
        returns (uint256 recovery)
    {
        Advance storage adv = _advances[id];
        uint256 outstanding = adv.outstanding;
        if (outstanding == 0) return 0;
        recovery = (outstanding * amount + unpaid - 1) / unpaid;
        if (recovery > outstanding) recovery = outstanding;
        if (recovery > available) recovery = available;
        adv.outstanding = uint128(outstanding - recovery);
    }

    /// @dev Once a contract is closed (terminated, or completed by cancelling milestones), the advance
    /// no milestone recovered comes back out of what the contractor has not withdrawn, before any
    /// money moves. What was already withdrawn stays a claim on the advance guarantee, off chain.
    function _recoverAdvanceOnClose(bytes32 id, IContractRegistry.GovContract memory c) private {
        if (c.status != Status.Completed && c.status != Status.Terminated) return;
        Advance storage adv = _advances[id];
        Account storage a = _accounts[id];
        uint256 amount = adv.outstanding < a.withdrawable ? adv.outstanding : a.withdrawable;
        if (amount == 0) return;
        adv.outstanding -= uint128(amount);
        a.withdrawable -= uint128(amount);
        a.held += uint128(amount);
        emit AdvanceRecoveredOnClose(id, amount);
    }

    /// @dev The caller must be an official of the contract's agency, on an unpaused ledger.
    function _official(bytes32 id) private view returns (IContractRegistry.GovContract memory c) {
        if (registry.paused()) revert LedgerPaused();
        c = registry.getContract(id);
        if (!registry.isOfficialOf(id, msg.sender)) revert NotAgencyOfficial(msg.sender, c.agency);
    }

    function _requireClosed(bytes32 id, IContractRegistry.GovContract memory c) private pure {
        if (c.status != Status.Completed && c.status != Status.Terminated) {
            revert ContractStillOpen(id);
        }
        if (c.disputed) revert ContractDisputed(id);
    }
}
