"""Sign locally, send raw, wait for the receipt: the same path on the embedded chain and over RPC."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eth_utils import ValidationError
from eth_account.signers.local import LocalAccount
from web3 import Web3

from ..errors import ContractError, Describer, GovLedgerError
from ..types import Receipt
from .reverts import RevertDecoder, revert_data


class TransactionSender:
    """Sends contract calls as locally signed transactions and turns reverts into SDK exceptions."""

    def __init__(self, w3: Web3, decoder: RevertDecoder, describer: Describer | None = None,
                 gas_price: int | None = None) -> None:
        self.w3 = w3
        self.decoder = decoder
        self.describer = describer
        self.chain_id = w3.eth.chain_id
        # A fixed gas price (e.g. 0 on a permissioned network); None lets web3 price EIP-1559 fees.
        self.gas_price = gas_price
        # A chain that refuses a failing transaction before it enters a block (the embedded one) checks
        # and mines in one execution: offer the block's gas limit instead of estimating (a second run).
        self._execute_once_gas: int | None = None
        if getattr(w3.provider, "refuses_failed_transactions", False):
            self._execute_once_gas = int(w3.eth.get_block("latest")["gasLimit"])
        # On a node over HTTP, the nonce, gas and fee questions of a transaction go in one batched request.
        self._batches = callable(getattr(w3.provider, "make_batch_request", None)) and self._execute_once_gas is None

    def send(self, sender: LocalAccount, call: Any, *, gas: int | None = None) -> Receipt:
        """Send contract function `call` (or a constructor) signed by `sender`; the receipt when mined."""
        if gas is None and self._execute_once_gas is None and self._batches and getattr(call, "address", None):
            tx = self._prepared_in_one_request(sender, call)
        else:
            tx = self._prepared(sender, call, gas)
        signed = sender.sign_transaction(tx)
        try:
            tx_hash = self.guard(lambda: self.w3.eth.send_raw_transaction(signed.raw_transaction))
        except ValidationError as exc:
            if gas is not None or self._execute_once_gas is None or "afford" not in str(exc):
                raise
            # The sender cannot cover the block's gas limit up front: offer the gas it can pay for.
            fee = int(tx.get("maxFeePerGas", tx.get("gasPrice", 0)))
            tx = self._prepared(sender, call, self.w3.eth.get_balance(sender.address) // max(fee, 1))
            signed = sender.sign_transaction(tx)
            tx_hash = self.guard(lambda: self.w3.eth.send_raw_transaction(signed.raw_transaction))
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash)
        if receipt["status"] != 1:
            # Replay at the parent block to learn why it failed (state moved between estimate and mining).
            self.guard(lambda: self.w3.eth.call(tx, receipt["blockNumber"] - 1))
            raise GovLedgerError(f"transaction {tx_hash.hex()} failed on chain")
        return Receipt(
            tx_hash="0x" + bytes(tx_hash).hex(),
            block_number=receipt["blockNumber"],
            gas_used=receipt["gasUsed"],
            contract_address=receipt.get("contractAddress"),
        )

    def _prepared_in_one_request(self, sender: LocalAccount, call: Any) -> dict[str, Any]:
        """The transaction filled as web3's ``build_transaction`` fills it (pending nonce, estimated gas,
        EIP-1559 fees from the latest block), its four questions asked in one batched JSON-RPC request."""
        fields = {"from": sender.address, "to": call.address, "data": call._encode_transaction_data(), "value": "0x0"}
        requests: list[tuple[str, list[Any]]] = [("eth_getTransactionCount", [sender.address, "pending"]),
                                                  ("eth_estimateGas", [fields])]
        if self.gas_price is None:
            requests += [("eth_maxPriorityFeePerGas", []), ("eth_getBlockByNumber", ["latest", False])]
        responses = self.w3.provider.make_batch_request(requests)
        if not isinstance(responses, list):
            self._batches = False  # the node takes no batches: ask one question at a time from now on
            return self._prepared(sender, call, None)
        results = []
        for response in sorted(responses, key=lambda r: int(r.get("id", 0))):
            if "error" in response:
                error = response["error"]
                data = error.get("data") if isinstance(error, dict) else None
                if isinstance(data, str) and data.startswith("0x") and len(data) >= 10:
                    raise self.decoder.decode(bytes.fromhex(data[2:]), self.describer)
                raise GovLedgerError(f"the node refused to prepare the transaction: {error}")
            results.append(response["result"])
        tx = {"type": 2, "chainId": self.chain_id, "nonce": int(results[0], 16), "to": call.address,
              "data": fields["data"], "value": 0, "gas": int(results[1], 16)}
        if self.gas_price is not None:
            del tx["type"]
            return {**tx, "gasPrice": self.gas_price}
        priority = int(results[2], 16)
        return {**tx, "maxPriorityFeePerGas": priority,
                "maxFeePerGas": priority + 2 * int(results[3]["baseFeePerGas"], 16)}

    def _prepared(self, sender: LocalAccount, call: Any, gas: int | None) -> dict[str, Any]:
        params: dict[str, Any] = {
            "from": sender.address,
            "chainId": self.chain_id,
            "nonce": self.w3.eth.get_transaction_count(sender.address, "pending"),
        }
        if self.gas_price is not None:
            params["gasPrice"] = self.gas_price
        if gas is not None:
            params["gas"] = gas
        elif self._execute_once_gas is not None:
            params["gas"] = self._execute_once_gas
        # Building estimates gas by executing the call unless the gas is given: a revert surfaces here
        # (or, on a chain that refuses failing transactions, when sent), before anything is mined.
        return self.guard(lambda: call.build_transaction(params))  # type: ignore[no-any-return]

    def guard(self, action: Callable[[], Any]) -> Any:
        """Run `action`, re-raising a revert as the SDK exception of its custom error."""
        try:
            return action()
        except ContractError:
            raise
        except Exception as exc:  # web3 and eth-tester raise unrelated types for reverts
            data = revert_data(exc)
            if data is None:
                raise
            raise self.decoder.decode(data, self.describer) from None

