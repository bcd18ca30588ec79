"""Measures the round trips of `test_round_trip_renders`' scenario through .otio, FCP XML and EDL: the lowest
PSNR over the compared frames (and the frames below 45 dB), and the mix's integrated loudness before and after.
Run it from a checkout (`python tests/interchange/measure_round_trips.py`); it prints a Markdown table. With
PYTHONPATH pointing at another copy of `kijkocut`, it measures that copy (the interchange before a change)."""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path

from kijkocut import samples
from kijkocut.interchange.otio import export_otio, import_otio


def main() -> int:
    sys.path.insert(0, str(Path(__file__).parent))
    import kijkocut.interchange.otio as interchange

    if not hasattr(
        interchange, "export_timeline"
    ):  # a copy from before export reports: the scenario imports it
        interchange.export_timeline = None  # type: ignore[attr-defined]
    import test_round_trip_renders as scenario  # the same project the tests check

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)

        red = samples.write_video(folder / "red.mp4", seconds=4, width=160, height=90, hue=0, tone_hz=440)
        blue = samples.write_video(folder / "blue.mp4", seconds=4, width=160, height=90, hue=240, tone_hz=660)
        small = samples.write_video(folder / "small.mp4", seconds=3, width=80, height=44, hue=240)
        music = samples.write_audio(folder / "music.wav", samples.chord(6), 48000)
        project = scenario.scenario(red, blue, small, music)
        before = scenario.loudness(project)
        print("| format | lowest PSNR (dB) | frames below 45 dB | loudness before → after (LUFS) |")
        print("|---|---|---|---|")
        for suffix, options in (("otio", {}), ("xml", {}), ("edl", {"rate": scenario.RATE})):
            try:
                path = export_otio(project, folder / f"cut.{suffix}")
                back = import_otio(path, **options)
            except Exception as exc:  # the measured copy may refuse: that is the measurement
                print(f"| .{suffix} | export or import fails: {type(exc).__name__}: {str(exc)[:90]} | | |")
                continue
            psnrs = scenario.picture_psnrs(project, back)
            low = [frame for frame, value in psnrs.items() if value < scenario.SAME_PICTURE_DB]
            lowest = min(psnrs.values())
            shown = "∞" if math.isinf(lowest) else f"{lowest:.1f}"
            print(
                f"| .{suffix} | {shown} | {', '.join(map(str, low)) or 'none'} | "
                f"{before:.2f} → {scenario.loudness(back):.2f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
