// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title EvilToken
/// @notice TEST ONLY. A settlement token that calls back on every transfer out of `hookFrom`, after
/// the balances moved (as an ERC-777 `tokensReceived` hook would), and bubbles any failure of the
/// callback so that a refused re-entry surfaces as the outer transaction's revert reason.
contract EvilToken is ERC20 {
    address public hookFrom;
    address public hookTarget;
    bytes public hookData;
    bool private _inHook;

    constructor() ERC20("Evil Rupiah", "EVIL") {}

    function decimals() public pure override returns (uint8) {
        return 2;
    }

    /// @notice Anyone mints: the attacker controls this token.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice On the next transfer out of `from`, call `target` with `data`.
    function arm(address from, address target, bytes calldata data) external {
        (hookFrom, hookTarget, hookData) = (from, target, data);
    }

    function disarm() external {
        hookTarget = address(0);
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (from != address(0) && from == hookFrom && hookTarget != address(0) && !_inHook) {
            _inHook = true;
            (bool ok, bytes memory ret) = hookTarget.call(hookData);
            if (!ok) {
                assembly {
                    revert(add(ret, 32), mload(ret))
                }
            }
            _inHook = false;
        }
    }
}
