"""Every `govledger ...` command the runbook, the rollout plan and the troubleshooting page name exists, with
the options they give it: the pages describe commands that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from govledger.cli import cli

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("operations.md", "rollout.md", "troubleshooting.md")
INVOCATION = re.compile(r"govledger((?: +[^`|#\n]+?)+?)(?=`|\||#|$)", re.MULTILINE)


def invocations(page: str) -> list[list[str]]:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8").replace("\\\n", " ")
    found = []
    for match in INVOCATION.finditer(text):
        words = shlex.split(match.group(1).replace("…", "X").replace("[", " ").replace("]", " "), posix=True)
        if words and re.match(r"^(--data-dir|--rpc-url|--manifest|[a-z])", words[0]):
            found.append(words)
    return found


def resolve(words: list[str]) -> tuple[click.Command, list[str]]:
    """The command the words name (global options skipped) and the options given to it."""
    command: click.Command = cli
    ctx = click.Context(cli)
    options, rest = [], list(words)
    while rest:
        word = rest.pop(0)
        if word.startswith("--"):
            options.append((command, word.split("=")[0]))
            continue
        if isinstance(command, click.Group):
            sub = command.get_command(ctx, word)
            if sub is None:
                if command is cli:
                    continue  # the value of a global option (--data-dir DIR)
                if type(command).parse_args is not click.Group.parse_args and "run" in command.commands:
                    command = command.commands["run"]  # `migrate FILE` is `migrate run FILE`
                    continue
                raise AssertionError(f"`govledger {' '.join(words)}`: {command.name} has no command {word!r}")
            command = sub
    return command, [f"{c.name}:{o}" for c, o in options if not any(o in p.opts for p in c.params)]


@pytest.mark.parametrize("page", PAGES)
def test_the_commands_a_page_names_exist(page: str) -> None:
    named = invocations(page)
    assert len(named) >= 5
    unknown = []
    for words in named:
        _command, bad_options = resolve(words)
        unknown += [f"{' '.join(words)} ({option})" for option in bad_options]
    assert not unknown, f"docs/{page} names what does not exist: {unknown}"


def test_a_command_that_does_not_exist_is_named() -> None:
    with pytest.raises(AssertionError, match="admin has no command 'status'"):
        resolve(["admin", "status"])
    assert resolve(["rollout", "drill", "--as", "guardian", "--resume"])[1] == ["drill:--resume"]
