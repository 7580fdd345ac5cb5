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

    IContractRegistry public immutable registry;
    IERC20 private immutable _token;

    mapping(bytes32 id => Account) private _accounts;

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
        IContractRegistry.GovContract memory c = registry.getContract(id);
        if (!registry.isOfficialOf(id, msg.sender)) revert IContractRegistry.NotAgencyOfficial(msg.sender, c.agency);
        if (c.status == IContractRegistry.Status.Completed || c.status == IContractRegistry.Status.Terminated) {
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
    function release(bytes32 id, uint256 index, uint256 amount) external {
        if (msg.sender != registry.verifier()) revert OnlyVerifier(msg.sender);
        Account storage a = _accounts[id];
        if (a.held < amount) revert InsufficientEscrow(id, a.held, amount);
        a.held -= uint128(amount);
        a.withdrawable += uint128(amount);
        emit PaymentReleased(id, index, registry.getContract(id).contractor, amount);
    }

    /// @inheritdoc IPaymentEscrow
    function withdraw(bytes32 id) external nonReentrant returns (uint256 amount) {
        address contractor = registry.getContract(id).contractor;
        if (msg.sender != contractor) revert IContractRegistry.NotContractor(msg.sender, id);
        Account storage a = _accounts[id];
        amount = a.withdrawable;
        if (amount == 0) revert NothingToWithdraw(msg.sender, id);
        a.withdrawable = 0;
        a.withdrawn += uint128(amount);
        emit PaymentWithdrawn(id, msg.sender, amount);
        _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IPaymentEscrow
    function accountOf(bytes32 id) external view returns (Account memory) {
        return _accounts[id];
    }
}
