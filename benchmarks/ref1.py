#!/usr/bin/env python3
"""REF-1 benchmark: the same 1080p30 timeline rendered by KijkoCut and by the reference implementations in
../shared/bench (ffmpeg CLI, MoviePy, plain PyAV), side by side in one run. Prints wall time, peak memory and
output checks (frames, duration, audio, PSNR against the ffmpeg output at t = 2, T/3 + 0.5 and T/2).

The `floor` row is no implementation of REF-1: it only decodes V1's frames and encodes them with REF-1's encoder
settings (no crossfade, overlay, title or audio), which bounds from below what any implementation can reach here.

    python benchmarks/ref1.py                      # T = 60, all implementations
    python benchmarks/ref1.py --durations 10 60 180 --only kijkocut ffmpeg   # scaling run

Needs Debian's ffmpeg, espeak-ng and fonts-dejavu-core for the reference media; MoviePy goes into a
separate venv in the work folder (created on first use).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_BENCH = REPO.parent / "shared" / "bench"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
sys.path.insert(0, str(REPO))  # run from a checkout without installing


def ref1_project(media: Path, duration: int):
    """REF-1 (REF-1.md) as a KijkoCut project, built through the edit layer like any front end would."""
    from kijkocut.edit import Editor
    from kijkocut.edit.commands import AddElement, AddMedia, AddTrack, AddTransition
    from kijkocut.media.probe import import_media
    from kijkocut.model import ClipElement, Project, ProjectSettings, TextElement, TextStyle, Transform

    T = Fraction(duration)
    project = Project(
        name=f"REF-1 T={duration}", settings=ProjectSettings(width=1920, height=1080, frame_rate=30)
    )
    editor = Editor(project)
    for name in ("A", "B", "C", "D"):
        editor.apply(AddMedia(media=import_media(media / f"{name}.mp4", media_id=name)))
    editor.apply(AddMedia(media=import_media(media / "music.wav", media_id="music")))
    editor.apply(AddMedia(media=import_media(media / "voice.mp3", media_id="voice")))
    for track_id, kind in (
        ("v1", "video"),
        ("v2", "overlay"),
        ("title", "text"),
        ("music", "audio"),
        ("voice", "audio"),
    ):
        editor.apply(AddTrack(kind=kind, track_id=track_id))
    # REF-1 overlaps B over A during [T/3, T/3+1); here clips butt at the cut and the 1 s crossfade ends there,
    # taking B's frames before its in point: the same pictures, the model an editor expects.
    cut_ab, cut_bc = T / 3 + 1, 2 * T / 3 + 1
    editor.apply(
        AddElement(
            track_id="v1", element=ClipElement(id="a", media_id="A", start=0, duration=cut_ab, source_in=2)
        )
    )
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(id="b", media_id="B", start=cut_ab, duration=cut_bc - cut_ab, source_in=3),
        )
    )
    editor.apply(
        AddElement(
            track_id="v1",
            element=ClipElement(id="c", media_id="C", start=cut_bc, duration=T - cut_bc, source_in=3),
        )
    )
    editor.apply(AddTransition(from_id="a", to_id="b", duration=1, alignment="end"))
    editor.apply(AddTransition(from_id="b", to_id="c", duration=1, alignment="end"))
    editor.apply(
        AddElement(
            track_id="v2",
            element=ClipElement(
                id="d",
                media_id="D",
                start=T / 12,
                duration=T / 3,
                transform=Transform(scale=0.3, opacity=0.9, x=1304 + 288, y=716 + 162),
            ),
        )
    )
    editor.apply(
        AddElement(
            track_id="title",
            element=TextElement(
                id="t",
                text="Hello OpenCut",
                start=0,
                duration=4,
                fade_in=Fraction(1, 2),
                fade_out=Fraction(1, 2),
                style=TextStyle(font=FONT, size=72),
            ),
        )
    )
    editor.apply(
        AddElement(
            track_id="music",
            element=ClipElement(
                id="m", media_id="music", start=0, duration=T, gain_db=-6, fade_in=2, fade_out=2
            ),
        )
    )
    voice_start = T / 6
    editor.apply(
        AddElement(
            track_id="voice",
            element=ClipElement(
                id="vo", media_id="voice", start=voice_start, duration=min(Fraction(30), T - voice_start)
            ),
        )
    )
    return project


def run_engine(media: Path, duration: int, out: Path) -> None:
    from kijkocut.render.export import export_project
    from kijkocut.render.presets import ExportSettings

    project = ref1_project(media, duration)
    export_project(project, out, ExportSettings(crf=20, speed="veryfast", audio_bitrate=192_000))


def run_floor(media: Path, duration: int, out: Path) -> None:
    """The lower bound of any implementation: V1's frames decoded and encoded with REF-1's encoder settings, with
    nothing composited (no crossfade, overlay or title) and no audio. Plain PyAV, none of our engine."""
    import av

    cut_ab, cut_bc = Fraction(duration, 3) + 1, Fraction(2 * duration, 3) + 1
    pieces = (("A", 2, cut_ab), ("B", 3, cut_bc - cut_ab), ("C", 3, duration - cut_bc))
    with av.open(str(out), "w", options={"movflags": "+faststart"}) as container:
        video = container.add_stream("libx264", rate=30)
        video.width, video.height, video.pix_fmt = 1920, 1080, "yuv420p"
        video.options = {"preset": "veryfast", "crf": "20"}
        video.codec_context.thread_type = "FRAME"  # as the ffmpeg CLI runs x264
        index = 0
        for name, source_in, length in pieces:
            with av.open(str(media / f"{name}.mp4")) as source:
                stream = source.streams.video[0]
                stream.thread_type = "AUTO"
                source.seek(source_in * 1_000_000)
                wanted = round(length * 30)
                for frame in source.decode(stream):
                    if frame.time < source_in - 1e-6:
                        continue
                    # As the ffmpeg CLI does: the encoder, not the source, decides the frame types.
                    frame.pts, frame.time_base = index, Fraction(1, 30)
                    frame.pict_type = av.video.frame.PictureType.NONE
                    container.mux(video.encode(frame))
                    index += 1
                    wanted -= 1
                    if not wanted:
                        break
        container.mux(video.encode(None))


def measure(command: list[str], cwd: Path) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds (user + system, children included), peak RSS in MB and exit code of one child
    process. CPU seconds over the core count bound the wall time any scheduling of the same work can reach."""
    began = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - began
    if status:
        sys.stderr.write(process.stderr.read().decode(errors="replace")[-2000:])
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def check_output(path: Path, reference: Path | None, duration: int) -> dict:
    import av
    import numpy as np

    result = {"frames": 0, "seconds": 0.0, "audio": False, "psnr": []}
    if not path.exists():
        return result
    with av.open(str(path)) as container:
        result["audio"] = bool(container.streams.audio)
        result["seconds"] = container.duration / av.time_base if container.duration else 0.0
        wanted = {round(t * 30) for t in (2, duration / 3 + 0.5, duration / 2)}
        ours = {}
        for index, frame in enumerate(container.decode(video=0)):
            if index in wanted:
                ours[index] = frame.to_ndarray(format="rgb24")
            result["frames"] = index + 1
    if reference is not None and reference.exists() and reference != path:
        with av.open(str(reference)) as container:
            for index, frame in enumerate(container.decode(video=0)):
                if index in ours:
                    mse = np.mean((frame.to_ndarray(format="rgb24").astype(float) - ours[index]) ** 2)
                    result["psnr"].append(99.0 if mse == 0 else 10 * np.log10(255**2 / mse))
    return result


def prepare(workdir: Path, need_moviepy: bool) -> Path:
    if not (workdir / "run_ffmpeg.sh").exists():
        shutil.copytree(SHARED_BENCH, workdir, dirs_exist_ok=True)
    if shutil.which("ffmpeg") is None:
        sys.exit("ffmpeg not found: apt-get install -y ffmpeg espeak-ng fonts-dejavu-core")
    subprocess.run(["bash", "make_media.sh"], cwd=workdir, check=True, stdout=subprocess.DEVNULL)
    venv_python = workdir / ".venv" / "bin" / "python"
    if need_moviepy and not venv_python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(workdir / ".venv")], check=True)
        subprocess.run([str(venv_python), "-m", "pip", "install", "-q", "moviepy", "av", "numpy"], check=True)
    return venv_python


IMPLEMENTATIONS = ("floor", "ffmpeg", "kijkocut", "moviepy", "pyav")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--durations", type=int, nargs="+", default=[60], choices=[10, 60, 180])
    parser.add_argument("--only", nargs="+", default=list(IMPLEMENTATIONS), choices=IMPLEMENTATIONS)
    parser.add_argument("--runs", type=int, default=1, help="runs per cell; the median is reported")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kijkocut-ref1"))
    parser.add_argument("--engine", nargs=2, metavar=("T", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--floor", nargs=2, metavar=("T", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine or args.floor:  # child process: our engine, or the floor (measured from outside)
        T, out = args.engine or args.floor
        media = args.workdir / "media" / ("long" if int(T) > 60 else "")
        (run_engine if args.engine else run_floor)(media, int(T), Path(out))
        return

    workdir = args.workdir.resolve()
    ref_python = prepare(workdir, "moviepy" in args.only or "pyav" in args.only)
    (workdir / "out").mkdir(exist_ok=True)
    rows = []
    for duration in args.durations:
        commands = {
            "ffmpeg": ["bash", "run_ffmpeg.sh", str(duration)],
            "kijkocut": [
                sys.executable,
                str(Path(__file__).resolve()),
                "--workdir",
                str(workdir),
                "--engine",
                str(duration),
                str(workdir / "out" / f"kijkocut_{duration}.mp4"),
            ],
            "floor": [
                sys.executable,
                str(Path(__file__).resolve()),
                "--workdir",
                str(workdir),
                "--floor",
                str(duration),
                str(workdir / "out" / f"floor_{duration}.mp4"),
            ],
            "moviepy": [str(ref_python), "run_moviepy.py", str(duration)],
            "pyav": [str(ref_python), "run_pyav.py", str(duration)],
        }
        for name in [n for n in IMPLEMENTATIONS if n in args.only]:
            samples = sorted((measure(commands[name], workdir) for _ in range(args.runs)), key=lambda s: s[0])
            wall, cpu, rss, code = samples[len(samples) // 2]
            out = workdir / "out" / f"{name}_{duration}.mp4"
            # The floor composites nothing: its pictures are not REF-1's, so no PSNR for it.
            reference = None if name == "floor" else workdir / "out" / f"ffmpeg_{duration}.mp4"
            checks = check_output(out, reference, duration)
            rows.append((duration, name, wall, cpu, rss, code, checks))
            print(f"  done T={duration} {name}: {wall:.1f} s", file=sys.stderr)

    walls = {(d, n): w for d, n, w, *_ in rows}
    print(f"\nREF-1 on {os.cpu_count()} cores, {args.runs} run(s) per cell (median)\n")
    header = (
        f"{'T':>4} {'implementation':<10} {'wall s':>7} {'cpu s':>7} {'vs ffmpeg':>9} {'vs moviepy':>14} "
        f"{'peak MB':>8} "
        f"{'frames':>6} {'dur s':>6} {'audio':>5}  PSNR vs ffmpeg (dB) at 2, T/3+0.5, T/2"
    )
    print(header)
    print("-" * len(header))
    for duration, name, wall, cpu, rss, code, checks in rows:
        vs_ffmpeg = walls.get((duration, "ffmpeg"))
        vs_moviepy = walls.get((duration, "moviepy"))
        psnr = ", ".join(f"{p:.1f}" for p in checks["psnr"]) or "-"
        status = "" if code == 0 else f"  (exit {code})"
        print(
            f"{duration:>4} {name:<10} {wall:>7.1f} {cpu:>7.1f} "
            f"{(f'{wall / vs_ffmpeg:.2f}x' if vs_ffmpeg else '-'):>9} "
            f"{(f'{vs_moviepy / wall:.2f}x faster' if vs_moviepy and name != 'moviepy' else '-'):>14} "
            f"{rss:>8.0f} {checks['frames']:>6} {checks['seconds']:>6.2f} {('yes' if checks['audio'] else 'no'):>5}"
            f"  {psnr}{status}"
        )
    print_bounds(rows)


def print_bounds(rows) -> None:
    """What the issue's speed targets ask for beside what the floor shows any implementation can reach: the
    floor's CPU seconds spread perfectly over every core is a wall time nothing doing that work can beat."""
    cores = os.cpu_count() or 1
    cells = {(d, n): (wall, cpu) for d, n, wall, cpu, *_ in rows}
    for duration in sorted({d for d, *_ in rows}):
        moviepy, ffmpeg, floor = (cells.get((duration, n)) for n in ("moviepy", "ffmpeg", "floor"))
        if floor is None or (moviepy is None and ffmpeg is None):
            continue
        print(
            f"\nT={duration}: the floor takes {floor[0]:.1f} s ({floor[1]:.1f} CPU s, so at least "
            f"{floor[1] / cores:.1f} s on {cores} cores)"
        )
        if ffmpeg is not None:
            print(f"  target 1.25x the ffmpeg CLI: at most {1.25 * ffmpeg[0]:.1f} s")
        if moviepy is not None:
            verdict = "reachable" if floor[1] / cores <= moviepy[0] / 3 else "below the floor: unreachable"
            print(f"  target 3x faster than MoviePy: at most {moviepy[0] / 3:.1f} s ({verdict})")


if __name__ == "__main__":
    main()
