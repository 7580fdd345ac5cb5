"""Where one migration keeps its plan, its records and its journal: DATA_DIR/migrations/<source hash>/.

The plan (roots and batches) is fixed on the first run, so a resumed run registers the same batches
under the same anchored roots. The journal says which batches and roots went on chain, but a resumed run
trusts the chain (through the read model it syncs first); the journal is the operator's log.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MIGRATIONS_DIR = "migrations"


def atomic_write(path: Path, text: str) -> None:
    """A crash leaves the old file or the new one, never half of it."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class MigrationStore:
    def __init__(self, root: Path, run_id: str) -> None:
        self.dir = root / MIGRATIONS_DIR / run_id
        self.run_id = run_id

    @property
    def plan_path(self) -> Path:
        return self.dir / "plan.json"

    def load_plan(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.plan_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def save_plan(self, plan: dict[str, Any], records: list[dict[str, Any]]) -> None:
        """Records first, then the plan: a plan on disk always has its records beside it."""
        self.dir.mkdir(parents=True, exist_ok=True)
        atomic_write(self.dir / "records.jsonl", "".join(json.dumps(r, sort_keys=True) + "\n" for r in records))
        atomic_write(self.plan_path, json.dumps(plan, indent=1, sort_keys=True))

    def log(self, **entry: Any) -> None:
        """Append one line to the journal and flush it to disk."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with (self.dir / "journal.jsonl").open("a", encoding="utf-8") as f:
            f.write(json.dumps({"at": int(time.time()), **entry}, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def journal(self) -> list[dict[str, Any]]:
        path = self.dir / "journal.jsonl"
        if not path.exists():
            return []
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:  # a line cut by a crash: the chain knows what happened
                continue
        return out

    def save_report(self, report: dict[str, Any]) -> None:
        atomic_write(self.dir / "report.json", json.dumps(report, indent=1, sort_keys=True))


def stored_records(root: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(run id, record entry) of every migration under `root`, oldest run first."""
    base = root / MIGRATIONS_DIR
    if not base.is_dir():
        return
    for run in sorted(base.iterdir(), key=lambda p: p.stat().st_mtime):
        path = run / "records.jsonl"
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                yield run.name, json.loads(line)


def latest_report(root: Path) -> dict[str, Any] | None:
    base = root / MIGRATIONS_DIR
    reports = sorted(base.glob("*/report.json"), key=lambda p: p.stat().st_mtime) if base.is_dir() else []
    return json.loads(reports[-1].read_text(encoding="utf-8")) if reports else None
