"""Source adapters: each turns one kind of input into OCDS items (releases and records) or refusals.

Every adapter is small and ends in the same two types, so that a changed source costs one adapter and
the mapping behind them stays one:

- :func:`read_file`: a release package, record package, bare release, bare record, a JSON array of any
  of these, or several JSON values one after another, streamed with ijson (a 200 MB package is never
  held in memory whole: one release at a time);
- :func:`read_lines`: JSON Lines (``.jsonl``, ``.ndjson``, ``.jl``), a bad line refused alone;
- :func:`read_dir`: every such file under a directory, in name order (any of them may be gzipped);
- :func:`read_url`: one document over HTTP(S) (the paged API is in `govledger.integrations.ocds.sync`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

JSON_LINES = (".jsonl", ".ndjson", ".jl")
JSON_FILES = (".json", *JSON_LINES)


@dataclass(frozen=True)
class Found:
    """A release or a record (`kind`) read from `source` at JSON path `path`."""

    source: str
    path: str
    kind: str  # "release" | "record"
    data: dict[str, Any]


@dataclass(frozen=True)
class Refused:
    """Something that cannot be imported: where (`source`, JSON `path`), why, and its ocid if known."""

    source: str
    path: str
    reason: str
    ocid: str | None = None

    def __str__(self) -> str:
        return f"{self.source}: {self.path}: {self.reason}"


Item = Found | Refused


@dataclass
class PackageMeta:
    """The top-level fields of the last package read (`links.next` for paging, `version`)."""

    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def next_url(self) -> str | None:
        links = self.fields.get("links")
        nxt = links.get("next") if isinstance(links, dict) else None
        return nxt if isinstance(nxt, str) and nxt else None


def _what(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")


def classify(value: Any, source: str, path: str) -> Iterator[Item]:
    """The items in one JSON value already in memory: a package, a record, a release, or a list of them."""
    if isinstance(value, list):
        for i, element in enumerate(value):
            yield from classify(element, source, f"{path}[{i}]")
        return
    if not isinstance(value, dict):
        yield Refused(source, path, f"{_what(value)}, not an OCDS package, record or release")
        return
    ocid = value.get("ocid") if isinstance(value.get("ocid"), str) else None
    if ocid is None and ("releases" in value or "records" in value):  # a package
        for key, kind in (("releases", "release"), ("records", "record")):
            if key in value:
                yield from _list_items(value[key], source, f"{path}.{key}", kind)
        return
    if ocid is None:
        yield Refused(source, path, "no `ocid`: neither a release, a record nor a package")
    elif "compiledRelease" in value or ("releases" in value and "tag" not in value):
        yield Found(source, path, "record", value)
    else:
        yield Found(source, path, "release", value)


def _list_items(items: Any, source: str, path: str, kind: str) -> Iterator[Item]:
    if not isinstance(items, list):
        yield Refused(source, path, f"`{path.rsplit('.', 1)[-1]}` is {_what(items)}, not a list")
        return
    for i, item in enumerate(items):
        yield from _typed(item, source, f"{path}[{i}]", kind)


def _typed(item: Any, source: str, path: str, kind: str) -> Iterator[Item]:
    if not isinstance(item, dict):
        yield Refused(source, path, f"a {kind} must be an object, not {_what(item)}")
    else:
        yield Found(source, path, kind, item)


class _Stream:
    """Walks ijson's events, building one value at a time; `path` is where it is (for a truncation)."""

    def __init__(self, fp: IO[bytes], source: str, meta: PackageMeta) -> None:
        import ijson

        self.events = ijson.parse(fp, multiple_values=True, use_float=True)
        self.source, self.meta, self.path = source, meta, "$"

    def build(self, event: str, value: Any) -> Any:
        import ijson

        builder = ijson.ObjectBuilder()
        builder.event(event, value)
        if event not in ("start_map", "start_array"):
            return builder.value
        depth = 1
        for _, ev, val in self.events:
            builder.event(ev, val)
            if ev in ("start_map", "start_array"):
                depth += 1
            elif ev in ("end_map", "end_array"):
                depth -= 1
                if depth == 0:
                    break
        return builder.value

    def values(self) -> Iterator[Item]:
        n = 0
        for _, event, value in self.events:
            base = "$" if n == 0 else f"$<value {n + 1}>"
            self.path = base
            if event == "start_map":
                yield from self._top_map(base)
            else:
                yield from classify(self.build(event, value), self.source, base)
            n += 1

    def _top_map(self, base: str) -> Iterator[Item]:
        top: dict[str, Any] = {}
        streamed = False
        for _, event, key in self.events:
            if event == "end_map":
                break
            _, ev, val = next(self.events)
            if key in ("releases", "records") and "ocid" not in top:
                streamed = True  # a package: its releases or records one at a time
                path = f"{base}.{key}"
                if ev != "start_array":
                    yield from _list_items(self.build(ev, val), self.source, path, "")
                    continue
                yield from self._array(path, "release" if key == "releases" else "record")
            else:
                self.path = f"{base}.{key}"
                top[key] = self.build(ev, val)
        self.meta.fields = top
        if not streamed:
            yield from classify(top, self.source, base)

    def _array(self, path: str, kind: str) -> Iterator[Item]:
        i = 0
        for _, ev, val in self.events:
            if ev == "end_array":
                return
            self.path = f"{path}[{i}]"
            item = self.build(ev, val)
            yield from (classify(item, self.source, self.path) if isinstance(item, dict) and "ocid" not in item
                        and ("releases" in item or "records" in item) else _typed(item, self.source, self.path, kind))
            i += 1


class _Rest:
    """`fp` read from after its first bytes `head` (a UTF-8 byte-order mark dropped from them)."""

    def __init__(self, head: bytes, fp: IO[bytes]) -> None:
        self.head, self.fp = head, fp

    def read(self, size: int = -1) -> bytes:
        if self.head and size != 0:  # ijson reads 0 bytes first to learn bytes from text
            out, self.head = self.head, b""
            return out
        return self.fp.read(size)


_OTHER_ENCODINGS = {b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16", b"\x00\x00\xfe\xff": "UTF-32"}


def read_stream(fp: IO[bytes], source: str, meta: PackageMeta | None = None) -> Iterator[Item]:
    """Items of the JSON document(s) in `fp`, streamed; broken JSON is refused where it breaks. A UTF-8
    byte-order mark is skipped; UTF-16 and UTF-32 are refused (JSON exchanged between systems is UTF-8)."""
    import ijson

    head = fp.read(4)
    if not head.strip():
        yield Refused(source, "$", "empty: no JSON at all")
        return
    encoding = next((name for bom, name in _OTHER_ENCODINGS.items() if head.startswith(bom)), None)
    if encoding is not None:
        yield Refused(source, "$", f"the file is {encoding}; OCDS data must be UTF-8 (re-encode it)")
        return
    stream = _Stream(_Rest(head.removeprefix(b"\xef\xbb\xbf"), fp), source, meta if meta is not None else PackageMeta())
    try:
        yield from stream.values()
    except ijson.JSONError as exc:
        reason = (str(exc).strip() or type(exc).__name__).splitlines()[0]
        kind = "truncated JSON" if isinstance(exc, ijson.IncompleteJSONError) and "premature" in reason.lower() \
            or "incomplete" in reason.lower() else "invalid JSON"
        yield Refused(source, stream.path, f"{kind} ({reason}); nothing after this point was read")


def _open(path: Path) -> IO[bytes]:
    """The file's bytes, uncompressed as they are read when it ends in .gz (bulk downloads often do)."""
    import gzip

    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb")


def _kind_suffix(path: Path) -> str:
    """`.jsonl` for `x.jsonl` and `x.jsonl.gz`."""
    return (path.with_suffix("") if path.suffix.lower() == ".gz" else path).suffix.lower()


def read_file(path: Path, meta: PackageMeta | None = None) -> Iterator[Item]:
    """Items of one file (JSON Lines by extension, any other JSON streamed; either may be gzipped)."""
    if _kind_suffix(path) in JSON_LINES:
        yield from read_lines(path)
        return
    try:
        with _open(path) as fp:
            yield from read_stream(fp, str(path), meta)
    except (OSError, EOFError) as exc:  # gzip's BadGzipFile is an OSError; a cut-off .gz an EOFError
        yield Refused(str(path), "$", f"cannot read: {getattr(exc, 'strerror', None) or exc}")


def read_lines(path: Path) -> Iterator[Item]:
    """Items of a JSON Lines file: one JSON value per line; a bad line is refused, the others go on."""
    try:
        with _open(path) as fp:
            for number, line in enumerate(fp, 1):
                if not line.strip():
                    continue
                where = f"line {number}: $"
                try:
                    value = json.loads(line)
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    yield Refused(str(path), where, f"invalid JSON ({exc})")
                    continue
                yield from classify(value, str(path), where)
    except (OSError, EOFError) as exc:
        yield Refused(str(path), "$", f"cannot read: {exc.strerror or exc}")


def read_dir(directory: Path) -> Iterator[Item]:
    """Items of every JSON / JSON Lines file under `directory`, in path order."""
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and _kind_suffix(p) in JSON_FILES):
        yield from read_file(path)


def read_url(url: str, timeout: float = 30.0, meta: PackageMeta | None = None) -> Iterator[Item]:
    """Items of one document at an http(s) URL, streamed as it arrives (no retries: see `sync`)."""
    from urllib.request import Request, urlopen

    request = Request(url, headers={"Accept": "application/json", "User-Agent": "govledger-ocds"})
    with urlopen(request, timeout=timeout) as response:
        yield from read_stream(response, url, meta)


def read_any(target: str | Path) -> Iterator[Item]:
    """A file, a directory or an http(s) URL."""
    text = str(target)
    if text.startswith(("http://", "https://")):
        yield from read_url(text)
        return
    path = Path(target)
    if path.is_dir():
        yield from read_dir(path)
    elif path.is_file():
        yield from read_file(path)
    else:
        yield Refused(text, "$", "no such file, directory or http(s) URL")


def read_all(targets: Iterable[str | Path]) -> Iterator[Item]:
    for target in targets:
        yield from read_any(target)
