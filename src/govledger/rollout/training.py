"""Training sandboxes: one isolated ledger per participant (its own data directory) with the demo roles and
the pilot's sample contracts, so a workshop's mistakes stay in each participant's copy.

The first sandbox is built as `govledger init --pilot` builds a ledger; the others are copies of its files
(a chain is a few hundred KB: copying takes milliseconds where building takes seconds).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

from ..errors import GovLedgerValueError

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
SANDBOX_FILES = ("chain.sqlite", "deployment.json", "readmodel.sqlite")


def participant_names(count: int | None, names: tuple[str, ...] | list[str]) -> list[str]:
    """The participants: given by name, or numbered p01..pNN; each name a safe directory name."""
    if names and count:
        raise GovLedgerValueError("give --participants N or --participant NAME, not both")
    if not names:
        if not count or count < 1 or count > 200:
            raise GovLedgerValueError(f"--participants must be between 1 and 200, not {count}")
        width = max(2, len(str(count)))
        return [f"p{n:0{width}d}" for n in range(1, count + 1)]
    for name in names:
        if not NAME.match(name):
            raise GovLedgerValueError(f"participant name {name!r} must be letters, digits, '.', '_' or '-' "
                                      "(at most 64, starting with a letter or digit)")
    if len(set(names)) != len(names):
        raise GovLedgerValueError(f"a participant is named twice: {', '.join(names)}")
    return list(names)


def build_sandbox(directory: Path) -> None:
    """A ledger in `directory`: deployed, demo roles appointed, the pilot contracts loaded, read model synced."""
    from ..accounts import demo_accounts
    from ..app import App
    from ..pilot import load_pilot, setup_roles

    with App.open(directory, create=True) as app:
        if app.ledger.deployment is None:
            acc = demo_accounts()
            app.ledger.deploy(acc["admin"], acc["treasury"].address)
        setup_roles(app.ledger)
        load_pilot(app.ledger)
        app.sync()


def create_sandboxes(root: Path, names: list[str], build: Callable[[Path], None] | None = None,
                     ) -> list[tuple[str, Path, bool]]:
    """A sandbox per name under `root`: (name, directory, created now). An existing sandbox is kept as it is."""
    root = Path(root)
    made: list[tuple[str, Path, bool]] = []
    template: Path | None = None
    for name in names:
        directory = root / name
        if (directory / "deployment.json").is_file():
            made.append((name, directory, False))
            continue
        if template is None:
            (build or build_sandbox)(directory)
            template = directory
        else:
            directory.mkdir(parents=True, exist_ok=True)
            for file in SANDBOX_FILES:
                if (template / file).is_file():
                    shutil.copy2(template / file, directory / file)
        made.append((name, directory, True))
    return made
