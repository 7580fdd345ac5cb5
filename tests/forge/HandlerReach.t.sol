// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestBase, console} from "./utils/Vm.sol";
import {LedgerHandler} from "./handlers/LedgerHandler.sol";

/// @notice The handler is only as good as the states it reaches: a fixed pseudo-random walk of its
/// actions must register, fund, pay, withdraw, amend and release retention, with no violation.
contract HandlerReachTest is TestBase {
    function test_handler_reachesPaymentsAmendmentsAndRetention() public {
        LedgerHandler h = new LedgerHandler(true);
        for (uint256 step; step < 1500; ++step) {
            uint256 r = uint256(keccak256(abi.encode("walk", step)));
            uint256 a = uint256(keccak256(abi.encode(r, 1)));
            uint256 b = uint256(keccak256(abi.encode(r, 2)));
            uint256 c = uint256(keccak256(abi.encode(r, 3)));
            uint256 which = r % 20;
            if (which == 0) h.register(a, b);
            else if (which == 1) h.accept(a, b);
            else if (which <= 3) h.fund(a, b, c);
            else if (which == 4) h.payAdvance(a, b);
            else if (which == 5) h.submit(a, b, c);
            else if (which == 6) h.deliver(a, b, c);
            else if (which <= 9) h.approve(a, b, c);
            else if (which == 10) h.reject(a, b, c);
            else if (which == 11) h.withdraw(a, b);
            else if (which == 12) h.proposeAmendment(a, b, c);
            else if (which == 13) h.consentAmendment(a, b);
            else if (which == 14) h.terminate(a, b);
            else if (which == 15) h.raiseDispute(a, b);
            else if (which == 16) h.resolveDispute(a, b);
            else if (which == 17) h.reclaim(a, b);
            else if (which == 18) h.releaseRetention(a, b, c % 2 == 0);
            else if (c % 4 == 0) h.pause(a);
            else if (c % 4 == 1) h.unpause(a);
            else if (c % 4 == 2) h.setInspector(a, b, c % 8 != 2);
            else h.warp(b);
        }
        console.log("contracts", h.idCount());
        console.log("fundings", h.successes("fund"));
        console.log("payments", h.successes("payment"));
        console.log("withdrawals", h.successes("withdraw"));
        console.log("amendments", h.successes("consentAmendment"));
        console.log("terminations", h.successes("terminate"));
        console.log("retention releases", h.successes("releaseRetention"));
        console.log("reclaims", h.successes("reclaim"));
        console.log("accepts", h.successes("accept"));
        console.log("submits", h.successes("submit"));
        console.log("approvals", h.successes("approve"));
        console.log("rejections", h.successes("reject"));
        console.log("disputes", h.successes("raiseDispute"));
        console.log("pauses", h.successes("pause"));
        console.log("violations", h.violationCount());
        if (h.violationCount() != 0) revert(h.violations(0));
        assertGe(h.idCount(), 3, "contracts registered");
        assertGe(h.successes("payment"), 3, "milestones paid");
        assertGe(h.successes("withdraw"), 1, "withdrawals");
        assertGe(h.successes("consentAmendment"), 1, "amendments agreed");
    }
}
