"""`govledger summary`, and the text of the reads that answer from the read model (`contract list|show`,
`milestone list`, `escrow balance OCID`): light to import, no Ethereum libraries."""

from __future__ import annotations

import click

from ..accounts import label
from ..chain.head import read_meta
from ..money import format_rupiah
from ..reads import ContractDetail, ContractRow, EscrowView, MilestoneView
from ._context import AppContext, emit, json_option, pass_app


def ocid_cell(c: ContractRow, width: int) -> str:
    """The ocid, marked when the chain holds one that breaks the ocid rules (shown, never hidden)."""
    return f"{c.ocid:{width}}" if c.ocid_problem is None else f"{c.ocid} [bad ocid: {c.ocid_problem}]"


def contract_line(c: ContractRow) -> str:
    return (f"{ocid_cell(c, 32)} {c.agency:24} {c.category:10} {c.status:10} {format_rupiah(c.value):>22}")


def describe_contract(d: ContractDetail) -> str:
    c = d.contract
    lines = [f"{ocid_cell(c, 0)}  [{c.status}{', disputed' if c.disputed else ''}]",
             f"  agency {c.agency}, contractor {label(c.contractor)}, {c.category}",
             f"  value {format_rupiah(c.value)} (original {format_rupiah(c.original_value)}), {c.start} to {c.end}",
             describe_escrow(d.escrow)]
    lines += [f"  milestone {m.index}: {format_rupiah(m.amount)} due {m.due} {m.status}"
              f" ({len(m.approved_by)}/{m.required_approvals} approvals of {len(m.inspectors)})" for m in d.milestones]
    return "\n".join(lines)


def describe_escrow(a: EscrowView) -> str:
    line = (f"  escrow: funded {format_rupiah(a.funded)}, held {format_rupiah(a.held)}, "
            f"withdrawable {format_rupiah(a.withdrawable)}, withdrawn {format_rupiah(a.withdrawn)}, "
            f"retained {format_rupiah(a.retained)}, refunded {format_rupiah(a.refunded)}")
    if a.advance_paid:
        line += f"\n  advance: paid {format_rupiah(a.advance_paid)}, to recover {format_rupiah(a.advance_outstanding)}"
    return line


def milestone_line(m: MilestoneView) -> str:
    return (f"{m.index}: {format_rupiah(m.amount):>22} due {m.due}  {m.status:10}"
            f" approvals {len(m.approved_by)}/{m.required_approvals}"
            f"  inspectors {', '.join(label(i) for i in m.inspectors)}")


@click.command()
@json_option
@pass_app
def summary(app: AppContext, as_json: bool) -> None:
    """A summary of the ledger: contracts by status, escrow and payments."""
    reader = app.reader()
    rows = reader.contracts()
    checkpoint = reader.checkpoint()
    meta = read_meta(app.data_dir) if app.rpc_url is None else None
    chain_id = int(meta["chain_id"]) if meta and "chain_id" in meta else int(app.ledger.w3.eth.chain_id)
    data = {"chain_id": chain_id, "block": checkpoint.block_number if checkpoint else None,
            "contracts": [{"contract": c, "paid_milestones": c.paid_milestones} for c in rows]}

    def text() -> str:
        lines = [f"govledger on chain {data['chain_id']} at block {data['block']}: {len(rows)} contracts", ""]
        lines.append(f"{'ocid':28} {'category':10} {'status':10} {'value':>22} {'funded':>22} {'paid out':>22}  milestones")
        for c in rows:
            lines.append(f"{ocid_cell(c, 28)} {c.category:10} {c.status:10} {format_rupiah(c.value):>22} "
                         f"{format_rupiah(c.funded):>22} {format_rupiah(c.paid):>22}  "
                         f"{c.paid_milestones}/{c.milestone_count} paid")
        lines += ["", f"total value {format_rupiah(sum(c.value for c in rows))}, "
                      f"paid out {format_rupiah(sum(c.paid for c in rows))}"]
        return "\n".join(lines)

    emit(as_json, data, text)
