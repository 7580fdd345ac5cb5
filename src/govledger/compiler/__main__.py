"""``python -m govledger.compiler [--force] [SOURCES_DIR [OUT_DIR]]``: compile contracts/ into the
package's artifacts/ (nothing is compiled when nothing changed)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import GovLedgerError
from . import REPO_ROOT, compile_contracts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m govledger.compiler", description=__doc__)
    parser.add_argument("sources_dir", nargs="?", type=Path, default=REPO_ROOT / "contracts")
    parser.add_argument("out_dir", nargs="?", type=Path, default=Path(__file__).parents[1] / "artifacts")
    parser.add_argument("--force", action="store_true", help="compile even if nothing changed")
    args = parser.parse_args(argv)
    try:
        result = compile_contracts(args.sources_dir, args.out_dir, force=args.force)
    except GovLedgerError as error:
        print(error, file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(f"warning: {warning}")
    state = "up to date" if result.cached else "compiled"
    print(f"{state}: {len(result.artifacts)} artifacts in {result.out_dir} (solc {result.compiler_version})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
