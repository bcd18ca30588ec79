"""`kijkocut otio export|import`: projects to and from OpenTimelineIO and its adapter formats (FCP XML, EDL...).
`register(subparsers)` plugs these into the main `kijkocut` command."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def _cmd_export(args: argparse.Namespace) -> int:
    import sys

    from kijkocut.interchange.otio import export_timeline
    from kijkocut.project_io import load_project

    report = export_timeline(load_project(args.project), args.output, project_dir=Path(args.project).parent)
    for warning in report.warnings:  # what the format could not carry, one line each
        print(f"warning: {warning}", file=sys.stderr)
    lost = f" ({len(report.warnings)} warnings: what {report.format} cannot carry)" if report.warnings else ""
    print(f"wrote {report.path}{lost}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from kijkocut.interchange.otio import import_otio
    from kijkocut.project_io import save_project
    from kijkocut.timebase import to_rate

    options: dict[str, Any] = {"rate": float(to_rate(args.rate))} if args.rate else {}  # the adapter's
    project = import_otio(
        args.input,
        media_root=args.media_root,
        missing_media="offline" if args.offline else "error",
        **options,
    )
    save_project(project, args.output)
    print(f"wrote {args.output} ({len(project.tracks)} tracks, {len(project.media)} media)")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    otio = subparsers.add_parser("otio", help="exchange timelines with other editors via OpenTimelineIO")
    sub = otio.add_subparsers(dest="otio_command", required=True)

    out = sub.add_parser("export", help="write a project as .otio (or .xml, .edl... with OTIO adapters)")
    out.add_argument("project", help="project JSON file")
    out.add_argument("output", help="file to write; the extension picks the format")
    out.set_defaults(func=_cmd_export)

    add = sub.add_parser("import", help="read an .otio (or adapter format) file into a new project file")
    add.add_argument("input")
    add.add_argument("-o", "--output", required=True, help="project JSON file to write")
    add.add_argument("--media-root", help="folder for relative media paths (default: the input's folder)")
    add.add_argument("--offline", action="store_true", help="import missing media offline instead of failing")
    add.add_argument("--rate", help="frame rate for formats that do not store one (EDL), e.g. 25")
    add.set_defaults(func=_cmd_import)
