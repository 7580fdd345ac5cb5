"""A real `govledger serve` on the pilot data and Debian's chromium driven by Playwright (executable_path: no
browser download), for the browser tests."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = os.environ.get("GOVLEDGER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
GOVLEDGER = [sys.executable, "-m", "govledger"]
SERVING = re.compile(r"serving (http://\S+) ")


@contextmanager
def served_pilot(data_dir: Path) -> Iterator[str]:
    """`govledger init --pilot` then `govledger serve --port 0`; yields the server's address."""
    init = subprocess.run([*GOVLEDGER, "--data-dir", str(data_dir), "init", "--pilot"], capture_output=True,
                          text=True, timeout=300, check=False)
    assert init.returncode == 0, init.stderr
    process = subprocess.Popen([*GOVLEDGER, "--data-dir", str(data_dir), "serve", "--port", "0",
                                "--log-level", "warning"], stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    url = None
    seen = []
    for line in process.stderr:
        seen.append(line)
        match = SERVING.search(line)
        if match:
            url = match.group(1)
            break
    assert url, "serve did not start:\n" + "".join(seen)
    log = threading.Thread(target=lambda: [None for _ in process.stderr], daemon=True)  # type: ignore[union-attr]
    log.start()
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def chromium_available() -> bool:
    return Path(CHROMIUM).is_file() or shutil.which(CHROMIUM) is not None
