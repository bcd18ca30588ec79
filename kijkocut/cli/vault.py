"""`kijkocut vault`: encryption at rest for this data directory's projects.

    kijkocut vault init [--keyring] [--encrypt-all]   make the user key (passphrase, or the OS keyring)
    kijkocut vault status                              keys, how they unlock, which projects are encrypted
    kijkocut vault unlock [--minutes N]                keep the key in memory-backed storage for N minutes
    kijkocut vault lock                                forget that session
    kijkocut vault encrypt PROJECT... | --all          encrypt projects (each with its own data key)
    kijkocut vault decrypt PROJECT...                  write them in plain JSON again
    kijkocut vault passphrase                          change the passphrase (rewraps keys only)

Passphrases come from $KIJKOCUT_PASSPHRASE (and $KIJKOCUT_NEW_PASSPHRASE for a change) or a prompt."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from kijkocut.cli.commands import summary
from kijkocut.cli.places import PROJECTS_HELP, folder_store, open_project
from kijkocut.service.store import ProjectStore


def _vault():  # type: ignore[no-untyped-def]
    from kijkocut.vault.keys import Vault
    from kijkocut.vault.location import keys_dir

    return Vault(keys_dir())


def _ask(prompt: str, variable: str, *, confirm: bool = False) -> str:
    value = os.environ.get(variable)
    if value:
        return value
    if not sys.stdin.isatty():
        from kijkocut.vault.errors import VaultError

        raise VaultError(f"no terminal to ask for the passphrase: set {variable}")
    value = getpass.getpass(prompt)
    if confirm and getpass.getpass("again: ") != value:
        from kijkocut.vault.errors import VaultError

        raise VaultError("the two passphrases differ; nothing was changed")
    return value


def _init(args: argparse.Namespace) -> int:
    from kijkocut.vault.keys import calibrate

    vault = _vault()
    if args.keyring:
        vault.init(use_keyring=True, encrypt_new_projects=args.encrypt_all)
        how = "the OS keyring"
    else:
        passphrase = _ask("new passphrase: ", "KIJKOCUT_PASSPHRASE", confirm=True)
        params = calibrate(args.kdf_seconds)
        vault.init(passphrase, params=params, encrypt_new_projects=args.encrypt_all)
        how = f"a passphrase (Argon2id, {params.time_cost} passes over {params.memory_cost // 1024} MiB)"
    scope = (
        "every project is encrypted from its next save"
        if args.encrypt_all
        else "encrypt projects with `kijkocut vault encrypt`"
    )
    print(f"keys made in {vault.folder}, unlocked by {how}; {scope}")
    return 0


def _unlocked():  # type: ignore[no-untyped-def]
    vault = _vault()
    master = vault.master()
    if master.source == "passphrase" and not os.environ.get("KIJKOCUT_PASSPHRASE"):
        from kijkocut.vault.keys import read_session

        if read_session(vault) is None:
            vault.unlock(_ask("passphrase: ", "KIJKOCUT_PASSPHRASE"))
            return vault
    vault.unlock()
    return vault


def _unlock(args: argparse.Namespace) -> int:
    from kijkocut.vault.keys import save_session

    vault = _vault()
    if vault.master().source == "keyring":
        vault.unlock()
        print("these keys unlock from the OS keyring whenever it is unlocked; no session needed")
        return 0
    vault.unlock(_ask("passphrase: ", "KIJKOCUT_PASSPHRASE"))
    path = save_session(vault, args.minutes * 60)
    print(
        f"unlocked for {args.minutes} minutes (key kept in {path.parent}, memory-backed); `kijkocut vault lock` ends it"
    )
    return 0


def _lock(args: argparse.Namespace) -> int:
    from kijkocut.vault.keys import forget_session

    forget_session(_vault())
    print("locked: the session key is gone")
    return 0


def _status(args: argparse.Namespace) -> int:
    vault = _vault()
    if not vault.exists():
        print(f"no keys in {vault.folder}; `kijkocut vault init` sets up encryption")
        return 0
    master = vault.master()
    print(f"keys: {vault.folder} (generation {master.generation}, unlocked by {master.source})")
    print(f"encrypt every project: {'yes' if master.encrypt_new_projects else 'no'}")
    store = folder_store(args.projects, create=True)
    for directory in sorted(store.root.iterdir()):
        try:
            encrypted = store.is_encrypted(directory.name)
        except Exception:  # not a project folder
            continue
        if store.file(directory.name).is_file():
            print(f"  {directory.name}  {'encrypted' if encrypted else 'plain'}")
    return 0


def _projects(args: argparse.Namespace) -> list[tuple[ProjectStore, str]]:
    if getattr(args, "all", False):
        store = folder_store(args.projects)
        return (
            [
                (store, directory.name)
                for directory in sorted(store.root.iterdir())
                if store.file(directory.name).is_file()
            ]
            if store.root.is_dir()
            else []
        )
    return [open_project(spec, args.projects) for spec in args.project]


def _encrypt(args: argparse.Namespace, encrypted: bool = True) -> int:
    vault = _unlocked()
    if args.all and encrypted:
        vault.set_encrypt_new_projects(True)
    done = 0
    for store, project_id in _projects(args):
        store.use_vault(vault)
        store.set_encrypted(project_id, encrypted)
        print(f"{project_id}: {'encrypted' if encrypted else 'plain'}")
        done += 1
    if not done:
        print("no project to change")
    return 0


def _decrypt(args: argparse.Namespace) -> int:
    return _encrypt(args, encrypted=False)


def _passphrase(args: argparse.Namespace) -> int:
    from kijkocut.vault.keys import calibrate

    vault = _unlocked()
    new = _ask("new passphrase: ", "KIJKOCUT_NEW_PASSPHRASE", confirm=True)
    master = vault.change_passphrase(new, calibrate(args.kdf_seconds))
    print(
        f"passphrase changed: keys rewrapped as generation {master.generation}; no project file was rewritten"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    vault = subparsers.add_parser(
        "vault",
        help=summary("vault"),
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = vault.add_subparsers(dest="vault_action", metavar="ACTION", required=True)

    def add(name: str, func, help_text: str) -> argparse.ArgumentParser:  # type: ignore[no-untyped-def]
        parser = actions.add_parser(name, help=help_text, description=help_text)
        parser.set_defaults(func=func)
        return parser

    init = add("init", _init, "make this data directory's user key")
    init.add_argument(
        "--keyring", action="store_true", help="a random key kept in the OS keyring, no passphrase"
    )
    init.add_argument("--encrypt-all", action="store_true", help="encrypt every project from its next save")
    init.add_argument(
        "--kdf-seconds", type=float, default=0.5, help="how long deriving the key takes (default 0.5)"
    )
    unlock = add("unlock", _unlock, "unlock for the commands that follow (memory-backed session)")
    unlock.add_argument("--minutes", type=float, default=30)
    add("lock", _lock, "forget the unlocked session")
    status = add("status", _status, "keys, how they unlock, which projects are encrypted")
    status.add_argument("--projects", help=PROJECTS_HELP)
    for name, func, text in (
        ("encrypt", _encrypt, "encrypt projects, each with its own data key"),
        ("decrypt", _decrypt, "write projects in plain JSON again"),
    ):
        parser = add(name, func, text)
        parser.add_argument("project", nargs="*", help="project files, ids or names")
        parser.add_argument("--projects", help=PROJECTS_HELP)
        if name == "encrypt":
            parser.add_argument(
                "--all", action="store_true", help="every project of the folder, and new ones"
            )
        else:
            parser.set_defaults(all=False)
    change = add("passphrase", _passphrase, "change the passphrase: rewraps the keys, rewrites no project")
    change.add_argument("--kdf-seconds", type=float, default=0.5)
