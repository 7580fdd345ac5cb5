"""The learning material holds together: every picture a guide, kit or brief shows exists, every step of a
group's flow is in its guides in both languages, every `govledger` command shown is one the CLI has (with
options it takes), both languages of each guide and brief exist, and the README links them."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
import tomllib

from govledger.cli import cli

from .markdown import blocks, commands

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
GROUPS = ("official", "contractor", "inspector", "auditor", "admin", "developer")
STEPS = tomllib.loads((DOCS / "guides" / "steps.toml").read_text())
MATERIAL = sorted([*DOCS.glob("guides/*.md"), *DOCS.glob("training/*.md"), *DOCS.glob("briefs/*.md"),
                   *DOCS.glob("videos/*.md"), DOCS / "tutorial.md", DOCS / "tutorial.id.md"])
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s#]+)(?:#[^)]*)?\)")


def unknown_in(line: str) -> str | None:
    """What of a `govledger …` command line the CLI does not know (a command or an option), or None."""
    words = iter(shlex.split(line, comments=True)[1:])
    command: click.Command = cli
    ctx = click.Context(cli)
    options = {opt: param for param in cli.params for opt in [*param.opts, *param.secondary_opts]}
    for word in words:
        if word.startswith("-"):
            name = word.split("=", 1)[0]
            if name == "--help":
                continue
            if name not in options:
                return f"option {name} of {command.name}"
            param = options[name]
            if "=" not in word and isinstance(param, click.Option) and not param.is_flag and not param.count:
                next(words, None)  # the option's value
        elif isinstance(command, click.Group):
            found = command.get_command(ctx, word)
            if found is None:
                return f"command {word} of {command.name}"
            command = found
            options |= {opt: param for param in command.params for opt in [*param.opts, *param.secondary_opts]}
    return None


def shown_commands(path: Path) -> list[str]:
    lines = [line for language, text in blocks(path) if language in ("sh", "console") for line in commands(text)]
    return [part.strip() for line in lines for part in re.split(r"&&|\|", line) if part.strip().startswith("govledger ")]


@pytest.mark.parametrize("path", MATERIAL, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_picture_and_link_of_the_material_exists(path: Path) -> None:
    text = path.read_text()
    missing = [target for target in IMAGE.findall(text) + LINK.findall(text)
               if "://" not in target and not target.startswith("mailto:") and not (path.parent / target).exists()]
    assert not missing, f"{path.relative_to(REPO)} points at what does not exist: {missing}"


@pytest.mark.parametrize("path", MATERIAL, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_command_shown_is_one_the_cli_has(path: Path) -> None:
    unknown = {line: unknown_in(line) for line in shown_commands(path)}
    assert not {line: what for line, what in unknown.items() if what}, f"{path.relative_to(REPO)}: {unknown}"


def test_the_command_check_names_what_the_cli_lacks() -> None:
    assert unknown_in("govledger contract show ocds-x") is None
    assert unknown_in("govledger contract sign ocds-x") == "command sign of contract"
    assert unknown_in("govledger escrow fund ocds-x 1 --as official --quickly") == "option --quickly of fund"


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_each_guide_shows_every_step_of_its_groups_flow_in_its_language(group: str, lang: str) -> None:
    guide = (DOCS / "guides" / f"{group}.{lang}.md").read_text()
    shown = set(IMAGE.findall(guide))
    assert {f"img/{step['shot']}.{lang}.png" for step in STEPS[group]} <= shown
    assert f"../videos/{group}.{lang}.mp4" in guide


@pytest.mark.parametrize("group", GROUPS)
def test_every_group_has_a_kit_and_a_brief_in_both_languages(group: str) -> None:
    for kind in ("training", "briefs"):
        assert {(DOCS / kind / f"{group}.{lang}.md").is_file() for lang in ("id", "en")} == {True}, (kind, group)


KEY = re.compile(r"^(?:Key|Kunci): (.+)\.$", re.MULTILINE)


@pytest.mark.parametrize("group", GROUPS)
def test_each_kits_quiz_has_the_same_key_in_both_languages_and_every_answer_is_an_option(group: str) -> None:
    keys = {}
    for lang in ("id", "en"):
        kit = (DOCS / "training" / f"{group}.{lang}.md").read_text()
        quiz = kit.split("## Quiz" if lang == "en" else "## Kuis", 1)[1]
        found = KEY.search(quiz)
        assert found, f"{group}.{lang}.md: no key"
        keys[lang] = dict(answer.split() for answer in found.group(1).split(", "))
        questions = re.split(r"^\d\. ", quiz, flags=re.MULTILINE)[1:]
        assert len(questions) == len(keys[lang])
        for number, question in enumerate(questions, 1):
            assert f"({keys[lang][str(number)]})" in question, f"{group}.{lang}.md question {number}"
    assert keys["id"] == keys["en"]


def test_every_video_is_small_and_captioned_in_both_languages() -> None:
    for group in GROUPS:
        for lang in ("id", "en"):
            video = DOCS / "videos" / f"{group}.{lang}.mp4"
            assert 10_000 < video.stat().st_size < 600_000, video
            assert (DOCS / "videos" / f"{group}.{lang}.vtt").read_text().startswith("WEBVTT")


def test_the_indonesian_tutorial_shows_the_same_commands_and_outputs_as_the_one_the_tests_run() -> None:
    def code(path: Path) -> list[tuple[str, str]]:
        return [(language, text) for language, text in blocks(path) if language in ("sh", "text")]

    assert code(DOCS / "tutorial.id.md") == code(DOCS / "tutorial.md")


def test_the_readme_links_the_material_and_keeps_its_first_two_commands() -> None:
    readme = (REPO / "README.md").read_text()
    learn = readme.split("## Learn it", 1)[1].split("\n## ", 1)[0]
    for target in ("docs/tutorial.md", "docs/guides/README.md", "docs/videos/README.md", "docs/training/README.md",
                   "docs/briefs/README.md"):
        assert target in learn
    first = next(text for language, text in blocks(REPO / "README.md") if language == "sh")
    assert commands(first)[:2] == ["make run    # sets up, loads the fictional pilot into the embedded ledger in ./.govledger, serves it at http://127.0.0.1:8000",
                                   "make test   # sets up and runs the whole test suite"]
