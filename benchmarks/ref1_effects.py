#!/usr/bin/env python3
"""REF-1 with the finishing toolset: the REF-1 timeline (benchmarks/ref1.py) plus a 3D LUT on the main track,
a Gaussian blur on the picture-in-picture, a keyframed Ken Burns still and a wipe. Prints the render cost per
frame of each addition, measured over the frames it touches (compositing only; encoding is the same for all),
and optionally the full export time of the base and of everything together.

    python benchmarks/ref1_effects.py [--duration 60] [--export]

Uses the REF-1 media made by benchmarks/ref1.py (run that once first; it needs Debian's ffmpeg).
"""

from __future__ import annotations

import argparse
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ref1 import ref1_project  # noqa: E402

from kijkocut.edit import Editor  # noqa: E402
from kijkocut.edit.commands import (  # noqa: E402
    AddEffect,
    AddElement,
    AddMedia,
    AddTrack,
    ApplyAnimationPreset,
    UpdateTransition,
)
from kijkocut.media.probe import import_media  # noqa: E402
from kijkocut.model import ClipElement, Transform  # noqa: E402
from kijkocut.render.export import export_project  # noqa: E402
from kijkocut.render.frames import FrameRenderer, output_geometry  # noqa: E402
from kijkocut.render.presets import ExportSettings  # noqa: E402


def write_warm_cube(path: Path, size: int = 33) -> Path:
    grid = np.linspace(0, 1, size)
    lines = [f"LUT_3D_SIZE {size}"]
    for b in grid:
        for g in grid:
            for r in grid:
                lines.append(f"{min(1, r * 1.08 + 0.02):.5f} {g:.5f} {max(0, b * 0.9):.5f}")
    path.write_text("\n".join(lines) + "\n")
    return path


def write_still(path: Path) -> Path:
    y, x = np.mgrid[0:1080, 0:1920]
    rgb = np.stack([(x / 1920 * 255), (y / 1080 * 255), ((x + y) % 256)], axis=-1).astype(np.uint8)
    Image.fromarray(rgb).save(path)
    return path


def add_lut(editor: Editor, cube: Path) -> tuple[Fraction, Fraction]:
    for clip in ("a", "b", "c"):
        editor.apply(AddEffect(element_id=clip, kind="lut", params={"path": str(cube)}))
    return Fraction(0), editor.project.duration()


def add_blur(editor: Editor) -> tuple[Fraction, Fraction]:
    editor.apply(AddEffect(element_id="d", kind="gaussian_blur", params={"radius": 6}))
    element = editor.project.element("d")
    return element.start, element.end


def add_ken_burns(editor: Editor, still: Path) -> tuple[Fraction, Fraction]:
    editor.apply(AddMedia(media=import_media(still, media_id="still")))
    editor.apply(AddTrack(kind="overlay", track_id="kb_track"))
    start = editor.project.duration() / 2
    editor.apply(
        AddElement(
            track_id="kb_track",
            element=ClipElement(
                id="kb", media_id="still", start=start, duration=5, transform=Transform(fit="cover")
            ),
        )
    )
    editor.apply(ApplyAnimationPreset(element_id="kb", preset="ken_burns", zoom=1.3))
    return start, start + 5


def add_wipe(editor: Editor) -> tuple[Fraction, Fraction]:
    track = editor.project.track("v1")
    transition = track.transitions[0]
    editor.apply(UpdateTransition(transition_id=transition.id, kind="wipe_left"))
    left = editor.project.element(transition.from_id)
    return transition.span(left.end)


def render_seconds(project, start: Fraction, end: Fraction) -> tuple[float, int]:
    rate = project.settings.frame_rate
    first, last = int(start * rate), int(end * rate)
    with FrameRenderer(project, output_geometry(project)) as renderer:
        began = time.perf_counter()
        for index in range(first, last):
            renderer.render(Fraction(index) / rate).to_ndarray()  # touch the pixels like the encoder would
        return time.perf_counter() - began, last - first


def per_kind_costs(media: Path, duration: int, cube: Path, frames: int = 30) -> list[tuple[str, float]]:
    """Added compositing cost per frame of every effect (on the full-frame V1 clip, default parameters) and
    every transition kind (over its 1 s span), each against the plain REF-1 frames it touches."""
    from kijkocut.effects.catalog import EFFECTS
    from kijkocut.model import TRANSITION_KINDS

    base = ref1_project(media, duration)
    window = (Fraction(6), Fraction(6) + Fraction(frames, 30))
    base_ms = 1000 * render_seconds(base, *window)[0] / frames
    rows = []
    for kind in EFFECTS:
        editor = Editor(base.model_copy(deep=True))
        params = {"path": str(cube)} if kind == "lut" else {}
        editor.apply(AddEffect(element_id="a", kind=kind, params=params))
        rows.append((f"effect {kind}", 1000 * render_seconds(editor.project, *window)[0] / frames - base_ms))
    transition = base.track("v1").transitions[0]
    span = transition.span(base.element(transition.from_id).end)
    span_frames = int((span[1] - span[0]) * 30)
    plain_ms = 1000 * render_seconds(base, *span)[0] / span_frames
    for kind in TRANSITION_KINDS:
        editor = Editor(base.model_copy(deep=True))
        editor.apply(UpdateTransition(transition_id=transition.id, kind=kind))
        rows.append(
            (f"transition {kind}", 1000 * render_seconds(editor.project, *span)[0] / span_frames - plain_ms)
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=60, choices=[10, 60, 180])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kijkocut-ref1"))
    parser.add_argument("--export", action="store_true", help="also time full exports (base and all)")
    parser.add_argument(
        "--all-kinds", action="store_true", help="also the cost of every effect and transition"
    )
    args = parser.parse_args()
    media = args.workdir / "media" / ("long" if args.duration > 60 else "")
    if not (media / "A.mp4").exists():
        sys.exit(f"no REF-1 media in {media}: run benchmarks/ref1.py first")
    cube, still = write_warm_cube(args.workdir / "warm.cube"), write_still(args.workdir / "still.png")
    additions = {
        "3D LUT (33^3) on V1": lambda e: add_lut(e, cube),
        "Gaussian blur r=6 on the PiP": add_blur,
        "Ken Burns still (1080p, cover)": lambda e: add_ken_burns(e, still),
        "wipe instead of crossfade": add_wipe,
    }
    rows = []
    for label, add in additions.items():
        base = ref1_project(media, args.duration)
        editor = Editor(base.model_copy(deep=True))
        start, end = add(editor)
        base_seconds, frames = render_seconds(base, start, end)
        with_seconds, _ = render_seconds(editor.project, start, end)
        rows.append((label, frames, 1000 * base_seconds / frames, 1000 * with_seconds / frames))
        print(f"  measured {label}", file=sys.stderr)
    print(f"\nREF-1 T={args.duration} with effects: compositing cost per frame (1920x1080, no encode)\n")
    print(f"{'addition':<34} {'frames':>6} {'base ms/f':>10} {'with ms/f':>10} {'added ms/f':>11}")
    print("-" * 75)
    for label, frames, base_ms, with_ms in rows:
        print(f"{label:<34} {frames:>6} {base_ms:>10.1f} {with_ms:>10.1f} {with_ms - base_ms:>11.1f}")
    if args.all_kinds:
        print(f"\n{'effect / transition (1920x1080)':<34} {'added ms/frame':>15}")
        print("-" * 50)
        for label, added in per_kind_costs(media, args.duration, cube):
            print(f"{label:<34} {added:>15.1f}")
    if args.export:
        everything = Editor(ref1_project(media, args.duration))
        for add in additions.values():
            add(everything)
        out = args.workdir / "out"
        out.mkdir(exist_ok=True)
        plain = export_project(
            ref1_project(media, args.duration), out / "kijkocut_plain.mp4", ExportSettings()
        )
        full = export_project(everything.project, out / "kijkocut_effects.mp4", ExportSettings())
        print(
            f"\nexport wall time: base {plain.seconds:.1f} s, with all four {full.seconds:.1f} s "
            f"({full.seconds / plain.seconds:.2f}x)"
        )


if __name__ == "__main__":
    main()
