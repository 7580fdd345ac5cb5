"""Automatic transfer: poll a procurement system's paged OCDS API and import what is new.

Each page is a release package whose `links.next` names the next page. A checkpoint file keeps the URL of
the last page fully imported, so a restart resumes there; a page that fails is retried with exponential
backoff and, after the last attempt, the run stops with one clear line (the checkpoint still points at it).
Repeated releases change nothing: the import is idempotent by ocid and release id.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import HTTPError, URLError

from .errors import OcdsSourceError
from .importer import ImportReport, OcdsImporter
from .sources import PackageMeta, read_stream

log = logging.getLogger("govledger.ocds.sync")


@dataclass
class SyncRun:
    pages: int = 0
    reports: list[ImportReport] = field(default_factory=list)
    next_url: str | None = None

    def counts(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for report in self.reports:
            for action, n in report.counts.items():
                total[action] = total.get(action, 0) + n
        return total


def fetch_page(url: str, timeout: float) -> bytes:
    """The body of one page; an HTTP error status or an unreachable host raises (the caller retries)."""
    from urllib.request import Request, urlopen

    request = Request(url, headers={"Accept": "application/json", "User-Agent": "govledger-ocds-sync"})
    with urlopen(request, timeout=timeout) as response:
        return response.read()


class Checkpoint:
    """The URL of the next page to import, kept in a small JSON file written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self, source: str) -> str:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return source
        return data.get("next", source) if data.get("source") == source else source

    def save(self, source: str, next_url: str) -> None:
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(json.dumps({"source": source, "next": next_url, "saved": time.time()}), encoding="utf-8")
        tmp.replace(self.path)


class OcdsSync:
    """Follows `links.next` from `source`, importing every page through `importer`."""

    def __init__(self, importer: OcdsImporter, source: str, checkpoint: Checkpoint, *, retries: int = 4,
                 backoff: float = 1.0, timeout: float = 30.0, max_pages: int = 10_000,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.importer, self.source, self.checkpoint = importer, source, checkpoint
        self.retries, self.backoff, self.timeout, self.max_pages, self.sleep = retries, backoff, timeout, max_pages, sleep

    def _get(self, url: str) -> bytes:
        reason = ""
        for attempt in range(1, self.retries + 1):
            try:
                return fetch_page(url, self.timeout)
            except HTTPError as exc:
                reason = f"HTTP {exc.code} {exc.reason}"
                if 400 <= exc.code < 500 and exc.code not in (408, 429):
                    raise OcdsSourceError(url, attempt, reason) from None  # asking again will not help
            except (URLError, OSError, TimeoutError) as exc:
                reason = str(getattr(exc, "reason", exc))
            if attempt < self.retries:
                delay = self.backoff * 2 ** (attempt - 1)
                log.warning("page %s failed (%s); retry %d/%d in %.1fs", url, reason, attempt, self.retries - 1, delay)
                self.sleep(delay)
        raise OcdsSourceError(url, self.retries, reason)

    def run_once(self) -> SyncRun:
        """Import every page from the checkpoint to the last one; the checkpoint moves after each page."""
        import io

        run = SyncRun()
        url: str | None = self.checkpoint.load(self.source)
        while url is not None and run.pages < self.max_pages:
            body = self._get(url)
            meta = PackageMeta()
            report = self.importer.run(read_stream(io.BytesIO(body), url, meta))
            run.pages += 1
            run.reports.append(report)
            log.info("page %s: %s", url, ", ".join(f"{n} {a}" for a, n in sorted(report.counts.items())) or "empty")
            for line in report.lines()[1:]:
                log.info("  %s", line)
            nxt = meta.next_url
            if nxt is not None and not nxt.startswith(("http://", "https://")):
                log.error("page %s: links.next %r is not an http(s) URL; stopping here", url, nxt)
                nxt = None  # never file:// or another scheme from what a server sent
            if nxt is None or nxt == url:
                self.checkpoint.save(self.source, url)  # the last page: asked again next time for new releases
                break
            self.checkpoint.save(self.source, nxt)
            url = nxt
        run.next_url = url
        return run

    def forever(self, every: float, rounds: int | None = None) -> None:
        """`run_once` every `every` seconds (`rounds` times, or until interrupted); a failing source is logged
        and tried again at the next round."""
        done = 0
        while rounds is None or done < rounds:
            started = time.monotonic()
            try:
                run = self.run_once()
                log.info("sync round: %d page(s), %s", run.pages, run.counts() or "nothing new")
            except OcdsSourceError as exc:
                log.error("sync round failed: %s", exc)
            done += 1
            if rounds is None or done < rounds:
                self.sleep(max(0.0, every - (time.monotonic() - started)))
