"""`kijkocut project create|list|show|rename|duplicate|delete`: projects in the projects folder (the one the
MCP server and the other front ends use), or a project file named by its path, through the service's store."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from kijkocut.cli.arguments import describe_params, params_of, parse_assignments
from kijkocut.cli.commands import summary
from kijkocut.cli.places import PROJECT_HELP, PROJECTS_HELP, folder_store, open_project, projects_dir
from kijkocut.model import Project
from kijkocut.service.errors import ServiceError
from kijkocut.service.summary import project_summary as summary_of

ORIGIN = "cli"


def project_summary(project: Project, file: str | None = None) -> dict[str, Any]:
    return {**summary_of(project), "file": file}


def summary_line(project: Project) -> str:
    settings = project.settings
    return (
        f"{project.id}  revision {project.revision}  {float(project.duration()):.3f} s  "
        f"{settings.width}x{settings.height} at {settings.frame_rate} fps  {project.name}"
    )


def describe(project: Project, file: str) -> str:
    """A project as a person reads it: canvas, media, tracks, markers and what undo and redo would do."""
    settings, history = project.settings, project.history
    lines = [
        f"{project.name} ({project.id}), revision {project.revision}",
        f"  {settings.width}x{settings.height} at {settings.frame_rate} fps, {settings.sample_rate} Hz "
        f"{'stereo' if settings.channels == 2 else 'mono'}; {float(project.duration()):.3f} s",
        f"  file: {file}",
        f"  media: {len(project.media)}"
        + (f" ({', '.join(m.name or m.id for m in project.media.values())})" if project.media else ""),
    ]
    lines.append("  tracks:" if project.tracks else "  tracks: none")
    for track in project.tracks:
        flags = [flag for flag in ("muted", "solo", "hidden", "locked") if getattr(track, flag)]
        transitions = f", {len(track.transitions)} transitions" if track.transitions else ""
        lines.append(
            f"    {track.id} {track.kind} {track.name!r}: {len(track.elements)} elements{transitions}"
            + (f" ({', '.join(flags)})" if flags else "")
        )
    if project.markers:
        lines.append(f"  markers: {len(project.markers)}")
    lines.append(
        f"  undo: {history.done[-1].label if history.done else 'nothing'}; "
        f"redo: {history.undone[-1].label if history.undone else 'nothing'}"
    )
    return "\n".join(lines)


def _print(args: argparse.Namespace, payload: Any, text: str) -> None:
    print(json.dumps(payload, indent=2, default=str) if args.json else text)


def run_create(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from kijkocut.model import ProjectSettings
    from kijkocut.service.project_file import ProjectFileStore
    from kijkocut.validation_messages import describe_validation_error

    try:
        settings = ProjectSettings.model_validate(
            parse_assignments(args.settings, args.setting_params, "settings")
        )
    except ValidationError as exc:
        raise ServiceError(f"invalid settings: {describe_validation_error(exc)}") from None
    store = ProjectFileStore(args.file) if args.file else folder_store(args.projects, create=True)
    project = store.adopt(Project(name=args.name, settings=settings), origin=ORIGIN)
    file = str(store.file(project.id))
    _print(args, project_summary(project, file), f"created {summary_line(project)}\n  file: {file}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    folder = projects_dir(args.projects)
    store = folder_store(args.projects) if folder.is_dir() else None  # listing creates no folder
    listed = [(p, str(store.file(p.id))) for p in store.list()] if store is not None else []
    lines = [summary_line(p) for p, _ in listed]
    unopened = store.unopened if store is not None else {}
    locked = sum("locked" in reason for reason in unopened.values())
    if locked:  # encrypted projects exist: say so, not "no projects"
        lines.append(f"{locked} encrypted project(s) locked: run `kijkocut vault unlock` to list them")
    lines += [
        f"{name}: cannot be opened ({reason})" for name, reason in unopened.items() if "locked" not in reason
    ]
    _print(
        args, [project_summary(p, file) for p, file in listed], "\n".join(lines) or f"no projects in {folder}"
    )
    return 0


def run_show(args: argparse.Namespace) -> int:
    from kijkocut.project_io import project_to_dict

    store, project_id = open_project(args.project, args.projects)
    project = store.get(project_id)
    _print(args, project_to_dict(project), describe(project, str(store.file(project_id))))
    return 0


def run_rename(args: argparse.Namespace) -> int:
    store, project_id = open_project(args.project, args.projects)
    result = store.rename(project_id, args.name, base_revision=args.base_revision, origin=ORIGIN)
    project = store.get(project_id)
    _print(
        args,
        project_summary(project, str(store.file(project_id))),
        f"renamed {project_id} to {project.name!r}: now at revision {result.revision}",
    )
    return 0


def run_duplicate(args: argparse.Namespace) -> int:
    from kijkocut.model import new_id
    from kijkocut.service.project_file import ProjectFileStore

    store, project_id = open_project(args.project, args.projects)
    source = store.snapshot(project_id)
    if isinstance(store, ProjectFileStore):  # paths relative to the file's folder: the copy lives elsewhere
        source = absolute_paths(source, store.directory(project_id))
    copy = source.model_copy(update={"id": new_id("prj"), "name": args.name or f"{source.name} copy"})
    target = folder_store(args.projects, create=True)
    target.adopt(copy, origin=ORIGIN)
    file = str(target.file(copy.id))
    _print(args, project_summary(copy, file), f"created {summary_line(copy)}\n  file: {file}")
    return 0


def absolute_paths(project: Project, folder: Path) -> Project:
    """The project with every file it names as a real, absolute path, confined as `render` confines them (a
    copy without the undo history when a path changed: the history still holds the old ones)."""
    from kijkocut.errors import PathNotAllowedError
    from kijkocut.paths import MEDIA_DIRS_VARIABLE, confined_project, user_policy

    try:
        return confined_project(project, user_policy(folder), folder)
    except PathNotAllowedError as exc:
        raise ServiceError(f"{exc}; set {MEDIA_DIRS_VARIABLE} to allow more folders") from None


def run_delete(args: argparse.Namespace) -> int:
    store, project_id = open_project(args.project, args.projects)
    name = store.get(project_id).name
    store.delete(project_id, origin=ORIGIN)
    _print(args, {"id": project_id, "deleted": True}, f"deleted {project_id} ({name})")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    from kijkocut.model import ProjectSettings

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--projects", metavar="DIR", help=PROJECTS_HELP)
    common.add_argument("--json", action="store_true", help="print JSON for programs")
    revision = argparse.ArgumentParser(add_help=False)
    revision.add_argument(
        "--base-revision",
        type=int,
        metavar="N",
        help="refuse if the project moved past revision N (someone else edited it)",
    )

    project = subparsers.add_parser("project", help=summary("project"), description=summary("project"))
    sub = project.add_subparsers(dest="project_command", metavar="COMMAND", required=True)

    setting_params = params_of(ProjectSettings)
    create = sub.add_parser(
        "create",
        parents=[common],
        help="a new, empty project",
        description="Create an empty project in the projects folder (or a project file with --file).",
        epilog=describe_params(setting_params).replace("parameters", "settings", 1),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    create.add_argument("name")
    create.add_argument(
        "settings",
        nargs="*",
        metavar="setting=value",
        help="canvas settings, e.g. width=1080 height=1920 frame_rate=30000/1001",
    )
    create.add_argument("--file", metavar="PATH", help="write a project file there instead (never replaced)")
    create.set_defaults(func=run_create, setting_params=setting_params, more_words="settings")

    listing = sub.add_parser("list", parents=[common], help="the projects in the projects folder")
    listing.set_defaults(func=run_list)

    show = sub.add_parser(
        "show",
        parents=[common],
        help="a project's canvas, media, tracks and history (--json: the whole project)",
    )
    show.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    show.set_defaults(func=run_show)

    rename = sub.add_parser("rename", parents=[common, revision], help="give a project a new name (undoable)")
    rename.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    rename.add_argument("name")
    rename.set_defaults(func=run_rename)

    duplicate = sub.add_parser(
        "duplicate", parents=[common], help="copy a project (or a project file) into the projects folder"
    )
    duplicate.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    duplicate.add_argument("name", nargs="?", help="the copy's name (default: '<name> copy')")
    duplicate.set_defaults(func=run_duplicate)

    delete = sub.add_parser("delete", parents=[common], help="delete a project of the projects folder")
    delete.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    delete.set_defaults(func=run_delete)
