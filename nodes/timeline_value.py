"""The value carried by the KIJKOCUT_TIMELINE socket: the engine's project (media references and edit
decisions, never decoded frames), the folder relative media paths resolve against, and the ids earlier
Apply Action nodes remembered by name (so a later node can refer to a clip a graph created).

Node outputs are cached and shared between downstream nodes, so a value is never edited in place: every edit
is a service action applied to a copy, one undo step per node."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from kijkocut.model import Project
from kijkocut.project_io import resolve_media_path
from kijkocut.service.actions import ActionContext, ActionOutcome, apply_action, step_history


@dataclass(frozen=True)
class TimelineValue:
    project: Project
    project_dir: str | None = None
    refs: Mapping[str, dict[str, Any]] = field(default_factory=dict)

    def copy(self) -> TimelineValue:
        return TimelineValue(self.project.model_copy(deep=True), self.project_dir, dict(self.refs))

    def applied(
        self, action: str, params: dict[str, Any], ctx: ActionContext | None = None
    ) -> tuple[TimelineValue, ActionOutcome]:
        """A new value with the service action applied to a copy of the project (one undo step)."""
        result = self.copy()
        return result, apply_action(result.project, action, params, ctx)

    def stepped(self, kind: Literal["undo", "redo"], steps: int = 1) -> TimelineValue:
        result = self.copy()
        for _ in range(steps):
            step_history(result.project, kind)
        return result

    def remembering(self, name: str, created: dict[str, Any]) -> TimelineValue:
        return TimelineValue(self.project, self.project_dir, {**self.refs, name: created})

    def with_absolute_media_paths(self) -> Project:
        """A copy of the project whose relative media paths are absolute, so it finds its media from any
        folder."""
        project = self.project.model_copy(deep=True)
        for ref in project.media.values():
            ref.path = str(resolve_media_path(ref.path, self.project_dir))
        return project
