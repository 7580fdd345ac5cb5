"""docs/tutorial.md as a newcomer runs it: every command of its shell blocks in order, in a fresh directory,
each output it shows found in what the commands print (`…` stands for anything), `govledger serve` started
and its pages opened."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from .markdown import blocks, commands, matches

REPO = Path(__file__).resolve().parents[2]
TUTORIAL = REPO / "docs" / "tutorial.md"
SERVING = re.compile(r"serving (http://\S+) ")


def run(command: str, cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    if command.startswith("govledger serve"):
        return serve(command, cwd, env)
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    return done.returncode, done.stdout + done.stderr


def serve(command: str, cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """The server on a free port: the portal and the tutorial's contract answer, then it stops."""
    process = subprocess.Popen(["bash", "-c", f"exec {command} --port 0 --log-level warning"], cwd=cwd, env=env,
                               stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    try:
        for line in process.stderr:
            found = SERVING.search(line)
            if found:
                url = found.group(1)
                break
        else:
            pytest.fail("govledger serve did not start")
        pages = [httpx.get(url + path, timeout=30) for path in ("/", "/contract/ocds-demo01-2026-PUPR-004")]
        assert all(page.status_code == 200 for page in pages)
        return 0, pages[1].text
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.slow
def test_every_command_of_the_tutorial_runs_and_prints_what_it_shows(tmp_path: Path) -> None:
    env = {**os.environ, "GOVLEDGER_REPO": str(REPO), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    env.pop("GOVLEDGER_DATA_DIR", None)
    last_output: list[str] = []
    ran = 0
    for language, text in blocks(TUTORIAL):
        if language == "sh":
            last_output = []
            for command in commands(text):
                status, output = run(command, tmp_path, env)
                refused = any(line.startswith("Error:") for line in output.splitlines())
                assert status == 0 or refused, f"{command} exited {status}:\n{output}"
                last_output += output.splitlines()
                ran += 1
        elif language == "text":
            for expected in text.splitlines():
                assert matches(expected, last_output), f"not printed: {expected!r}\nprinted:\n" + "\n".join(last_output)
    assert ran >= 15 and (tmp_path / ".govledger").is_dir()
