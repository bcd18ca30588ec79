"""The command-line driver: the shared session played through the real `kijkocut` entry point
(`kijkocut.cli.main`, what the console script calls), one command per step, each answer read from its --json
output. Parameters are written as a person types them (`name=value`, a list's name repeated, booleans as
true/false), so the command line's own typing of values is part of what is compared."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

from kijkocut.model import Project


def assignments(params: dict[str, Any]) -> list[str]:
    words = []
    for name, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            words.append(f"{name}={str(item).lower() if isinstance(item, bool) else item}")
    return words


class Cli:
    """A project of a projects folder, or (with `file`) a project file edited in place."""

    def __init__(self, projects_dir: Path, file: Path | None = None) -> None:
        self.projects_dir, self.file = projects_dir, file

    def _run(self, *words: str) -> dict[str, Any]:
        from kijkocut.cli import main

        printed = io.StringIO()
        with redirect_stdout(printed):
            code = main([*words, "--projects", str(self.projects_dir), "--json"])
        assert code == 0, (words, printed.getvalue())
        return json.loads(printed.getvalue())

    def create(self, settings: dict[str, Any]) -> None:
        where = ["--file", str(self.file)] if self.file is not None else []
        created = self._run("project", "create", "Session", *assignments(settings), *where)
        self.project_ref = str(self.file) if self.file is not None else created["id"]
        self.revision = created["revision"]

    def act(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        outcome = self._run(
            "edit", self.project_ref, action, *assignments(params), "--base-revision", str(self.revision)
        )
        self.revision = outcome["revision"]
        return outcome["created"]

    def undo(self) -> None:
        self.revision = self._run("undo", self.project_ref, "--base-revision", str(self.revision))["revision"]

    def redo(self) -> None:
        self.revision = self._run("redo", self.project_ref, "--base-revision", str(self.revision))["revision"]

    def project(self) -> Project:
        from kijkocut.project_io import load_project
        from kijkocut.service.store import ProjectStore

        return load_project(
            self.file if self.file is not None else ProjectStore(self.projects_dir).file(self.project_ref)
        )
