// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @dev forge's cheatcode address (keccak256("hevm cheat code")); forge-std is not installed offline,
/// so this file declares only the cheatcodes the invariant tests use.
address constant VM_ADDRESS = 0x7109709ECfa91a80626fF3989D68f67F5b1DD12D;

/// @dev A subset of forge's `Vm` cheatcode interface (same signatures as forge-std's Vm.sol).
interface Vm {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    /// @dev The next call's msg.sender is `msgSender`.
    function prank(address msgSender) external;
    /// @dev The next call's msg.sender is `msgSender` and tx.origin is `txOrigin`.
    function prank(address msgSender, address txOrigin) external;
    /// @dev Every call until {stopPrank} has msg.sender `msgSender`.
    function startPrank(address msgSender) external;
    function stopPrank() external;
    /// @dev Set block.timestamp.
    function warp(uint256 newTimestamp) external;
    /// @dev Start recording emitted logs; {getRecordedLogs} returns and clears them.
    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory logs);
    function label(address account, string calldata newLabel) external;
    function toString(uint256 value) external pure returns (string memory);
    function toString(bytes32 value) external pure returns (string memory);
    function toString(address value) external pure returns (string memory);
}

/// @dev forge prints calls to this address with `-vv` (forge-std's console.log ABI).
library console {
    address private constant CONSOLE = 0x000000000000000000636F6e736F6c652e6c6f67;

    function log(string memory label, uint256 value) internal view {
        (bool ok,) = CONSOLE.staticcall(abi.encodeWithSignature("log(string,uint256)", label, value));
        ok;
    }
}

/// @dev Assertions that revert with the failing values (what forge reports for a broken invariant).
abstract contract TestBase {
    Vm internal constant vm = Vm(VM_ADDRESS);

    /// @dev forge-std's marker; forge itself finds tests by their `test`/`invariant` prefix.
    bool public constant IS_TEST = true;

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert(what);
    }

    function assertEq(uint256 a, uint256 b, string memory what) internal pure {
        if (a != b) revert(string.concat(what, ": ", vm.toString(a), " != ", vm.toString(b)));
    }

    function assertLe(uint256 a, uint256 b, string memory what) internal pure {
        if (a > b) revert(string.concat(what, ": ", vm.toString(a), " > ", vm.toString(b)));
    }

    function assertGe(uint256 a, uint256 b, string memory what) internal pure {
        if (a < b) revert(string.concat(what, ": ", vm.toString(a), " < ", vm.toString(b)));
    }
}
