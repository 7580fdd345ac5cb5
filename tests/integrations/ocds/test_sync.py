"""`ocds sync`: pages served by a real HTTP server on loopback, one failing, one repeating a release."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from govledger.integrations.ocds.errors import OcdsSourceError
from govledger.integrations.ocds.importer import OcdsImporter
from govledger.integrations.ocds.sync import Checkpoint, OcdsSync

from .samples import package, release


class _Server(ThreadingHTTPServer):
    pages: dict[str, dict]
    failures: dict[str, int]
    hits: list[str]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        if self.server.failures.get(self.path, 0) > 0:
            self.server.failures[self.path] -= 1
            self.send_error(503, "busy")
            return
        page = self.server.pages.get(self.path)
        if page is None:
            self.send_error(404, "no such page")
            return
        body = json.dumps(page).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server(("127.0.0.1", 0), _Handler)
    srv.pages, srv.failures, srv.hits = {}, {}, []
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _paged(server: _Server) -> str:
    base = f"http://127.0.0.1:{server.server_address[1]}"
    first, second, third = (release(f"ocds-test01-syn-{i}") for i in (1, 2, 3))
    server.pages["/releases?page=1"] = {**package(first, second), "links": {"next": f"{base}/releases?page=2"}}
    server.pages["/releases?page=2"] = {**package(second, third), "links": {"next": f"{base}/releases?page=3"}}
    server.pages["/releases?page=3"] = package()  # the last page: no next link
    server.failures["/releases?page=2"] = 2  # fails twice, then answers
    return f"{base}/releases?page=1"


def test_sync_followsThePages_retriesAFailingOne_andImportsARepeatedReleaseOnce(app, config, journal, server,
                                                                               tmp_path) -> None:
    delays: list[float] = []
    sync = OcdsSync(OcdsImporter(app, config, journal), _paged(server), Checkpoint(tmp_path / "cp.json"),
                    backoff=0.5, sleep=delays.append)
    run = sync.run_once()
    assert run.pages == 3 and delays == [0.5, 1.0]
    assert run.counts() == {"registered": 3, "unchanged": 1}
    again = sync.run_once()  # from the checkpoint: only the last page is asked again
    assert again.pages == 1 and again.counts() == {}
    assert server.hits[-1] == "/releases?page=3"


def test_sync_givesUpAfterItsRetries_withOneClearLine_andKeepsTheCheckpoint(app, config, journal, server,
                                                                            tmp_path) -> None:
    url = _paged(server)
    server.failures["/releases?page=2"] = 99
    checkpoint = Checkpoint(tmp_path / "cp.json")
    sync = OcdsSync(OcdsImporter(app, config, journal), url, checkpoint, retries=3, sleep=lambda _: None)
    with pytest.raises(OcdsSourceError, match=r"page=2: gave up after 3 attempt\(s\): HTTP 503"):
        sync.run_once()
    assert checkpoint.load(url).endswith("page=2")
    assert journal.get("ocds-test01-syn-1") is not None


def test_sync_refusesAMissingPage_atOnce(app, config, journal, server, tmp_path) -> None:
    url = f"http://127.0.0.1:{server.server_address[1]}/nothing"
    sync = OcdsSync(OcdsImporter(app, config, journal), url, Checkpoint(tmp_path / "cp.json"), sleep=lambda _: None)
    with pytest.raises(OcdsSourceError, match="gave up after 1 attempt"):
        sync.run_once()


def test_forever_logsAFailingRound_andTriesAgainNextRound(app, config, journal, server, tmp_path, caplog) -> None:
    url = _paged(server)
    server.failures.update({"/releases?page=1": 1, "/releases?page=2": 0})  # round 1 fails, round 2 does not
    sync = OcdsSync(OcdsImporter(app, config, journal), url, Checkpoint(tmp_path / "cp.json"), retries=1,
                    sleep=lambda _: None)
    with caplog.at_level("INFO", logger="govledger.ocds.sync"):
        sync.forever(every=600, rounds=2)
    assert any("sync round failed" in r.message and "HTTP 503" in r.message for r in caplog.records)
    assert journal.get("ocds-test01-syn-3") is not None  # the second round went through


def test_import_fromAUrl(app, config, journal, server) -> None:
    from govledger.integrations.ocds.sources import read_any

    server.pages["/one.json"] = package(release("ocds-test01-url-1"))
    url = f"http://127.0.0.1:{server.server_address[1]}/one.json"
    assert OcdsImporter(app, config, journal).run(read_any(url)).counts == {"registered": 1}


def test_aNextLinkThatIsNotHttp_isNotFollowed(app, config, journal, server, tmp_path, caplog) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text("{}")
    server.pages["/one"] = {**package(release("ocds-test01-url-1")), "links": {"next": secret.as_uri()}}
    url = f"http://127.0.0.1:{server.server_address[1]}/one"
    sync = OcdsSync(OcdsImporter(app, config, journal), url, Checkpoint(tmp_path / "cp.json"), sleep=lambda _: None)
    with caplog.at_level("ERROR", logger="govledger.ocds.sync"):
        assert sync.run_once().pages == 1
    assert any("is not an http(s) URL" in r.message for r in caplog.records)
