"""Running the server: bind, leave the address in the data directory, serve with uvicorn, clean up."""

from __future__ import annotations

import json
import logging
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

import uvicorn

from .auth import Authenticator
from .factory import create_app
from .locate import remove_server_file, write_server_file
from .settings import ServerSettings


class JsonFormatter(logging.Formatter):
    """One JSON object per line: what log collectors parse without rules."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if message.startswith("{") and message.endswith("}"):
            try:
                fields = json.loads(message)
            except ValueError:
                fields = {"message": message}
        else:
            fields = {"message": message}
        entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
                 "level": record.levelname.lower(), "logger": record.name, **fields}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str = "info") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("govledger", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level.upper())
        logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True  # the server logs each request itself, as JSON


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _exit_cleanly(_signum: int, _frame: Any) -> None:
    raise SystemExit(0)


def serve(app: Any, *, host: str = "127.0.0.1", port: int = 8000, data_dir: Path | None = None,
          settings: ServerSettings | None = None, authenticator: Authenticator | None = None,
          log_level: str = "info", on_ready: Any = None) -> None:
    """Serve `app` until interrupted. With `data_dir`, leaves `server.json` there while serving."""
    configure_logging(log_level)
    api = create_app(app, settings, authenticator)
    sock = bind(host, port)
    bound = sock.getsockname()
    shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
    url = f"http://{shown}:{bound[1]}"
    config = uvicorn.Config(api, log_config=None, log_level=log_level, access_log=False, timeout_graceful_shutdown=10)
    server = uvicorn.Server(config)
    try:
        if data_dir is not None:
            write_server_file(data_dir, url, chain_id=int(app.ledger.w3.eth.chain_id))
        logging.getLogger("govledger.server").info(json.dumps({"event": "serving", "url": url, "rpc": url + "/rpc"}))
        if on_ready is not None:
            on_ready(url)
        # uvicorn re-raises the signal that stopped it once it has shut down: end as a clean exit, so the
        # `finally` below runs for SIGTERM as for Ctrl-C.
        signal.signal(signal.SIGTERM, _exit_cleanly)
        try:
            server.run(sockets=[sock])
        except KeyboardInterrupt:
            pass
    finally:
        if data_dir is not None:
            remove_server_file(data_dir)
        sock.close()
