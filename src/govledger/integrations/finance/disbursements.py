"""Importing the treasury's disbursement records (an SP2D-like CSV: number, date, amount, account, reference).

Every row is checked first; bad rows are named (file:line and why) and refused, the good ones go in
together in one transaction, so a file is never half imported. Importing a file again changes nothing:
an SP2D number already imported with the same content is skipped; with other content it is refused.
"""

from __future__ import annotations

import csv
import hashlib
import io
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select

from ..migration.sources import FieldError, Problem, amount
from ..migration.textfile import TextFileError, read_text
from .releases import known_ocids, releases
from .tables import disbursements, finance_tables

COLUMNS = ("number", "date", "amount", "account", "reference")
# Column names as Indonesian treasury exports may write them.
ALIASES = {"nomor": "number", "no_sp2d": "number", "nomor_sp2d": "number", "tanggal": "date", "tanggal_sp2d": "date",
           "jumlah": "amount", "nilai": "amount", "rekening": "account", "no_rekening": "account",
           "referensi": "reference", "keterangan": "reference"}


@dataclass
class ImportResult:
    path: str
    imported: int = 0
    unchanged: int = 0  # rows already imported with the same content
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "imported": self.imported, "unchanged": self.unchanged, "notes": self.notes,
                "problems": [{"where": p.where, "reason": p.reason} for p in self.problems]}


def _date(text: str) -> str:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise FieldError("date", f"{text!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)")


def _resolve(reference: str, keys: set[str], ocid_of_key: dict[str, str], ocids: dict[str, str]) -> str:
    """The ocid a reference names; an order key or OCID#... naming no contract on the ledger is refused."""
    ref = reference.strip()
    if not ref:
        raise FieldError("reference", "is empty: it must name a payment order or OCID#INDEX")
    if ref in keys:
        return ocid_of_key[ref]
    if ref.startswith("po-"):
        raise FieldError("reference", f"{ref!r} names no payment order issued by this ledger (unknown contract)")
    ocid, _, what = ref.rpartition("#")
    if not ocid or not (what.isdigit() or what in ("advance", "retention")):
        raise FieldError("reference", f"{ref!r} is neither a payment order key nor OCID#INDEX, OCID#advance, "
                                      "OCID#retention")
    if ocid not in ocids:
        raise FieldError("reference", f"{ocid!r} is an unknown contract: no such ocid on the ledger")
    return ocid


def import_disbursements(engine: Engine, path: Path, encoding: str | None = None) -> ImportResult:
    finance_tables(engine)
    result = ImportResult(str(path))
    try:
        text, result.notes = read_text(path, encoding)
    except TextFileError as exc:
        result.problems.append(Problem(str(path), str(exc).removeprefix(f"{path}: ")))
        return result
    digest = hashlib.sha256(text.encode()).hexdigest()
    rows, result.problems = _rows(path, text)
    if not rows and not result.problems:
        result.problems.append(Problem(str(path), "no disbursement rows (an empty file?)"))
    items = releases(engine)
    keys = {r.key for r in items}
    ocid_of_key = {r.key: r.ocid for r in items}
    ocids = known_ocids(engine)
    d = disbursements.c
    new: list[dict[str, Any]] = []
    with engine.connect() as conn:
        existing = {r.number: r for r in conn.execute(select(disbursements).where(
            d.number.in_([row["number"] for _, row in rows])))} if rows else {}
    seen: dict[str, int] = {}
    for line, row in rows:
        where = f"{path}:{line}"
        try:
            record = {"number": row["number"].strip(), "date": _date(row["date"]),
                      "amount": amount("amount", row["amount"]), "account": row["account"].strip(),
                      "reference": row["reference"].strip()}
            if not record["number"]:
                raise FieldError("number", "is empty")
            if record["amount"] == 0:
                raise FieldError("amount", "is zero")
            if not record["account"]:
                raise FieldError("account", "is empty: an SP2D names the account it paid")
            record["ocid"] = _resolve(record["reference"], keys, ocid_of_key, ocids)
        except FieldError as exc:
            result.problems.append(Problem(where, str(exc)))
            continue
        old = existing.get(record["number"])
        if old is not None:
            if all(getattr(old, k) == record[k] for k in ("date", "amount", "account", "reference")):
                result.unchanged += 1
            else:
                result.problems.append(Problem(where, f"SP2D {record['number']} was imported before with other "
                                                      f"content ({old.source}); refused"))
            continue
        if record["number"] in seen:
            result.problems.append(Problem(where, f"SP2D {record['number']} appears again (line "
                                                  f"{seen[record['number']]}); refused"))
            continue
        seen[record["number"]] = line
        new.append({**record, "source": where, "source_sha256": digest, "imported_at": int(time.time())})
    if new:
        with engine.begin() as conn:
            conn.execute(insert(disbursements), new)
    result.imported = len(new)
    return result


def _rows(path: Path, text: str) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in next(reader)]
    except StopIteration:
        return [], []
    except csv.Error as exc:
        return [], [Problem(f"{path}:1", f"unreadable CSV header ({exc})")]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [Problem(f"{path}:1", f"the header lacks {', '.join(missing)} (columns: {', '.join(COLUMNS)})")]
    rows = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(f"{path}:{reader.line_num}", f"unreadable CSV ({exc}); the file looks truncated"))
            break
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            problems.append(Problem(f"{path}:{reader.line_num}", f"{len(row)} fields where the header has "
                                                                 f"{len(header)} (a truncated or misaligned row)"))
            continue
        rows.append((reader.line_num, dict(zip(header, row))))
    return rows, problems


__all__ = ["ALIASES", "COLUMNS", "ImportResult", "import_disbursements"]
