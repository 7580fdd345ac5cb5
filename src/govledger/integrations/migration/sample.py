"""A fictional source file for demos, tests and the benchmark: `n` contracts of the pilot agency with the
demo contractor and inspectors, some closed, some with milestones settled before migration."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from ...accounts import DEMO_ADDRESSES
from .sources import CSV_COLUMNS

SAMPLE_AGENCY = "DEMO-DPUPR-KAB-CONTOH"


def sample_rows(n: int, *, prefix: str = "ocds-demo01-MIG", closed_every: int = 5, settled_every: int = 3,
                year: int | None = None) -> list[dict[str, str]]:
    """One row per milestone: three milestones per contract; every `closed_every`-th contract closed, every
    `settled_every`-th one with its first milestone settled before migration."""
    year = year or date.today().year + 1
    start = date(year, 1, 10)
    inspectors = ";".join(DEMO_ADDRESSES[n] for n in ("inspector1", "inspector2"))
    rows = []
    for i in range(n):
        amounts = [1_000_000 + i, 2_000_000, 3_000_000]
        closed = closed_every and i % closed_every == closed_every - 1
        settled = settled_every and i % settled_every == 0
        for j, amount in enumerate(amounts):
            rows.append({
                "ocid": f"{prefix}-{i:05d}", "agency": SAMPLE_AGENCY, "contractor": DEMO_ADDRESSES["contractor"],
                "category": ("works", "goods", "services", "consulting")[i % 4], "value": str(sum(amounts)),
                "advance": "", "start": start.isoformat(), "end": (start + timedelta(days=300)).isoformat(),
                "status": "selesai" if closed else "berjalan", "milestone_amount": str(amount),
                "milestone_due": (start + timedelta(days=90 * (j + 1))).isoformat(), "inspectors": inspectors,
                "required_approvals": "1" if j else "2",
                "settled_on": (start + timedelta(days=80)).isoformat() if (closed or (settled and j == 0)) else "",
                "settled_ref": f"SP2D-{i:05d}-{j}" if (closed or (settled and j == 0)) else ""})
    return rows


def write_sample(path: Path, n: int, **options: object) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(sample_rows(n, **options))  # type: ignore[arg-type]
    return path
