"""`govledger init --training`: one isolated sandbox ledger per participant, with the pilot contracts."""

from __future__ import annotations

from pathlib import Path

from cli.helpers import ok, run

from .conftest import SANDBOXES


def test_each_participant_has_a_ledger_of_their_own(training_root: Path, sandbox) -> None:  # type: ignore[no-untyped-def]
    listed = ok(training_root, "init", "--training", *(a for n in SANDBOXES for a in ("--participant", n)))
    for name in SANDBOXES:  # run again: every sandbox kept, none rebuilt
        assert f"govledger --data-dir {training_root / 'training' / name} summary" in listed
    assert listed.count("(kept: already there)") == len(SANDBOXES)
    mine, other = sandbox("isolated"), sandbox("plan")
    assert "4 contracts" in ok(mine, "summary")
    ok(mine, "contract", "dispute", "ocds-demo01-2026-PUPR-001", "--reason-hash", "0x" + "11" * 32, "--as", "contractor")
    assert "disputed" in ok(mine, "contract", "show", "ocds-demo01-2026-PUPR-001").lower()
    assert "disputed" not in ok(other, "contract", "show", "ocds-demo01-2026-PUPR-001").lower()


def test_numbered_participants(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from govledger.rollout import training

    built: list[Path] = []
    monkeypatch.setattr(training, "build_sandbox", lambda d: (built.append(d), d.mkdir(parents=True),
                                                              (d / "deployment.json").write_text("{}")))
    out = ok(tmp_path, "init", "--training", "--participants", "3")
    assert [line.split()[0] for line in out.splitlines()[:3]] == ["p01", "p02", "p03"]
    assert built == [tmp_path / "training" / "p01"]  # built once, copied for the others
    assert (tmp_path / "training" / "p03" / "deployment.json").is_file()


def test_bad_participants_are_refused(tmp_path: Path) -> None:
    cases = {("--participants", "2"): "--participants and --participant go with --training",
             ("--training",): "--participants must be between 1 and 200, not None",
             ("--training", "--participants", "0"): "--participants must be between 1 and 200, not 0",
             ("--training", "--participant", "../x"): "participant name '../x' must be",
             ("--training", "--participant", "a", "--participant", "a"): "a participant is named twice: a, a",
             ("--training", "--participants", "2", "--participant", "a"): "not both"}
    for args, message in cases.items():
        result = run(tmp_path, "init", *args)
        assert result.exit_code == 1 and message in result.output, (args, result.output)
    assert not (tmp_path / "training").exists()
