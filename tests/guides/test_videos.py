"""scripts/make_videos.py without ffmpeg: the captions it writes, and its refusal of a missing screenshot."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_videos.py"
spec = importlib.util.spec_from_file_location("make_videos", SCRIPT)
assert spec and spec.loader
make_videos = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_videos)


def test_captions_are_one_cue_per_step_in_webvtt_and_subrip() -> None:
    vtt = make_videos.subtitles(["Beranda", "Daftarkan"], vtt=True)
    srt = make_videos.subtitles(["Beranda", "Daftarkan"], vtt=False)
    assert vtt.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:05.000\nBeranda\n")
    assert "2\n00:00:05,000 --> 00:00:10,000\nDaftarkan\n" in srt and not srt.startswith("WEBVTT")


def test_a_missing_screenshot_is_named_before_ffmpeg_runs(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="missing screenshots.*no-such-step.id.png"):
        make_videos.make_video("official", [{"shot": "no-such-step", "id": "x", "en": "x"}], "id", tmp_path)


def test_every_video_shows_a_flow_in_at_most_a_minute() -> None:
    for group, steps in make_videos.tomllib.loads((make_videos.GUIDES / "steps.toml").read_text()).items():
        assert 3 <= len(steps) and len(steps) * make_videos.SECONDS <= 60, group
