"""`kijkocut storage`: what is stored where and how big; `kijkocut storage remove KIND --yes` deletes one kind;
`kijkocut storage sweep` brings the preview proxy folders under their cap now and says what it freed."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from kijkocut.cli.commands import summary
from kijkocut.cli.exits import EXIT_USAGE


def _comfyui(args: argparse.Namespace) -> Path | None:
    return Path(args.comfyui_user).expanduser() if args.comfyui_user else None


def _cap(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from kijkocut.service.proxy_sweep import parse_cap

    return parse_cap(args.max, "--max") if getattr(args, "max", None) else None


def _show(args: argparse.Namespace) -> int:
    from kijkocut.service.storage import human_size, proxy_caches, usage

    comfyui = _comfyui(args)
    report = usage(comfyui_user=comfyui)
    caches = proxy_caches(comfyui_user=comfyui)
    if args.json:
        rows: list[dict[str, Any]] = [
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
        for row in rows:  # the proxy caches in a kind's folders, against their cap
            inside = [c for c in caches if any(c.folder.is_relative_to(Path(p)) for p in row["paths"])]
            if inside:
                row["proxy_caches"] = [
                    {"folder": str(c.folder), "files": c.files, "bytes": c.size, "cap_bytes": c.cap}
                    for c in inside
                ]
        print(json.dumps(rows, indent=2))
        return 0
    for entry in report:
        size = human_size(entry.size) if entry.present else "nothing"
        print(f"{entry.kind.name:13} {size:>10}  {entry.files:>6} files  {entry.kind.paths[0]}")
        print(f"{'':13} {entry.kind.what}")
    for cache in caches:
        print(
            f"proxy cache   {human_size(cache.size):>10} of {human_size(cache.cap)} cap  {cache.folder}"
            f"  (cap: {cache.cap_rule}; `kijkocut storage sweep` applies it now)"
        )
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


def _sweep(args: argparse.Namespace) -> int:
    from kijkocut.service.storage import human_size, sweep_proxies

    reports = sweep_proxies(comfyui_user=_comfyui(args), cap=_cap(args))
    if args.json:
        rows = [
            {
                "folder": str(report.folder),
                "cap_bytes": report.cap,
                "before_bytes": report.before_bytes,
                "after_bytes": report.after_bytes,
                "freed_bytes": report.freed,
                "removed": [
                    {"file": f.path.name, "bytes": f.size, "reason": why} for f, why in report.removed
                ],
                "abandoned_partials_removed": report.partials_removed,
                "unreadable_projects": report.unreadable,
            }
            for report in reports
        ]
        print(json.dumps(rows, indent=2))
        return 0
    if not reports:
        print("no preview proxy folder yet: nothing to sweep")
    for report in reports:
        unreferenced, unreferenced_bytes = report.count("unreferenced")
        over, over_bytes = report.count("over the cap")
        print(
            f"{report.folder}: freed {human_size(report.freed)} ({unreferenced} unreferenced proxies, "
            f"{human_size(unreferenced_bytes)}; {over} least recently used over the cap, {human_size(over_bytes)}"
            f"; {len(report.partials_removed)} abandoned partial files); now {human_size(report.after_bytes)} "
            f"of {human_size(report.cap)} cap"
        )
        if report.unreadable:
            print(
                f"  {len(report.unreadable)} project(s) could not be read (locked or damaged), so no proxy counted "
                f"as unreferenced: {', '.join(report.unreadable[:3])}"
            )
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
    sweep = actions.add_parser(
        "sweep",
        help="remove preview proxies no project uses (unused 7 days), then the least recently used over the cap",
    )
    sweep.add_argument(
        "--max", help="the cap for this sweep (20G, 500M, 10%%); default KIJKOCUT_PROXY_CACHE_MAX"
    )
    sweep.add_argument("--json", action="store_true", help="print JSON")
    sweep.add_argument(
        "--comfyui-user", help="ComfyUI's user folder: sweep its proxies too, count its projects"
    )
    sweep.set_defaults(func=_sweep)
