"""The table of benchmarks/bench.py's results, written into docs/performance.md between its markers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

START, END = "<!-- bench -->", "<!-- /bench -->"


def _ratio(ours: float | None, plain: float | None) -> str:
    return f"{ours / plain:.2f}x" if ours and plain else "n/a"


def _rate(value: float | None, cpu: float | None, unit: str) -> str:
    if value is None:
        return "failed"
    return f"{value:,.1f} {unit} (CPU: {cpu:,.1f})" if cpu else f"{value:,.1f} {unit}"


def _w1_rows(w1: dict[str, Any]) -> list[str]:
    rows = []
    emb, anv = w1.get("embedded", {}), w1.get("anvil", {})
    ours, plain = emb.get("w1-embedded", {}), emb.get("w1-plain-tester", {})
    ours_a, plain_a = anv.get("w1-anvil", {}), anv.get("w1-plain-anvil", {})
    rows.append(f"| W1 lifecycle, embedded | {_rate(ours.get('tx_per_s'), ours.get('cpu_tx_per_s'), 'tx/s')} "
                f"| web3.py + EthereumTesterProvider, transact(): {_rate(plain.get('tx_per_s'), plain.get('cpu_tx_per_s'), 'tx/s')} "
                f"| {_ratio(ours.get('tx_per_s'), plain.get('tx_per_s'))} (CPU {_ratio(ours.get('cpu_tx_per_s'), plain.get('cpu_tx_per_s'))}); "
                f"{_ratio(ours.get('tx_per_s'), plain_a.get('tx_per_s'))} of plain web3.py on anvil "
                f"| >= 5x, and >= plain on anvil | {ours.get('peak_rss_mb')} / {plain.get('peak_rss_mb')} MB |")
    rows.append(f"| W1 lifecycle, anvil | {_rate(ours_a.get('tx_per_s'), ours_a.get('cpu_tx_per_s'), 'tx/s')} "
                f"| web3.py + HTTPProvider, transact(): {_rate(plain_a.get('tx_per_s'), plain_a.get('cpu_tx_per_s'), 'tx/s')} "
                f"| {_ratio(ours_a.get('tx_per_s'), plain_a.get('tx_per_s'))} | >= 1.5x "
                f"| {ours_a.get('peak_rss_mb')} / {plain_a.get('peak_rss_mb')} MB |")
    return rows


def _w2_w3_rows(result: dict[str, Any]) -> list[str]:
    rows = []
    plain = result.get("w2", {}).get("plain, one register per transaction", {})
    for size, w2 in result.get("w2", {}).items():
        if not str(size).isdigit():
            continue
        per = w2.get("seconds_per_1000") or []
        cpu = w2.get("cpu_seconds_per_1000") or []
        flat = f"s per 1,000: {per[0]} first, {per[-1]} last" if per else ""
        flat += f" (CPU {cpu[0]} first, {cpu[-1]} last)" if cpu else ""
        rows.append(f"| W2 register {int(size):,} contracts (batches of 50), embedded "
                    f"| {w2.get('seconds', 'failed')} s: {_rate(w2.get('contracts_per_s'), w2.get('cpu_contracts_per_s'), 'contracts/s')}; {flat} "
                    f"| one register per transaction: {plain.get('ms_per_contract')} ms a contract "
                    f"({plain.get('contracts_per_s')}/s) | {_ratio(w2.get('contracts_per_s'), plain.get('contracts_per_s'))} "
                    f"| 10,000 under 60 s, flat | {w2.get('peak_rss_mb')} / {plain.get('peak_rss_mb')} MB |")
    for size, w3 in result.get("w3", {}).items():
        emb, anv = w3.get("embedded", {}), w3.get("anvil", {})
        replay, raw = anv.get("replay", {}), anv.get("raw_get_logs", {})
        rows.append(f"| W3 replay of {int(size):,} contracts into SQLite, embedded "
                    f"| {_rate(emb.get('events_per_s'), emb.get('cpu_events_per_s'), 'events/s')} ({emb.get('events')} events) "
                    f"| | | >= 20,000 events/s | {emb.get('peak_rss_mb')} MB |")
        rows.append(f"| W3 replay of {int(size):,} contracts into SQLite, anvil "
                    f"| {_rate(replay.get('events_per_s'), replay.get('cpu_events_per_s'), 'events/s')} "
                    f"| one raw get_logs: {raw.get('logs_per_s', 'failed')} logs/s "
                    f"| {_ratio(replay.get('events_per_s'), raw.get('logs_per_s'))} | >= 0.5x | {anv.get('peak_rss_mb')} MB |")
    return rows


def _w4_w5_rows(result: dict[str, Any]) -> list[str]:
    rows = []
    for size, w4 in result.get("w4", {}).items():
        plain = w4.get("python -c 'import web3'", {})
        for name, figures in w4.items():
            if name.startswith("govledger"):
                rows.append(f"| W4 `{name}` as a process, {int(size):,} contracts | {figures['wall_s']} s "
                            f"(CPU {figures['cpu_s']} s) | `python -c 'import web3'`: {plain.get('wall_s')} s "
                            f"(CPU {plain.get('cpu_s')} s) | {_ratio(plain.get('wall_s'), figures['wall_s'])} faster "
                            f"| under 0.5 s | |")
    w5 = result.get("w5", {})
    for name, figures in (w5.get("results") or {}).items():
        rows.append(f"| W5 web: {name}, {w5.get('contracts', 0):,} contracts | p95 {figures['p95_ms']} ms, "
                    f"{figures['rps']} requests/s | | | p95 < 50 ms, >= 300 requests/s | |")
    if not w5.get("results"):
        rows.append(f"| W5 web | {w5.get('skipped') or w5.get('error', 'not run')} | | | p95 < 50 ms | |")
    return rows


def table(result: dict[str, Any]) -> str:
    head = ["| workload | govledger | the plain alternative | ratio | target | peak memory (ours / plain) |",
            "| --- | --- | --- | --- | --- | --- |"]
    note = (f"\n{result.get('machine')}; load average {result.get('load_average_at_start')} at the start, "
            f"{result.get('load_average_at_end')} at the end; {result.get('minutes')} minutes. Rates by wall clock, "
            "with the rate by the process's own CPU time in brackets (steadier on a shared machine).\n")
    return "\n".join(head + _w1_rows(result.get("w1", {})) + _w2_w3_rows(result) + _w4_w5_rows(result)) + "\n" + note


def write_table(result: dict[str, Any], doc: Path) -> str:
    """Put the table between the markers of `doc` (appended with them when they are missing)."""
    text = table(result)
    old = doc.read_text() if doc.exists() else "# Performance\n"
    if START in old and END in old:
        new = old[:old.index(START) + len(START)] + "\n" + text + old[old.index(END):]
    else:
        new = old.rstrip("\n") + f"\n\n{START}\n{text}{END}\n"
    doc.write_text(new)
    return text
