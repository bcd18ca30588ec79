"""`kijkocut captions import|export|restyle`: subtitle files in and out of a project (a file, or a project of the
projects folder), through the service layer's actions like every other edit. `register(subparsers)` plugs these
into the main `kijkocut` command."""

from __future__ import annotations

import argparse
from typing import Any

from kijkocut import limits
from kijkocut.errors import KijkoCutError
from kijkocut.json_input import JsonInputError
from kijkocut.json_input import loads as load_json


def _apply(project: str, action: str, params: dict[str, Any]):
    """Run a service action on a project file (or a project of the folder), as `kijkocut edit` does."""
    from kijkocut.cli.places import file_resolver, open_project
    from kijkocut.service.actions import ActionContext, run_action

    store, project_id = open_project(project, None)
    folder = store.directory(project_id)
    return run_action(
        store,
        project_id,
        action,
        params,
        origin="cli",
        ctx=ActionContext(resolve_path=file_resolver(folder), project_dir=folder),
    )


def _cmd_import(args: argparse.Namespace) -> int:
    outcome = _apply(
        args.project,
        "import_captions",
        {
            "path": args.subtitles,
            "format": args.format,
            "track_name": args.track_name,
            "offset": args.offset,
            "overlap": args.overlap,
            "show_speakers": args.speakers,
        },
    )
    added = sum(1 for c in outcome.result.changes if c.entity == "element")
    print(
        f"imported {added} captions from {args.subtitles} into {args.project} (revision {outcome.result.revision})"
    )
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from kijkocut.captions.tracks import export_captions
    from kijkocut.project_io import load_project
    from kijkocut.service.captions import caption_track_id

    project = load_project(args.project)
    path = export_captions(project, caption_track_id(project, args.track), args.output, args.format)
    print(f"wrote {path}")
    return 0


def _cmd_restyle(args: argparse.Namespace) -> int:
    try:
        style = load_json(args.style, what="the style", limit=limits.MAX_ARGUMENT_DEPTH)
    except JsonInputError as exc:
        raise KijkoCutError(f"--style: {exc}") from None
    if not isinstance(style, dict):
        raise KijkoCutError("--style: expected a JSON object such as '{\"size\": 40}'")
    outcome = _apply(args.project, "restyle_captions", {"track_id": args.track, "style": style})
    changed = len({c.id for c in outcome.result.changes if c.entity == "element"})
    print(f"restyled {changed} captions (revision {outcome.result.revision})")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    captions = subparsers.add_parser("captions", help="import, export and restyle SRT/WebVTT captions")
    sub = captions.add_subparsers(dest="captions_command", required=True)

    add = sub.add_parser("import", help="add a subtitle file to a project as a caption track")
    add.add_argument("project", help="project file (updated in place) or a project of the projects folder")
    add.add_argument("subtitles", help=".srt or .vtt file")
    add.add_argument("--format", choices=["srt", "vtt"], help="default: by extension or content")
    add.add_argument("--track-name", default="Captions")
    add.add_argument("--offset", default="0", help="seconds added to every cue, e.g. 2.5 or -1")
    add.add_argument(
        "--overlap",
        choices=["trim", "stack"],
        default="trim",
        help="overlapping cues: trim them, or stack them on extra caption tracks",
    )
    add.add_argument("--speakers", action="store_true", help="prefix WebVTT voices ('Speaker: text')")
    add.set_defaults(func=_cmd_import)

    out = sub.add_parser("export", help="write a caption track as .srt or .vtt")
    out.add_argument("project")
    out.add_argument("output", help=".srt or .vtt file")
    out.add_argument("--track", help="text track id or name (default: the only text track)")
    out.add_argument("--format", choices=["srt", "vtt"], help="default: by extension")
    out.set_defaults(func=_cmd_export)

    restyle = sub.add_parser("restyle", help="give every caption of a track the same style")
    restyle.add_argument(
        "project", help="project file (updated in place) or a project of the projects folder"
    )
    restyle.add_argument("--style", required=True, help="style fields as JSON, e.g. '{\"size\": 40}'")
    restyle.add_argument("--track", help="text track id or name (default: the only text track)")
    restyle.set_defaults(func=_cmd_restyle)
