"""The `kijkocut` command line: demo, render, probe, and (when the library extra is installed) workflows/jobs."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from kijkocut.errors import KijkoCutError, OutputFolderMissingError, PathNotAllowedError
from kijkocut.signals import TERMINATED_EXIT_CODE, Terminated, sigterm_raises


class ProgressBar:
    """A one-line progress bar on stderr (stdout stays clean for piping)."""

    def __init__(self, label: str, stream=sys.stderr):
        self.label, self.stream, self.started = label, stream, time.monotonic()
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        percent = int(100 * done / max(1, total))
        if percent == self._last and done != total:
            return
        self._last = percent
        filled = percent * 30 // 100
        elapsed = time.monotonic() - self.started
        fps = done / elapsed if elapsed > 0 else 0.0
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {percent:3d}% "
                          f"{done}/{total} frames {fps:5.1f} fps")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


def _cmd_demo(args: argparse.Namespace) -> int:
    from kijkocut.demo import run_demo

    result, project_path = run_demo(args.output, progress=ProgressBar("demo"))
    print(f"exported {result.path} ({result.summary()}) in {result.seconds:.1f} s")
    print(f"project: {project_path}")
    return 0


def _cmd_render(args: argparse.Namespace) -> int:
    from kijkocut.paths import MEDIA_DIRS_VARIABLE, user_policy
    from kijkocut.project_io import load_project
    from kijkocut.render.export import export_project
    from kijkocut.render.presets import settings_for

    project = load_project(args.project)
    overrides = {"container": args.format, "video_codec": args.codec, "crf": args.crf, "bitrate": args.bitrate,
                 "width": args.width, "height": args.height, "frame_rate": args.fps, "start": args.start,
                 "end": args.end, "speed": args.speed, "audio_codec": args.audio_codec,
                 "loudness_lufs": args.loudness}
    if args.format is None and args.preset is None:
        suffix = Path(args.output).suffix.lower().lstrip(".")
        if suffix in ("mp4", "mov", "mkv", "webm", "gif"):
            overrides["container"] = suffix
    try:
        settings = settings_for(args.preset, **overrides)
    except ValueError as exc:
        raise KijkoCutError(str(exc)) from None
    try:
        result = export_project(project, args.output, settings, project_dir=Path(args.project).parent,
                                project_file=args.project, create_folders=args.mkdir,
                                progress=None if args.quiet else ProgressBar("render"),
                                path_policy=user_policy(Path(args.project).parent))
    except OutputFolderMissingError as exc:
        raise KijkoCutError(f"{exc} (add --mkdir to create it)") from None
    except PathNotAllowedError as exc:  # a project (perhaps downloaded) naming files outside the user's folders
        raise KijkoCutError(f"{exc}; set {MEDIA_DIRS_VARIABLE} to allow more folders") from None
    print(f"exported {result.path} ({result.summary()}) in {result.seconds:.1f} s")
    return 0


def _cmd_probe(args: argparse.Namespace) -> int:
    from kijkocut.media.probe import probe_media

    info = probe_media(args.file)
    print(json.dumps(info.model_dump(mode="json", exclude_none=True), indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from kijkocut.render.presets import AUDIO_ENCODERS

    parser = argparse.ArgumentParser(prog="kijkocut", description="KijkoCut video editor engine")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="generate sample media, build a demo timeline and export an MP4")
    demo.add_argument("-o", "--output", default="kijkocut-demo", help="output folder (default: ./kijkocut-demo)")
    demo.set_defaults(func=_cmd_demo)

    render = commands.add_parser("render", help="export a project file to a video")
    render.add_argument("project", help="project JSON file")
    render.add_argument("-o", "--output", required=True, help="output file (.mp4, .mov, .mkv, .webm, .gif)")
    render.add_argument("--preset", help="youtube_1080p, tiktok, reels, shorts, instagram_square, prores_master, ...")
    render.add_argument("--format", choices=["mp4", "mov", "mkv", "webm", "gif"])
    render.add_argument("--codec", choices=["h264", "h265", "av1", "vp9", "prores", "gif"])
    render.add_argument("--crf", type=int)
    render.add_argument("--bitrate", type=int, help="video bits per second")
    render.add_argument("--speed", choices=["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow"])
    render.add_argument("--width", type=int)
    render.add_argument("--height", type=int)
    render.add_argument("--fps", help="output frame rate, e.g. 30 or 30000/1001")
    render.add_argument("--start", help="range start in seconds")
    render.add_argument("--end", help="range end in seconds")
    render.add_argument("--audio-codec", choices=list(AUDIO_ENCODERS),
                        help="audio codec (flac and pcm are lossless); default: the container's usual")
    render.add_argument("--loudness", type=float, metavar="LUFS",
                        help="normalise the mix to this integrated loudness, e.g. -14 (web) or -23 (broadcast)")
    render.add_argument("--mkdir", action="store_true", help="create the output folder if it does not exist")
    render.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    render.set_defaults(func=_cmd_render)

    probe = commands.add_parser("probe", help="print what a media file contains, as JSON")
    probe.add_argument("file")
    probe.set_defaults(func=_cmd_probe)

    from kijkocut.captions.cli import register as register_captions
    from kijkocut.interchange.cli import register as register_otio

    register_captions(commands)
    register_otio(commands)
    try:  # the workflow library is an optional extra
        from workflows_library.cli import register
    except ImportError as exc:
        logging.getLogger(__name__).debug("workflow commands unavailable: %s", exc)
    else:
        register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        with sigterm_raises():
            return args.func(args)
    except KijkoCutError as exc:
        print(f"kijkocut: error: {exc}", file=sys.stderr)
        return 1
    except Terminated:
        print("kijkocut: terminated", file=sys.stderr)
        return TERMINATED_EXIT_CODE
    except KeyboardInterrupt:
        print("kijkocut: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
