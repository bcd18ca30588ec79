"""Every `kijkocut` subcommand, registered here and nowhere else. A subcommand's module is imported only when
that subcommand runs, so `kijkocut --help` or `kijkocut probe` never load the workflow library and its search
stack; a subcommand whose optional part is not installed is still listed, and says which extra to install."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Subcommand:
    name: str
    summary: str  # the line `kijkocut --help` shows
    module: str  # whose `register(subparsers)` adds this subcommand (and any others of the module)
    extra: str | None = None  # the optional install it needs: pip install 'kijkocut[extra]'


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "demo", "make sample media, build a demo timeline, export it 16:9 and 9:16", "kijkocut.cli.demo"
    ),
    Subcommand("render", "export a project to a video", "kijkocut.cli.render"),
    Subcommand("probe", "print what a media file contains, as JSON", "kijkocut.cli.probe"),
    Subcommand(
        "project", "create, list, show, rename, duplicate and delete projects", "kijkocut.cli.projects"
    ),
    Subcommand(
        "edit",
        "apply an editing action to a project (`kijkocut edit --help` lists them)",
        "kijkocut.cli.editing",
    ),
    Subcommand("undo", "undo a project's last edit", "kijkocut.cli.editing"),
    Subcommand("redo", "redo a project's last undone edit", "kijkocut.cli.editing"),
    Subcommand("captions", "import, export and restyle SRT/WebVTT captions", "kijkocut.captions.cli"),
    Subcommand(
        "otio",
        "exchange timelines with other editors via OpenTimelineIO",
        "kijkocut.interchange.cli",
        extra="otio",
    ),
    Subcommand(
        "workflows",
        "find, inspect, validate and run ComfyUI workflows",
        "workflows_library.cli",
        extra="library",
    ),
    Subcommand(
        "jobs", "list, inspect, resume and cancel ComfyUI jobs", "workflows_library.cli", extra="library"
    ),
    Subcommand("produce", "plan a production with agents, approving each step", "agents.cli", extra="agents"),
    Subcommand("storage", "what is stored where and how big; remove one kind", "kijkocut.cli.storage"),
    Subcommand(
        "vault",
        "encryption at rest: keys, unlock, encrypt projects, change passphrase",
        "kijkocut.cli.vault",
        extra="crypto",
    ),
    Subcommand(
        "bundle",
        "export and import encrypted project bundles through a folder you sync",
        "kijkocut.cli.bundle",
        extra="crypto",
    ),
)

BY_NAME = {command.name: command for command in SUBCOMMANDS}
# Modules of this project: a missing one is a broken install, not a missing extra.
OWN_PACKAGES = ("kijkocut", "workflows_library", "mcp_server", "agents")


def summary(name: str) -> str:
    return BY_NAME[name].summary


def missing_extra(command: Subcommand, error: ImportError) -> str | None:
    """What to tell a user whose install lacks a third-party module this subcommand needs, or None when
    the import failed for another reason."""
    missing = (error.name or "").split(".")[0]
    if not missing or missing in OWN_PACKAGES:
        return None
    if command.extra is None:
        return (
            f"`kijkocut {command.name}` needs the Python module {missing!r}, which is not installed; "
            f"reinstall kijkocut (pip install kijkocut)"
        )
    return (
        f"`kijkocut {command.name}` needs the {command.extra} extra (missing module {missing!r}): "
        f"pip install 'kijkocut[{command.extra}]' (in a clone: pip install -e '.[{command.extra}]')"
    )
