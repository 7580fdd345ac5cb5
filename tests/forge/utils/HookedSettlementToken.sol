// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {SettlementToken} from "../../../contracts/token/SettlementToken.sol";

/// @dev Told of every token movement while it happens (inside the transfer, before control returns
/// to the escrow).
interface ITransferObserver {
    function onTransfer(address from, address to, uint256 value) external;
}

/// @title HookedSettlementToken (test only)
/// @dev The real SettlementToken plus one hook: after each balance change it calls the observer, the
/// way an ERC-777 / ERC-1363 style token or a hostile recipient would regain control mid-payment.
/// The invariant handler checks the escrow's books against its token balance from inside the hook,
/// so an escrow that transfers before updating its books (checks-effects-interactions broken) is
/// caught even though a plain ERC-20 would leave the same end state.
contract HookedSettlementToken is SettlementToken {
    ITransferObserver private immutable _observer;

    constructor(address admin, uint48 adminTransferDelay, address treasury, ITransferObserver observer)
        SettlementToken(admin, adminTransferDelay, treasury)
    {
        _observer = observer;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        _observer.onTransfer(from, to, value);
    }
}
