"""`govledger contract accept` shows every term that binds the contractor and the hash it accepts; with
`--terms-hash` it accepts only terms with that hash (as shown or signed before)."""

from __future__ import annotations

import json
from pathlib import Path

from .helpers import ok, register, run

OCID = "ocds-cli001-0701"


def test_accept_printsTheTermsAndTheirHash_andRefusesAnotherHash(data_dir: Path) -> None:
    register(data_dir, OCID)
    wrong = "0x" + "ee" * 32
    refused = run(data_dir, "contract", "accept", OCID, "--terms-hash", wrong, "--as", "contractor")
    assert refused.exit_code == 1, refused.output
    assert refused.output.count("\n") == 1 and "but the contractor accepts terms " + wrong in refused.output

    out = ok(data_dir, "contract", "accept", OCID, "--as", "contractor")
    assert "value Rp 1,000,000.00" in out and "milestone 1: Rp 600,000.00 due" in out and "policy: retention" in out
    digest = out.split("terms hash ")[1].split()[0]
    assert len(digest) == 66 and digest.startswith("0x")
    assert "active" in ok(data_dir, "contract", "show", OCID).lower()


def test_accept_json_carriesTheTermsHash(data_dir: Path) -> None:
    register(data_dir, "ocds-cli001-0702")
    accepted = json.loads(ok(data_dir, "contract", "accept", "ocds-cli001-0702", "--as", "contractor", "--json"))
    assert accepted["terms_hash"].startswith("0x") and len(accepted["terms_hash"]) == 66
