"""Source files of existing contracts -> `SourceContract` records, every problem named with where it is.

A CSV has one row per milestone, the contract's columns repeated on each (``CSV_COLUMNS``); a JSON file
is ``{"contracts": [...]}`` or a bare list, each contract with a ``milestones`` list. A contract with any
bad field is refused whole; the others are still read. Amounts are Rupiah (``1500000``,
``"1,500,000.50"``), dates ``YYYY-MM-DD``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ...errors import GovLedgerValueError
from ...money import parse_rupiah
from ...ocid import check_agency_code, check_ocid
from ...types import Address, Category, Sen
from .records import STATUS_WORDS, SourceContract, SourceMilestone
from .textfile import TextFileError, read_text

CONTRACT_COLUMNS = ("ocid", "agency", "contractor", "category", "value", "advance", "start", "end", "status")
MILESTONE_COLUMNS = ("milestone_amount", "milestone_due", "inspectors", "required_approvals", "settled_on",
                     "settled_ref")
CSV_COLUMNS = CONTRACT_COLUMNS + MILESTONE_COLUMNS
OPTIONAL = {"advance", "required_approvals", "settled_on", "settled_ref"}
_JSON_NAMES = {"milestone_amount": "amount", "milestone_due": "due"}  # a JSON milestone's own names


@dataclass(frozen=True)
class Problem:
    """Why a record (or a whole file) is refused: `where` is file:line or file:$.json.path."""

    where: str
    reason: str
    ocid: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class SourceRead:
    records: list[SourceContract]
    problems: list[Problem]
    notes: list[str]


class FieldError(GovLedgerValueError):
    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        super().__init__(f"{field}: {reason}")


def read_source(path: Path, encoding: str | None = None) -> SourceRead:
    """Read a CSV or JSON file of contracts (told apart by the first non-blank character)."""
    try:
        text, notes = read_text(path, encoding)
    except TextFileError as exc:
        return SourceRead([], [Problem(str(path), str(exc).removeprefix(f"{path}: "))], [])
    if not text.strip():
        return SourceRead([], [Problem(str(path), "the file is empty")], notes)
    reader = _read_json if text.lstrip()[:1] in "[{" else _read_csv
    read = reader(path, text)
    read.notes[:0] = notes
    _refuse_duplicates(read)
    return read


# --- fields -------------------------------------------------------------------------------------

# Indonesian notation (dots group thousands, a comma before the sen), taken only where it cannot be read
# the other way: two or more dot groups ("1.500.000") or a comma decimal part ("1.500,50").
_INDONESIAN = re.compile(r"\d{1,3}(\.\d{3}){2,}(,\d{1,2})?|\d{1,3}(\.\d{3})+,\d{1,2}|\d+,\d{1,2}", re.ASCII)


def amount(field: str, value: Any) -> Sen:
    """Rupiah as text or a whole number -> sen; negative, fractional-sen and non-numbers refused.
    ``1,500,000.50`` and the Indonesian ``1.500.000,50`` are both read."""
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        raise FieldError(field, f"{value!r} is not an amount in Rupiah")
    if isinstance(value, (int, float)):
        text = repr(value)
    else:
        text = str(value).strip()
    if text.startswith("-"):
        raise FieldError(field, f"{text} is negative")
    bare = text.removeprefix("Rp").removeprefix("IDR").strip()
    if _INDONESIAN.fullmatch(bare):
        text = bare.replace(".", "").replace(",", ".")
    try:
        sen = parse_rupiah(text)
    except GovLedgerValueError:
        raise FieldError(field, f"{text!r} is not an amount in Rupiah (write e.g. 1500000 or 1,500,000.50)") from None
    return sen


def positive(field: str, value: Any) -> Sen:
    sen = amount(field, value)
    if sen == 0:
        raise FieldError(field, "is zero")
    return sen


def day(field: str, value: Any) -> date:
    """A date as written (YYYY-MM-DD); a date-time only with its time zone (its date as written)."""
    text = str(value).strip() if value is not None else ""
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise FieldError(field, f"{text!r} is not a date (YYYY-MM-DD)") from None
    if moment.tzinfo is None:
        raise FieldError(field, f"{text!r} has a time but no time zone")
    return moment.date()


def address(field: str, value: Any) -> Address:
    from eth_utils import is_address, to_checksum_address

    text = str(value).strip() if value is not None else ""
    if not is_address(text):
        raise FieldError(field, f"{text!r} is not an account address (0x and 40 hex digits)")
    return Address(to_checksum_address(text))


def addresses(field: str, value: Any) -> tuple[Address, ...]:
    items = value if isinstance(value, list) else str(value or "").replace(",", ";").replace(" ", ";").split(";")
    found = tuple(address(field, v) for v in items if str(v).strip())
    if not found:
        raise FieldError(field, "names no inspector")
    return found


def category(field: str, value: Any) -> Category:
    text = str(value or "").strip().lower()
    if text not in Category.labels():
        raise FieldError(field, f"{value!r} is not one of {', '.join(Category.labels())}")
    return Category[text.upper()]


def status(field: str, value: Any) -> str:
    text = str(value or "").strip().lower()
    if text not in STATUS_WORDS:
        raise FieldError(field, f"{value!r} is not a known status ({', '.join(sorted(STATUS_WORDS))})")
    return STATUS_WORDS[text]


def count(field: str, value: Any) -> int:
    if value in (None, ""):
        return 1
    try:
        k = int(str(value).strip())
    except ValueError:
        raise FieldError(field, f"{value!r} is not a whole number") from None
    if not 1 <= k <= 16:
        raise FieldError(field, f"{k} is outside 1..16")
    return k


def text(field: str, value: Any, check: Callable[[Any], str]) -> str:
    try:
        return check(value.strip() if isinstance(value, str) else value)
    except GovLedgerValueError as exc:
        raise FieldError(field, str(exc)) from None


def _milestone(get: Callable[[str], Any]) -> SourceMilestone:
    settled = get("settled_on")
    return SourceMilestone(
        amount=positive("milestone_amount", get("milestone_amount")), due=day("milestone_due", get("milestone_due")),
        inspectors=addresses("inspectors", get("inspectors")),
        required_approvals=count("required_approvals", get("required_approvals")),
        settled_on=day("settled_on", settled) if settled not in (None, "") else None,
        settled_ref=str(get("settled_ref") or "").strip())


def _contract(get: Callable[[str], Any], milestones: tuple[SourceMilestone, ...], where: str) -> SourceContract:
    advance = get("advance")
    record = SourceContract(
        ocid=text("ocid", get("ocid"), check_ocid), agency=text("agency", get("agency"), check_agency_code),
        contractor=address("contractor", get("contractor")), category=category("category", get("category")),
        value=positive("value", get("value")), start=day("start", get("start")), end=day("end", get("end")),
        status=status("status", get("status")), milestones=milestones,
        advance=amount("advance", advance) if advance not in (None, "") else Sen(0), where=where)
    _check_consistency(record)
    return record


def _check_consistency(r: SourceContract) -> None:
    if r.end <= r.start:
        raise FieldError("end", f"{r.end} is not after start {r.start}")
    if not r.milestones:
        raise FieldError("milestones", "the contract has none")
    total = sum(m.amount for m in r.milestones)
    if total != r.value:
        raise FieldError("milestones", f"add up to {total / 100:,.2f}, not to the value {r.value / 100:,.2f} Rupiah")
    for i, m in enumerate(r.milestones):
        if m.required_approvals > len(set(m.inspectors)):
            raise FieldError(f"milestone {i}", f"needs {m.required_approvals} approvals from "
                                               f"{len(set(m.inspectors))} inspector(s)")
        if r.contractor in m.inspectors:
            raise FieldError(f"milestone {i}", "the contractor cannot inspect its own work")


# --- CSV ----------------------------------------------------------------------------------------

def _read_csv(path: Path, text_: str) -> SourceRead:
    problems: list[Problem] = []
    rows: dict[str, list[tuple[int, dict[str, str]]]] = {}
    bad: dict[str, Problem] = {}
    lines = csv.reader(io.StringIO(text_, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(lines)]
    except (StopIteration, csv.Error) as exc:
        return SourceRead([], [Problem(str(path), f"no CSV header ({exc})")], [])
    missing = [c for c in CSV_COLUMNS if c not in header and c not in OPTIONAL]
    if missing:
        return SourceRead([], [Problem(f"{path}:1", f"the header lacks {', '.join(missing)} "
                                                    f"(columns: {', '.join(CSV_COLUMNS)})")], [])
    ocid_at = header.index("ocid")
    while True:
        try:
            row = next(lines)
        except StopIteration:
            break
        except csv.Error as exc:  # an unterminated quote: the file was cut inside a field
            problems.append(Problem(f"{path}:{lines.line_num}", f"unreadable CSV ({exc}); the file looks truncated"))
            break
        line = lines.line_num
        if not any(cell.strip() for cell in row):
            continue
        ocid = row[ocid_at].strip() if len(row) > ocid_at else ""
        if len(row) != len(header):
            problem = Problem(f"{path}:{line}", f"{len(row)} fields where the header has {len(header)} "
                                                "(a truncated or misaligned row)", ocid or None)
            problems.append(problem)
            if ocid:
                bad.setdefault(ocid, problem)
            continue
        rows.setdefault(ocid, []).append((line, dict(zip(header, row))))
    records = []
    for ocid, group in rows.items():
        first_line, first = group[0]
        where = f"{path}:{first_line}"
        if ocid in bad:
            problems.append(Problem(where, f"refused whole: another of its rows is unreadable ({bad[ocid].where})", ocid))
            continue
        try:
            for line, row in group[1:]:
                differing = [c for c in CONTRACT_COLUMNS if (row.get(c) or "").strip() != (first.get(c) or "").strip()]
                if differing:
                    raise FieldError(differing[0], f"line {line} says {row.get(differing[0])!r}, line {first_line} "
                                                   f"says {first.get(differing[0])!r}")
            milestones = []
            for line, row in group:
                try:
                    milestones.append(_milestone(row.get))
                except FieldError as exc:
                    raise FieldError(f"line {line}: {exc.field}", str(exc).removeprefix(f"{exc.field}: ")) from None
            records.append(_contract(first.get, tuple(milestones), where))
        except FieldError as exc:
            problems.append(Problem(where, str(exc), ocid or None))
    return SourceRead(records, problems, [])


# --- JSON ---------------------------------------------------------------------------------------

def _read_json(path: Path, text_: str) -> SourceRead:
    try:
        data = json.loads(text_)
    except json.JSONDecodeError as exc:
        return SourceRead([], [Problem(f"{path}:{exc.lineno}", f"not valid JSON ({exc.msg} at column {exc.colno}); "
                                                               "the file looks truncated or damaged")], [])
    base = "$"
    if isinstance(data, dict):
        data, base = data.get("contracts"), "$.contracts"
    if not isinstance(data, list):
        return SourceRead([], [Problem(f"{path}:{base}", "expected a list of contracts")], [])
    records, problems = [], []
    for i, item in enumerate(data):
        where = f"{path}:{base}[{i}]"
        if not isinstance(item, dict):
            problems.append(Problem(where, f"a contract is a JSON object, not {type(item).__name__}"))
            continue
        try:
            records.append(_json_contract(item, where))
        except FieldError as exc:
            ocid = item.get("ocid") if isinstance(item.get("ocid"), str) else None
            problems.append(Problem(f"{where}.{exc.field}", str(exc).removeprefix(f"{exc.field}: "), ocid))
    return SourceRead(records, problems, [])


def _json_contract(item: dict[str, Any], where: str) -> SourceContract:
    raw = item.get("milestones")
    if not isinstance(raw, list):
        raise FieldError("milestones", "expected a list")
    milestones = []
    for j, m in enumerate(raw):
        if not isinstance(m, dict):
            raise FieldError(f"milestones[{j}]", "a milestone is a JSON object")
        try:
            milestones.append(_milestone(lambda k, m=m: m.get(_JSON_NAMES.get(k, k))))
        except FieldError as exc:
            raise FieldError(f"milestones[{j}].{_JSON_NAMES.get(exc.field, exc.field)}",
                             str(exc).removeprefix(f"{exc.field}: ")) from None
    return _contract(item.get, tuple(milestones), where)


def _refuse_duplicates(read: SourceRead) -> None:
    """An ocid twice in one source (JSON objects with the same ocid) is refused: which is right is unknown."""
    seen: dict[str, list[SourceContract]] = {}
    for r in read.records:
        seen.setdefault(r.ocid, []).append(r)
    dupes = {o for o, rs in seen.items() if len(rs) > 1}
    if dupes:
        for o in sorted(dupes):
            read.problems.append(Problem(seen[o][0].where, f"ocid {o} appears {len(seen[o])} times "
                                 f"({', '.join(r.where for r in seen[o])}); refused until one is removed", o))
        read.records = [r for r in read.records if r.ocid not in dupes]


def source_records(items: Iterable[dict[str, Any]], origin: str) -> SourceRead:
    """Records from already-parsed contract objects (the JSON form): for adapters such as OCDS."""
    read = _read_json(Path(origin), json.dumps(list(items)))
    _refuse_duplicates(read)
    return read
