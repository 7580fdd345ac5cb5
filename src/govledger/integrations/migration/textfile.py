"""Reading a text file that came from another system: a byte-order mark is taken off, UTF-16 with its mark
is read as such, and anything that is not UTF-8 is refused with where it stops being UTF-8 (never guessed:
a wrong guess turns names and amounts into something else without a word)."""

from __future__ import annotations

import codecs
from pathlib import Path

from ...errors import GovLedgerValueError

# A source is read whole (its records are grouped and checked before anything is sent): a province's
# contracts or a month of SP2D are a few MB; a file far larger is refused before it fills memory.
MAX_BYTES = 64 * 1024 * 1024
_MARKS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class TextFileError(GovLedgerValueError):
    """A file that cannot be read as text: missing, another encoding, empty."""


def read_text(path: Path, encoding: str | None = None) -> tuple[str, list[str]]:
    """The text of `path` and notes on how it was read (a byte-order mark removed, UTF-16 decoded).

    `encoding` forces one (e.g. ``cp1252`` for a file the sender names as such)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise TextFileError(f"{path}: is {size:,} bytes, more than the {MAX_BYTES:,} read at once; split it "
                                "(by agency or by month) and give the parts in turn")
        raw = path.read_bytes()
    except OSError as exc:
        raise TextFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if encoding is not None:
        try:
            return raw.decode(encoding), [f"read as {encoding}"]
        except (LookupError, UnicodeDecodeError) as exc:
            raise TextFileError(f"{path}: is not {encoding}: {exc}") from None
    for mark, name in _MARKS:
        if raw.startswith(mark):
            try:
                return raw.decode(name).lstrip("\ufeff"), [f"byte-order mark removed ({name})"]
            except UnicodeDecodeError as exc:
                raise TextFileError(f"{path}: starts with a {name} byte-order mark but is not {name}: {exc}") from None
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise TextFileError(f"{path}: is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}, line {line}); "
                            "convert it to UTF-8 or name its encoding with --encoding") from None
