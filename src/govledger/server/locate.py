"""Where a running server is: `serve` leaves `server.json` (its URL and pid) in the data directory it
holds, and removes it on a clean shutdown. A CLI given that directory goes through the server's /rpc
instead of failing on the chain lock: ``rpc_url = running_server(data_dir)``.

A file left by a killed server is stale: its pid is gone, or nothing answers at its URL.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

SERVER_FILE = "server.json"


def write_server_file(data_dir: Path, url: str, **extra: Any) -> Path:
    """Record this process as the server of `data_dir` (written whole, then renamed into place)."""
    path = Path(data_dir) / SERVER_FILE
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"url": url, "rpc_url": url + "/rpc", "pid": os.getpid(),
                               "started_at": time.time(), **extra}, indent=2))
    os.replace(tmp, path)
    return path


def remove_server_file(data_dir: Path) -> None:
    """Remove `server.json` if this process wrote it (never another server's)."""
    path = Path(data_dir) / SERVER_FILE
    info = read_server_file(data_dir)
    if info is not None and info.get("pid") == os.getpid():
        path.unlink(missing_ok=True)


def read_server_file(data_dir: Path | str) -> dict[str, Any] | None:
    try:
        info = json.loads((Path(data_dir) / SERVER_FILE).read_text())
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and isinstance(info.get("url"), str) else None


def running_server(data_dir: Path | str, timeout: float = 1.0) -> str | None:
    """The JSON-RPC URL of the server holding `data_dir`, or None when no live server does."""
    info = read_server_file(data_dir)
    if info is None or not _alive(info.get("pid")):
        return None
    import urllib.request  # only when a server file is there: every CLI command asks

    try:
        with urllib.request.urlopen(info["url"] + "/healthz", timeout=timeout) as response:
            if response.status != 200:
                return None
    except (OSError, ValueError):
        return None
    return str(info.get("rpc_url") or info["url"] + "/rpc")


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
