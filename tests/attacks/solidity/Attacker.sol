// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Attacker
/// @notice TEST ONLY. A contract account that plays a contractor (it accepts, submits and withdraws
/// through `execute`), a phishing contract (an official or inspector is lured into calling `execute`,
/// so the ledger sees this contract as msg.sender while tx.origin is the victim), and an ERC-1271
/// signer whose `isValidSignature` tries to re-enter the ledger.
contract Attacker {
    bytes4 private constant _ERC1271_MAGIC = 0x1626ba7e;

    address public reentryTarget;
    bytes public reentryData;
    bool public signatureOk;
    uint256 public reentries;

    /// @notice Call `to` with `data` as this contract; open to anyone, failures bubble up unchanged.
    function execute(address to, bytes calldata data) external returns (bytes memory ret) {
        bool ok;
        (ok, ret) = to.call(data);
        if (!ok) _bubble(ret);
    }

    /// @notice What `reenter` and `isValidSignature` call back into (target zero = nothing).
    function arm(address to, bytes calldata data) external {
        (reentryTarget, reentryData) = (to, data);
    }

    function setSignatureOk(bool ok) external {
        signatureOk = ok;
    }

    /// @notice The callback a malicious token invokes mid-transfer.
    function reenter() external {
        reentries += 1;
        _reenter();
    }

    /// @notice ERC-1271: tries the re-entry first (the ledger calls this with STATICCALL).
    function isValidSignature(bytes32, bytes calldata) external returns (bytes4) {
        if (reentryTarget != address(0)) _reenter();
        return signatureOk ? _ERC1271_MAGIC : bytes4(0xffffffff);
    }

    function _reenter() private {
        (bool ok, bytes memory ret) = reentryTarget.call(reentryData);
        if (!ok) _bubble(ret);
    }

    function _bubble(bytes memory ret) private pure {
        assembly {
            revert(add(ret, 32), mload(ret))
        }
    }
}
