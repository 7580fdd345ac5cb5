#!/usr/bin/env python3
"""OCDS speeds on the in-memory embedded chain: parsing + validation (releases/s, streamed), import onto the
ledger (records/s, one registration each), a second run (records/s, nothing to do), export (releases/s,
validated); and what every shared sample gives (imported / refused and why). Writes
benchmarks/results/ocds.json.

    python benchmarks/ocds.py [--records N] [--parse N] [--big-mb MB]

`--big-mb` also streams a release package of that size through parsing, validation and grouping by ocid
(what `ocds import` does before touching the ledger) and reports the peak memory of the process.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import ACCOUNTS
from integrations.ocds.samples import MAPPING, package, release

from govledger.app import App
from govledger.integrations.ocds import export
from govledger.integrations.ocds.config import MappingConfig
from govledger.integrations.ocds.importer import OcdsImporter
from govledger.integrations.ocds.journal import Journal
from govledger.integrations.ocds.sources import read_any
from govledger.integrations.ocds.staging import Staging
from govledger.pilot import setup_roles
from govledger.signers import DemoSigner

try:
    import tomllib
except ImportError:  # pragma: no cover
    import tomli as tomllib

SAMPLES = ROOT.parent / "shared" / "ocds" / "samples"


def _kind(reason: str) -> str:
    """A refusal's reason without its values, to count alike ones together."""
    return re.sub(r"'[^']*'|\(and \d+ more\)|mapping file \S+", "…", reason.split(" (add")[0]).strip()


def samples(app: App, config: MappingConfig) -> dict[str, dict[str, object]]:
    """Per sample file: items read, ocids that would import, and the refusals by reason (first words)."""
    out = {}
    for path in sorted(p for p in SAMPLES.rglob("*.json")):
        journal = Journal(":memory:")
        report = OcdsImporter(app, config, journal, dry_run=True).run(read_any(path))
        reasons = Counter(_kind(o.detail) for o in report.outcomes if o.action == "refused")
        reasons.update(_kind(r.split(": ", 2)[-1]) for r in report.refused_items)
        out[str(path.relative_to(SAMPLES))] = {"items": report.items, "counts": report.counts, "reasons": dict(reasons)}
        journal.close()
    return out


def big_file(path: Path, megabytes: int) -> dict[str, object]:
    """Write a release package of about `megabytes` MB one release at a time, then stage it (streamed)."""
    import resource

    n = 0
    with path.open("w") as fp:
        fp.write('{"uri": "u", "version": "1.1", "publishedDate": "2028-01-01T00:00:00Z", '
                 '"publisher": {"name": "p"}, "releases": [')
        while fp.tell() < megabytes * 1_000_000:
            fp.write(("," if n else "") + json.dumps(release(f"ocds-bench1-big-{n}", f"r{n}")))
            n += 1
        fp.write("]}")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    staging = Staging()
    staging.add_all(read_any(path))
    groups = sum(1 for _ in staging.groups())
    staging.close()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"mb": round(path.stat().st_size / 1e6, 1), "releases": n, "ocids": groups, "seconds": round(seconds, 1),
            "releases_per_s": round(n / seconds, 1), "peak_rss_mb": round(peak / 1024, 1),
            "peak_rss_growth_mb": round((peak - before) / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50)
    parser.add_argument("--parse", type=int, default=5000)
    parser.add_argument("--big-mb", type=int, default=0)
    args = parser.parse_args()
    config = MappingConfig.from_dict(tomllib.loads(MAPPING), "mapping")
    result: dict[str, object] = {"python": platform.python_version(), "machine": platform.machine()}
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.json"
        big.write_text(json.dumps(package(*(release(f"ocds-bench1-p-{i}", f"r{i}") for i in range(args.parse)))))
        started = time.perf_counter()
        staging = Staging()
        staging.add_all(read_any(big))
        staging.close()
        seconds = time.perf_counter() - started
        result["parse_validate"] = {"releases": args.parse, "mb": round(big.stat().st_size / 1e6, 1),
                                    "seconds": round(seconds, 2), "releases_per_s": round(args.parse / seconds, 1)}
        if args.big_mb:
            result["big_file"] = big_file(Path(tmp) / "huge.json", args.big_mb)
        path = Path(tmp) / "p.json"
        path.write_text(json.dumps(package(*(release(f"ocds-bench1-{i}") for i in range(args.records)))))
        app = App.open(None, signer=DemoSigner())
        app.ledger.deploy(ACCOUNTS["admin"], ACCOUNTS["treasury"].address)
        setup_roles(app.ledger)
        journal = Journal(Path(tmp) / "journal.sqlite")
        for name in ("import", "second_run"):
            report = OcdsImporter(app, config, journal).run(read_any(path))
            result[name] = {"records": args.records, "counts": report.counts, "seconds": round(report.seconds, 2),
                            "records_per_s": round(args.records / report.seconds, 1)}
        started = time.perf_counter()
        pkg = export.release_package(app, journal)
        errors = export.validation_errors(pkg)
        seconds = time.perf_counter() - started
        result["export"] = {"releases": len(pkg["releases"]), "schema_errors": len(errors),
                            "seconds": round(seconds, 2), "releases_per_s": round(len(pkg["releases"]) / seconds, 1)}
        if SAMPLES.is_dir():
            result["samples"] = samples(app, config)
        journal.close()
        app.close()
    out = ROOT / "benchmarks" / "results" / "ocds.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=2))
    for name, sample in result.get("samples", {}).items():
        print(f"{name}: {sample['items']} items, {sample['counts']}, {sample['reasons']}")


if __name__ == "__main__":
    main()
