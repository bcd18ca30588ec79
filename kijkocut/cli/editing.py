"""`kijkocut edit PROJECT ACTION [name=value ...]`, `kijkocut undo PROJECT` and `kijkocut redo PROJECT`. The
actions, their parameters and their help come from the service layer's declarations (`all_actions()`), never
from here: a new action is a new subcommand. Each edit is one undo step, saved under the project's lock, and
answers with one line: what changed and the new revision (`--json` for programs)."""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from typing import Any

from kijkocut.cli.arguments import HELP_WIDTH, describe_params, params_of, parse_assignments, read_json
from kijkocut.cli.commands import summary
from kijkocut.cli.places import PROJECT_HELP, PROJECTS_HELP, file_resolver, open_project
from kijkocut.edit.editor import EditResult
from kijkocut.errors import KijkoCutError
from kijkocut.service.errors import ServiceError

ORIGIN = "cli"
LISTED_CHANGES = 200  # --json lists this many changed entities, and counts the rest


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.)])\s+(?=[A-Z])", text, maxsplit=1)[0]


def outcome_payload(project_id: str, result: EditResult, created: dict[str, Any]) -> dict[str, Any]:
    changes = [{"entity": c.entity, "id": c.id, "how": _how(c.before, c.after)} for c in result.changes]
    return {
        "project_id": project_id,
        "revision": result.revision,
        "label": result.label,
        "created": created,
        "changes": changes[:LISTED_CHANGES],
        "not_listed": max(0, len(changes) - LISTED_CHANGES),
    }


def _how(before: Any, after: Any) -> str:
    return "added" if before is None else "removed" if after is None else "changed"


def outcome_line(result: EditResult, created: dict[str, Any]) -> str:
    if not result.changes:
        return f"nothing changed: already as asked (revision {result.revision})"
    ids = [
        f"{name} {', '.join(map(str, value)) if isinstance(value, list) else value}"
        for name, value in created.items()
        if name != "skipped" and value not in (None, "", [])
    ]
    return f"{result.label}: now at revision {result.revision}" + (f" ({'; '.join(ids)})" if ids else "")


def _report(args: argparse.Namespace, project_id: str, result: EditResult, created: dict[str, Any]) -> None:
    if args.json:
        print(json.dumps(outcome_payload(project_id, result, created), indent=2, default=str))
    else:
        print(outcome_line(result, created))


def run_edit(args: argparse.Namespace) -> int:
    from kijkocut.service.actions import ActionContext, run_action

    params: dict[str, Any] = {}
    if args.params_json is not None:
        given = read_json(args.params_json, "--params")
        if not isinstance(given, dict):
            raise ServiceError('--params: expected a JSON object such as \'{"media_id": "med_1"}\'')
        params.update(given)
    params.update(parse_assignments(args.assignments, args.action_params, args.action))
    store, project_id = open_project(args.project, args.projects)
    folder = store.directory(project_id)
    outcome = run_action(
        store,
        project_id,
        args.action,
        params,
        base_revision=args.base_revision,
        origin=ORIGIN,
        ctx=ActionContext(resolve_path=file_resolver(folder), project_dir=folder),
    )
    skipped = outcome.created.get("skipped") or []
    for named, why in skipped:
        print(f"kijkocut: warning: skipped {named}: {why}", file=sys.stderr)
    if skipped and not outcome.result.changes and not outcome.created.get("media_ids"):
        raise KijkoCutError("nothing imported: " + "; ".join(f"{named}: {why}" for named, why in skipped))
    _report(args, project_id, outcome.result, outcome.created)
    return 0


def run_history_step(args: argparse.Namespace) -> int:
    store, project_id = open_project(args.project, args.projects)
    step = store.undo if args.command == "undo" else store.redo
    _report(args, project_id, step(project_id, base_revision=args.base_revision, origin=ORIGIN), {})
    return 0


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--base-revision",
        type=int,
        metavar="N",
        help="the revision you saw: refuse the edit if the project moved on since",
    )
    common.add_argument("--projects", metavar="DIR", help=PROJECTS_HELP)
    common.add_argument("--json", action="store_true", help="print the outcome as JSON for programs")
    return common


def register(subparsers: argparse._SubParsersAction) -> None:
    from kijkocut.service.actions import all_actions

    common = _common_options()
    edit = subparsers.add_parser(
        "edit",
        help=summary("edit"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Apply one editing action to a project, as one undo step.\n"
        "`kijkocut edit PROJECT ACTION --help` lists the action's parameters.",
        epilog="examples:\n"
        "  kijkocut edit my_film.json import_media paths=intro.mp4 paths=interview.mp4\n"
        "  kijkocut edit my_film.json add_clip media_id=med_0123456789 duration=00:00:05:00\n"
        '  kijkocut edit "My film" add_text text=Hello start=1 duration=2 animation_in=fade\n'
        '  kijkocut edit my_film.json set_speed --params \'{"element_id": "clip_1", "speed": 2}\'',
    )
    edit.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
    actions = edit.add_subparsers(dest="action", metavar="ACTION", required=True, title="actions")
    for name, declared in sorted(all_actions().items()):
        params = params_of(declared.params)
        about = [f"{declared.label}: {declared.description}"]
        about += [f"needs: {declared.needs}"] if declared.needs else []
        about += [f"changes: {declared.changes}"] if declared.changes else []
        action = actions.add_parser(
            name,
            parents=[common],
            help=first_sentence(declared.description),
            description="\n".join(textwrap.fill(line, HELP_WIDTH) for line in about),
            epilog=describe_params(params),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        action.add_argument("assignments", nargs="*", metavar="name=value", help="the action's parameters")
        action.add_argument(
            "--params",
            dest="params_json",
            metavar="JSON",
            help="parameters as one JSON object (name=value words override it)",
        )
        action.set_defaults(func=run_edit, action_params=params, more_words="assignments")

    for command in ("undo", "redo"):
        step = subparsers.add_parser(
            command, parents=[common], help=summary(command), description=summary(command)
        )
        step.add_argument("project", metavar="PROJECT", help=PROJECT_HELP)
        step.set_defaults(func=run_history_step)
