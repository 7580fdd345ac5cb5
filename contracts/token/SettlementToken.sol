// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";

/// @title SettlementToken
/// @notice An ERC-20 standing for the Rupiah on the ledger, in sen (two decimals). Only the treasury
/// (the state payment system) mints budget into agencies' accounts and burns what returns to it.
contract SettlementToken is ERC20, AccessControlDefaultAdminRules {
    /// @notice Role of the state treasury.
    bytes32 public constant TREASURY_ROLE = keccak256("TREASURY_ROLE");

    /// @param admin grants and revokes the treasury role; handed over in two delayed steps
    /// @param adminTransferDelay seconds a new admin must wait to accept a transfer
    /// @param treasury the first holder of the treasury role
    constructor(address admin, uint48 adminTransferDelay, address treasury)
        ERC20("Rupiah Settlement Token", "IDRS")
        AccessControlDefaultAdminRules(adminTransferDelay, admin)
    {
        _grantRole(TREASURY_ROLE, treasury);
    }

    /// @notice Rupiah amounts are kept in sen.
    function decimals() public pure override returns (uint8) {
        return 2;
    }

    /// @notice Mint `amount` to `to` (a budget allocation). Treasury only.
    function mint(address to, uint256 amount) external onlyRole(TREASURY_ROLE) {
        _mint(to, amount);
    }

    /// @notice Burn `amount` of the treasury's own balance (funds returned to the state). Treasury only.
    function burn(uint256 amount) external onlyRole(TREASURY_ROLE) {
        _burn(msg.sender, amount);
    }
}
