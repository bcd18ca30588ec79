"""`kijkocut bundle export PROJECT FOLDER [--media]` and `kijkocut bundle import BUNDLE [--media-dir DIR]`: an
encrypted project bundle in a folder you sync yourself. The passphrase comes from $KIJKOCUT_BUNDLE_PASSPHRASE
or a prompt; use the same one on every device."""

from __future__ import annotations

import argparse
from pathlib import Path

from kijkocut.cli.commands import summary
from kijkocut.cli.places import PROJECTS_HELP, folder_store, open_project
from kijkocut.cli.vault import _ask

VARIABLE = "KIJKOCUT_BUNDLE_PASSPHRASE"


def _export(args: argparse.Namespace) -> int:
    from kijkocut.service.bundle import export_bundle
    from kijkocut.vault.keys import calibrate
    from kijkocut.vault.location import default_data_dir

    store, project_id = open_project(args.project, args.projects)
    passphrase = _ask("bundle passphrase: ", VARIABLE)
    target = export_bundle(
        store,
        project_id,
        Path(args.folder).expanduser(),
        passphrase,
        data_dir=default_data_dir(),
        with_media=args.media,
        params=calibrate(args.kdf_seconds),
    )
    print(f"exported {project_id} to {target}{' with its media' if args.media else ''}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from kijkocut.service.bundle import import_bundle
    from kijkocut.vault.location import default_data_dir

    store = folder_store(args.projects, create=True)
    passphrase = _ask("bundle passphrase: ", VARIABLE)
    result = import_bundle(
        store,
        Path(args.bundle).expanduser(),
        passphrase,
        data_dir=default_data_dir(),
        media_dirs=[Path(d).expanduser() for d in args.media_dir],
    )
    line = f"{result.project_id}: {result.outcome}"
    if result.copy_id:
        line += f"; the other device's version is project {result.copy_id}, yours is unchanged"
    print(line)
    for media_id, path in result.relinked.items():
        print(f"  {media_id}: found here at {path}")
    for media_id, path in result.unpacked.items():
        print(f"  {media_id}: unpacked to {path}")
    for media_id in result.missing:
        print(f"  {media_id}: not found here and not in the bundle (kijkocut edit ... relink_media)")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    bundle = subparsers.add_parser("bundle", help=summary("bundle"), description=__doc__)
    actions = bundle.add_subparsers(dest="bundle_action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="write the project's encrypted bundle into FOLDER")
    export.add_argument("project", help="a project file, id or name")
    export.add_argument("folder", help="a folder you sync (Syncthing, Nextcloud, a USB stick)")
    export.add_argument("--media", action="store_true", help="carry the media files too (encrypted)")
    export.add_argument("--projects", help=PROJECTS_HELP)
    export.add_argument("--kdf-seconds", type=float, default=0.5, help="passphrase hardening time")
    export.set_defaults(func=_export)
    imp = actions.add_parser("import", help="bring a bundle's project into the projects folder")
    imp.add_argument("bundle", help="the <project id>.kjkbundle folder")
    imp.add_argument(
        "--media-dir", action="append", default=[], help="where to look for the media by content"
    )
    imp.add_argument("--projects", help=PROJECTS_HELP)
    imp.set_defaults(func=_import)
