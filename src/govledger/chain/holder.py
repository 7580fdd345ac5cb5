"""Who holds a data directory's writer lock: for messages only, with the standard library only.

The lock itself is a ``flock`` on the directory (see ``dir_lock``). Its holder writes ``writer.json``
(pid, command, start time, and whatever else it wants others to know, such as a server's address);
deleting that file takes nothing away from the lock. The holding pid is confirmed from
``/proc/locks`` where there is one, so a stale or deleted file never names the wrong process.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

WRITER_FILE = "writer.json"


def write_writer_info(data_dir: Path, **extra: Any) -> dict[str, Any]:
    """Record this process as the writer (atomically); returns what was written. Best effort: a
    directory that cannot take the file still has its lock."""
    info = {
        "pid": os.getpid(),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv and sys.argv[0] else "python",
        "started": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **extra,
    }
    tmp = data_dir / f".{WRITER_FILE}.{os.getpid()}"
    try:
        tmp.write_text(json.dumps(info))
        os.replace(tmp, data_dir / WRITER_FILE)
    except OSError:
        tmp.unlink(missing_ok=True)
    return info


def remove_writer_info(data_dir: Path) -> None:
    """Remove ``writer.json`` if this process wrote it (never another writer's)."""
    path = data_dir / WRITER_FILE
    if (read_writer_info(data_dir) or {}).get("pid") == os.getpid():
        try:
            path.unlink()
        except OSError:
            pass


def read_writer_info(data_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    """What the current (or last, if it was killed) writer recorded; None if nothing readable."""
    try:
        data = json.loads((Path(data_dir) / WRITER_FILE).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def lock_holder(data_dir: Path) -> dict[str, Any] | None:
    """The process holding the directory's flock: pid, command and (when it recorded it) start time."""
    info = read_writer_info(data_dir) or {}
    pid = _flock_pid(data_dir)
    if pid is None:
        pid = info.get("pid")
    elif info.get("pid") != pid:
        info = {}  # left by an earlier writer
    if not isinstance(pid, int):
        return None
    return {"pid": pid, "command": info.get("command") or _cmdline(pid), "started": info.get("started")}


def describe_holder(holder: dict[str, Any] | None) -> str:
    if holder is None:
        return "another process"
    parts = [f"process {holder['pid']}"]
    if holder.get("command"):
        parts.append(f"({holder['command']})")
    if holder.get("started"):
        parts.append(f"since {holder['started']}")
    return " ".join(parts)


def _flock_pid(data_dir: Path) -> int | None:
    """The pid holding a flock on the directory's inode, from Linux's /proc/locks."""
    try:
        st = os.stat(data_dir)
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    for line in lines:
        fields = line.split()
        # "1: FLOCK  ADVISORY  WRITE 1234 fe:00:5678 0 EOF"; waiters carry "->" and hold nothing.
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == key:
            return int(fields[4])
    return None


def _cmdline(pid: int) -> str | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    words = [w.decode(errors="replace") for w in raw.split(b"\0") if w]
    return " ".join([Path(words[0]).name, *words[1:]])[:120] if words else None
