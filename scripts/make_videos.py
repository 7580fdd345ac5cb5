"""A short video per group of users (docs/videos/GROUP.LANG.mp4): the guides' step screenshots, taken by the
browser test from the real interface, stitched by Debian's ffmpeg with the step's caption burnt in, and both
languages' captions as subtitle tracks (and WebVTT files beside, for web players).

    python scripts/make_videos.py              # retake the screenshots first (the browser test, ~2 min)
    python scripts/make_videos.py --no-screens # from the screenshots in docs/guides/img as they are
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import tomllib

REPO = Path(__file__).resolve().parents[1]
GUIDES = REPO / "docs" / "guides"
VIDEOS = REPO / "docs" / "videos"
LANGS = {"id": "ind", "en": "eng"}
SECONDS = 5  # per step: time to read the caption and find it on the screen
# The phone's screen (390x844) over a band for the caption, so it covers nothing of the page.
FRAME = "pad=390:984:0:0:color=0x1f2937"
STYLE = "FontName=DejaVu Sans,FontSize=7,PrimaryColour=&H00FFFFFF,Alignment=2,MarginV=6,MarginL=8,MarginR=8"


def timestamp(seconds: int, separator: str) -> str:
    return f"00:{seconds // 60:02d}:{seconds % 60:02d}{separator}000"


def subtitles(captions: list[str], vtt: bool) -> str:
    """SubRip or WebVTT text: one cue per step."""
    separator = "." if vtt else ","
    cues = [f"{i + 1}\n{timestamp(i * SECONDS, separator)} --> {timestamp((i + 1) * SECONDS, separator)}\n{text}\n"
            for i, text in enumerate(captions)]
    return ("WEBVTT\n\n" if vtt else "") + "\n".join(cues)


def make_video(group: str, steps: list[dict[str, str]], lang: str, work: Path) -> Path:
    frames = work / f"{group}.{lang}.txt"
    images = [GUIDES / "img" / f"{step['shot']}.{lang}.png" for step in steps]
    missing = [str(image) for image in images if not image.is_file()]
    if missing:
        sys.exit(f"missing screenshots (run without --no-screens): {', '.join(missing)}")
    # The concat demuxer holds each picture for its duration; the last one is listed twice so it is held too.
    frames.write_text("".join(f"file '{image}'\nduration {SECONDS}\n" for image in images) + f"file '{images[-1]}'\n")
    tracks = {}
    for code in LANGS:
        tracks[code] = work / f"{group}.{code}.srt"
        tracks[code].write_text(subtitles([step[code] for step in steps], vtt=False))
        (VIDEOS / f"{group}.{code}.vtt").write_text(subtitles([step[code] for step in steps], vtt=True))
    out = VIDEOS / f"{group}.{lang}.mp4"
    burn = f"{FRAME},subtitles={tracks[lang]}:force_style='{STYLE}',format=yuv420p"
    command = ["ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(frames),
               "-i", str(tracks["id"]), "-i", str(tracks["en"]), "-map", "0:v", "-map", "1:s", "-map", "2:s",
               "-vf", burn, "-r", "2", "-c:v", "libx264", "-preset", "veryslow", "-tune", "stillimage", "-crf", "30",
               "-c:s", "mov_text", "-metadata:s:s:0", "language=ind", "-metadata:s:s:1", "language=eng",
               "-metadata", f"title=govledger: {group} ({lang})", "-movflags", "+faststart", str(out)]
    subprocess.run(command, check=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-screens", action="store_true", help="use the screenshots as they are")
    args = parser.parse_args()
    if not shutil.which("ffmpeg"):
        sys.exit("ffmpeg not found: apt-get install -y ffmpeg (Debian's; no downloaded build)")
    if not args.no_screens:
        subprocess.run([sys.executable, "-m", "pytest", "tests/guides/test_guide_screens.py", "-q"], cwd=REPO,
                       env={**os.environ, "GOVLEDGER_GUIDE_SCREENS": "1"}, check=True)
    steps = tomllib.loads((GUIDES / "steps.toml").read_text())
    VIDEOS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        for group, group_steps in steps.items():
            for lang in LANGS:
                out = make_video(group, group_steps, lang, Path(work))
                print(f"{out.relative_to(REPO)}: {len(group_steps)} steps, {out.stat().st_size // 1024} kB")


if __name__ == "__main__":
    main()
