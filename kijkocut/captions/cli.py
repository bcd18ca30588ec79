"""`kijkocut captions import|export|restyle`: subtitle files in and out of a project file.
`register(subparsers)` plugs these into the main `kijkocut` command."""

from __future__ import annotations

import argparse
from pathlib import Path

from kijkocut import limits
from kijkocut.errors import KijkoCutError
from kijkocut.json_input import JsonInputError
from kijkocut.json_input import loads as load_json
from kijkocut.model import Project


def caption_track_id(project: Project, wanted: str | None) -> str:
    """A text track by id or name; without one, the only text track."""
    texts = [t for t in project.tracks if t.kind == "text"]
    if wanted is not None:
        for track in texts:
            if wanted in (track.id, track.name):
                return track.id
        raise KijkoCutError(f"no text track {wanted!r} (text tracks: "
                            f"{', '.join(f'{t.id} ({t.name})' for t in texts) or 'none'})")
    if len(texts) != 1:
        raise KijkoCutError(f"the project has {len(texts)} text tracks; choose one with --track "
                            f"({', '.join(f'{t.id} ({t.name})' for t in texts) or 'none'})")
    return texts[0].id


def _cmd_import(args: argparse.Namespace) -> int:
    from kijkocut.captions.tracks import import_captions
    from kijkocut.edit import Editor
    from kijkocut.project_io import load_project, save_project

    editor = Editor(load_project(args.project))
    ids = import_captions(editor, Path(args.subtitles), fmt=args.format, track_name=args.track_name,
                          offset=args.offset, overlap=args.overlap, show_speakers=args.speakers)
    save_project(editor.project, args.project)
    print(f"imported {len(ids)} captions from {args.subtitles} into {args.project}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from kijkocut.captions.tracks import export_captions
    from kijkocut.project_io import load_project

    project = load_project(args.project)
    path = export_captions(project, caption_track_id(project, args.track), args.output, args.format)
    print(f"wrote {path}")
    return 0


def _cmd_restyle(args: argparse.Namespace) -> int:
    from kijkocut.captions.tracks import restyle_captions
    from kijkocut.edit import Editor
    from kijkocut.project_io import load_project, save_project

    try:
        style = load_json(args.style, what="the style", limit=limits.MAX_ARGUMENT_DEPTH)
    except JsonInputError as exc:
        raise KijkoCutError(f"--style: {exc}") from None
    if not isinstance(style, dict):
        raise KijkoCutError("--style: expected a JSON object such as '{\"size\": 40}'")
    editor = Editor(load_project(args.project))
    changed = restyle_captions(editor, caption_track_id(editor.project, args.track), style)
    save_project(editor.project, args.project)
    print(f"restyled {changed} captions")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    captions = subparsers.add_parser("captions", help="import, export and restyle SRT/WebVTT captions")
    sub = captions.add_subparsers(dest="captions_command", required=True)

    add = sub.add_parser("import", help="add a subtitle file to a project as a caption track")
    add.add_argument("project", help="project JSON file (updated in place)")
    add.add_argument("subtitles", help=".srt or .vtt file")
    add.add_argument("--format", choices=["srt", "vtt"], help="default: by extension or content")
    add.add_argument("--track-name", default="Captions")
    add.add_argument("--offset", default="0", help="seconds added to every cue, e.g. 2.5 or -1")
    add.add_argument("--overlap", choices=["trim", "stack"], default="trim",
                     help="overlapping cues: trim them, or stack them on extra caption tracks")
    add.add_argument("--speakers", action="store_true", help="prefix WebVTT voices ('Speaker: text')")
    add.set_defaults(func=_cmd_import)

    out = sub.add_parser("export", help="write a caption track as .srt or .vtt")
    out.add_argument("project")
    out.add_argument("output", help=".srt or .vtt file")
    out.add_argument("--track", help="text track id or name (default: the only text track)")
    out.add_argument("--format", choices=["srt", "vtt"], help="default: by extension")
    out.set_defaults(func=_cmd_export)

    restyle = sub.add_parser("restyle", help="give every caption of a track the same style")
    restyle.add_argument("project", help="project JSON file (updated in place)")
    restyle.add_argument("--style", required=True, help='style fields as JSON, e.g. \'{"size": 40}\'')
    restyle.add_argument("--track", help="text track id or name (default: the only text track)")
    restyle.set_defaults(func=_cmd_restyle)
