"""`kijkocut storage`: what is stored where and how big; `kijkocut storage remove KIND --yes` deletes one kind."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kijkocut.cli.commands import summary
from kijkocut.cli.exits import EXIT_USAGE


def _comfyui(args: argparse.Namespace) -> Path | None:
    return Path(args.comfyui_user).expanduser() if args.comfyui_user else None


def _show(args: argparse.Namespace) -> int:
    from kijkocut.service.storage import human_size, usage

    report = usage(comfyui_user=_comfyui(args))
    if args.json:
        rows = [
            {
                "kind": entry.kind.name,
                "what": entry.kind.what,
                "paths": [str(path) for path in entry.kind.paths],
                "present": [str(path) for path in entry.present],
                "files": entry.files,
                "bytes": entry.size,
                "holds_user_work": entry.kind.holds_user_work,
            }
            for entry in report
        ]
        print(json.dumps(rows, indent=2))
        return 0
    for entry in report:
        size = human_size(entry.size) if entry.present else "nothing"
        print(f"{entry.kind.name:13} {size:>10}  {entry.files:>6} files  {entry.kind.paths[0]}")
        print(f"{'':13} {entry.kind.what}")
    print(
        f"total {human_size(sum(entry.size for entry in report))}; `kijkocut storage remove KIND --yes` deletes one kind"
    )
    return 0


def _remove(args: argparse.Namespace) -> int:
    from kijkocut.service.storage import human_size, kind_named, remove, usage

    comfyui = _comfyui(args)
    kind = kind_named(args.kind, comfyui_user=comfyui)
    if not args.yes:
        [entry] = [entry for entry in usage(comfyui_user=comfyui) if entry.kind.name == kind.name]
        warning = " This is your work and cannot be rebuilt." if kind.holds_user_work else ""
        print(
            f"would remove {kind.name}: {entry.files} files, {human_size(entry.size)} at "
            f"{', '.join(str(p) for p in entry.present) or 'nothing'}.{warning} Add --yes to remove it."
        )
        return EXIT_USAGE
    removed = remove(kind.name, comfyui_user=comfyui)
    print(f"removed {kind.name}: {removed.files} files, {human_size(removed.size)}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    storage = subparsers.add_parser("storage", help=summary("storage"), description=summary("storage"))
    storage.add_argument("--json", action="store_true", help="print JSON")
    storage.add_argument("--comfyui-user", help="ComfyUI's user folder: include what the nodes keep there")
    storage.set_defaults(func=_show)
    actions = storage.add_subparsers(dest="storage_action", metavar="ACTION")
    remove = actions.add_parser("remove", help="delete everything of one kind (asks for --yes)")
    remove.add_argument("kind", help="a kind `kijkocut storage` lists")
    remove.add_argument("--yes", action="store_true", help="really remove it")
    remove.add_argument("--comfyui-user", help="ComfyUI's user folder (for the comfyui kind)")
    remove.set_defaults(func=_remove)
