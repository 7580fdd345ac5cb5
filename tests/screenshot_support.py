"""Where the browser tests keep their screenshots: docs/screenshots/ when asked (`make screenshots`
sets GOVLEDGER_SCREENSHOTS=1), otherwise a scratch folder, so that a test run leaves the checkout as it
found it (the pages show times and block numbers, so every run would rewrite the pictures)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def screenshot_dir() -> Path:
    if os.environ.get("GOVLEDGER_SCREENSHOTS") == "1":
        return DOCS_SCREENSHOTS
    return Path(tempfile.gettempdir()) / f"govledger-screenshots-{os.getpid()}"
