// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title InspectorMask
/// @notice Sets of a contract's inspectors as 16-bit masks (bit i = inspectors[i]), so a milestone's
/// assignment and its approvals fit in the milestone's single storage slot.
library InspectorMask {
    /// @notice The number of inspectors in `mask`.
    function count(uint16 mask) internal pure returns (uint256 n) {
        for (; mask != 0; mask &= mask - 1) ++n;
    }

    /// @notice Whether inspector `index` is in `mask`.
    function contains(uint16 mask, uint256 index) internal pure returns (bool) {
        return index < 16 && (mask >> index) & 1 == 1;
    }

    /// @notice `mask` with inspector `index` added.
    function with_(uint16 mask, uint256 index) internal pure returns (uint16) {
        return mask | uint16(1 << index);
    }

    /// @notice Whether `mask` names only existing inspectors and can reach `required` approvals.
    function validAssignment(uint16 mask, uint8 required, uint256 inspectorCount) internal pure returns (bool) {
        return mask != 0 && uint256(mask) >> inspectorCount == 0 && required != 0 && required <= count(mask);
    }
}
