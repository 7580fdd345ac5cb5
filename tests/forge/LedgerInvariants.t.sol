// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestBase, console} from "./utils/Vm.sol";
import {LedgerHandler} from "./handlers/LedgerHandler.sol";
import {IContractRegistry} from "../../contracts/interfaces/IContractRegistry.sol";
import {ILedgerErrors} from "../../contracts/interfaces/ILedgerErrors.sol";
import {IMilestoneVerifier} from "../../contracts/interfaces/IMilestoneVerifier.sol";
import {IPaymentEscrow} from "../../contracts/interfaces/IPaymentEscrow.sol";

/// @title The ledger's invariants (docs/invariants-forge.md), under random sequences of actions by
/// random actors. forge calls only the handler (`targetContracts`); after every call it checks the
/// invariant under test.
abstract contract LedgerInvariantsBase is TestBase {
    LedgerHandler internal handler;

    function _hookedToken() internal pure virtual returns (bool);

    function setUp() public {
        handler = new LedgerHandler(_hookedToken());
        vm.label(address(handler), "LedgerHandler");
    }

    /// @dev forge-std's StdInvariant ABI: fuzz only the handler's actions.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice For every contract: funded = withdrawn + withdrawable + retained + refunded + held,
    /// and funded / withdrawn / refunded match what the handler saw move.
    function invariant_accountsBalancePerContract() public view {
        for (uint256 i; i < handler.idCount(); ++i) {
            bytes32 id = handler.ids(i);
            IPaymentEscrow.Account memory a = handler.escrow().accountOf(id);
            assertEq(
                a.funded,
                uint256(a.withdrawn) + a.withdrawable + a.retained + a.refunded + a.held,
                "funded != withdrawn + withdrawable + retained + refunded + held"
            );
            (,,, uint256 funded, uint256 withdrawn, uint256 refunded,,,,,) = handler.ghost(id);
            assertEq(a.funded, funded, "funded != sum of successful fund() calls");
            assertEq(a.withdrawn, withdrawn, "withdrawn != sum of successful withdraw() calls");
            assertEq(a.refunded, refunded, "refunded != sum of successful reclaim() calls");
        }
    }

    /// @notice The escrow holds exactly what its books owe: sum of held + withdrawable + retained.
    function invariant_escrowSolvent() public view {
        (uint256 books, uint256 balance) = handler.escrowBooks();
        assertEq(books, balance, "sum(held + withdrawable + retained) != token.balanceOf(escrow)");
    }

    /// @notice No milestone is paid twice; every Paid milestone was paid exactly once, with at least
    /// k approvals from its assigned, certified inspectors in the round that paid it.
    function invariant_milestonesPaidOnceWithKApprovals() public view {
        for (uint256 i; i < handler.idCount(); ++i) {
            bytes32 id = handler.ids(i);
            LedgerHandler.GMilestone[] memory gms = handler.ghostMilestones(id);
            IMilestoneVerifier verifier = handler.verifier();
            assertEq(verifier.milestoneCount(id), gms.length, "milestone count differs from the model");
            for (uint256 j; j < gms.length; ++j) {
                assertLe(gms[j].paidCount, 1, "PaymentReleased more than once for one milestone");
                bool paid = verifier.getMilestone(id, j).status == IMilestoneVerifier.MilestoneStatus.Paid;
                assertEq(gms[j].paidCount, paid ? 1 : 0, "Paid status and PaymentReleased events disagree");
                if (paid) assertGe(gms[j].approvalsAtPayment, gms[j].k, "paid with fewer than k approvals");
            }
        }
    }

    /// @dev A probe that paid what it was asked to reverts with this, undoing its payments.
    error Payable();

    /// @notice Liveness: on an active, undisputed, fully funded contract, every milestone not yet paid or
    /// cancelled can be paid once verified: each on its own, and all of them one after the other. The
    /// escrow's own `release` is called as the verifier calls it, without a late penalty (the payment
    /// that asks the most of the escrow), inside a probe that reverts afterwards (state snapshots would
    /// disturb the other invariants' campaigns).
    function invariant_fundedContractsCanPayEveryMilestone() public {
        for (uint256 i; i < handler.idCount(); ++i) {
            bytes32 id = handler.ids(i);
            IContractRegistry.GovContract memory c = handler.registry().getContract(id);
            if (c.status != ILedgerErrors.Status.Active || c.disputed) continue;
            if (handler.escrow().accountOf(id).funded != c.value) continue;
            uint256 count = handler.verifier().milestoneCount(id);
            for (uint256 j; j <= count; ++j) {
                try this.probePayments(id, j) {}
                catch (bytes memory reason) {
                    if (bytes4(reason) == Payable.selector) continue;
                    assembly {
                        revert(add(reason, 32), mload(reason))
                    }
                }
            }
        }
    }

    /// @dev Pays milestone `only` of `id` (or, when `only` is the milestone count, every unpaid one in
    /// turn), then reverts with {Payable}: a failed payment reverts with its own message instead.
    function probePayments(bytes32 id, uint256 only) external {
        uint256 count = handler.verifier().milestoneCount(id);
        for (uint256 k = only == count ? 0 : only; k < (only == count ? count : only + 1); ++k) {
            _payAsTheVerifier(id, k, only == count);
        }
        revert Payable();
    }

    function _payAsTheVerifier(bytes32 id, uint256 index, bool settle) private {
        IMilestoneVerifier.Milestone memory m = handler.verifier().getMilestone(id, index);
        if (m.status == IMilestoneVerifier.MilestoneStatus.Paid || m.status == IMilestoneVerifier.MilestoneStatus.Cancelled) {
            return;
        }
        // Read the modules first: a prank applies to the very next call.
        (address verifier, IPaymentEscrow escrow, IContractRegistry registry) =
            (address(handler.verifier()), handler.escrow(), handler.registry());
        vm.prank(verifier);
        try escrow.release(id, index, m.amount, 0) {}
        catch {
            revert(string.concat(
                "milestone ", vm.toString(index), " of a funded, undisputed contract cannot be paid (held ",
                vm.toString(uint256(escrow.accountOf(id).held)), ", amount ", vm.toString(uint256(m.amount)), ")"
            ));
        }
        if (!settle) return;
        vm.prank(verifier);
        registry.milestoneSettled(id, m.amount);
    }

    /// @notice The milestones not cancelled add up to the current value exactly, and the value stays
    /// within original x (1 + cap).
    function invariant_valueBounds() public view {
        for (uint256 i; i < handler.idCount(); ++i) {
            bytes32 id = handler.ids(i);
            IContractRegistry.GovContract memory c = handler.registry().getContract(id);
            IMilestoneVerifier verifier = handler.verifier();
            uint256 total;
            for (uint256 j; j < verifier.milestoneCount(id); ++j) {
                IMilestoneVerifier.Milestone memory m = verifier.getMilestone(id, j);
                if (m.status != IMilestoneVerifier.MilestoneStatus.Cancelled) total += m.amount;
            }
            assertEq(total, c.value, "milestones do not add up to the contract value");
            assertLe(c.value, uint256(c.originalValue) * (10_000 + c.terms.amendmentCapBps) / 10_000, "value over cap");
            assertLe(handler.escrow().accountOf(id).funded, c.value, "funded above the contract value");
        }
    }

    /// @notice Only the right role changed anything: every call the model says must fail did fail,
    /// nothing changed while paused, and the books balanced at every token transfer.
    function invariant_onlyTheRightRoleChangesAnything() public view {
        if (handler.violationCount() != 0) {
            revert(string.concat(
                handler.violations(0), " (", vm.toString(handler.violationCount()), " violation(s))"
            ));
        }
    }

    /// @dev How deep the campaign got (printed with -vv).
    function afterInvariant() public view {
        console.log("contracts", handler.idCount());
        console.log("payments", handler.successes("payment"));
        console.log("withdrawals", handler.successes("withdraw"));
        console.log("amendments", handler.successes("consentAmendment"));
        console.log("retention releases", handler.successes("releaseRetention"));
        console.log("reclaims", handler.successes("reclaim"));
        console.log("advances", handler.successes("payAdvance"));
        console.log("disputes", handler.successes("raiseDispute"));
    }
}

/// @notice The suite over a settlement token that reports every transfer to the handler (so the
/// escrow's books are checked mid-transfer: checks-effects-interactions).
contract LedgerInvariantsTest is LedgerInvariantsBase {
    function _hookedToken() internal pure override returns (bool) {
        return true;
    }
}
