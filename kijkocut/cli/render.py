"""`kijkocut render PROJECT -o OUT`: export a project file (or a project of the projects folder) to a video.
The options are the service layer's `ExportOptions`, decided by `export_settings` under the rule every front
end follows; the output file's extension names the container."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from kijkocut.cli.arguments import Param, add_options, options_given, params_of
from kijkocut.cli.commands import summary
from kijkocut.cli.progress import ProgressBar
from kijkocut.errors import KijkoCutError, OutputFolderMissingError, PathNotAllowedError
from kijkocut.service.errors import ServiceError

# The spellings users' scripts already use for some export options; the others are --field-name.
FLAGS = {
    "container": ["--format"],
    "video_codec": ["--codec"],
    "frame_rate": ["--fps"],
    "loudness_lufs": ["--loudness"],
    "limiter_ceiling_db": ["--true-peak"],
}


def export_options(given: dict[str, object], output: Path):
    """The export options of a command line: the output's extension decides the container; a --format that
    says otherwise is an error, not a file whose name lies about its content."""
    from pydantic import ValidationError

    from kijkocut.service.export import CONTAINERS, ExportOptions, container_for_suffix
    from kijkocut.validation_messages import describe_validation_error

    container = container_for_suffix(output.suffix)
    if container is None:
        named = f"{output.suffix!r} files" if output.suffix else "a file without an extension"
        raise ServiceError(f"cannot write {named}: name the output {', '.join('.' + c for c in CONTAINERS)}")
    chosen = given.get("container")
    if chosen is not None and chosen != container:
        raise ServiceError(
            f"--format {chosen} conflicts with the output name {output.name}: name it "
            f"{output.stem}.{chosen}, or leave --format out"
        )
    try:
        return ExportOptions.model_validate({**given, "container": container})
    except ValidationError as exc:
        raise ServiceError(f"invalid export options: {describe_validation_error(exc)}") from None


def run(args: argparse.Namespace) -> int:
    from kijkocut.cli.places import open_project
    from kijkocut.paths import MEDIA_DIRS_VARIABLE, user_policy
    from kijkocut.render.export import export_project
    from kijkocut.render.output_target import check_output_target, protected_paths
    from kijkocut.service.export import export_settings

    output = Path(args.output)
    store, project_id = open_project(args.project, args.projects)
    project_file = store.file(project_id)
    project = store.snapshot(project_id)
    try:
        # What the output would replace first: that says more than its extension does.
        check_output_target(
            output, protected_paths(project, project_file.parent, project_file), create_folders=False
        )
    except OutputFolderMissingError as exc:
        if not args.mkdir:
            raise KijkoCutError(f"{exc} (add --mkdir to create it)") from None
    settings = export_settings(project, export_options(options_given(args, args.export_params), output))
    try:
        result = export_project(
            project,
            output,
            settings,
            project_dir=project_file.parent,
            project_file=project_file,
            create_folders=args.mkdir,
            progress=None if args.quiet else ProgressBar("render"),
            path_policy=user_policy(project_file.parent),
        )
    except (
        PathNotAllowedError
    ) as exc:  # a project (perhaps downloaded) naming files outside the user's folders
        raise KijkoCutError(f"{exc}; set {MEDIA_DIRS_VARIABLE} to allow more folders") from None
    print(f"exported {result.path} ({result.summary()}) in {result.seconds:.1f} s")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    from kijkocut.service.export import CONTAINERS, PRESET_NAMES, ExportOptions

    params: dict[str, Param] = params_of(ExportOptions)
    params["preset"] = replace(
        params["preset"],
        choices=PRESET_NAMES,
        shape="|".join(PRESET_NAMES),
        description="export preset; the options below override it",
    )
    render = subparsers.add_parser(
        "render",
        help=summary("render"),
        description=f"{summary('render')}. Times accept seconds, timecode "
        "(00:00:05:12 or 00:00:05.5) and frames (f30); the range must lie inside the timeline.",
    )
    render.add_argument(
        "project", help="a project file (.json), or a project's id or name in the projects folder"
    )
    render.add_argument(
        "-o",
        "--output",
        required=True,
        help=f"the video to write; its extension names the container ({', '.join(CONTAINERS)})",
    )
    add_options(render, params, flags=FLAGS)
    render.add_argument(
        "--projects",
        metavar="DIR",
        help="the projects folder (default: $KIJKOCUT_PROJECTS_DIR or the default workspace's)",
    )
    render.add_argument("--mkdir", action="store_true", help="create the output folder if it does not exist")
    render.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    render.set_defaults(func=run, export_params=params)
