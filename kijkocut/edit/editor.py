"""The Editor applies commands to a project and keeps its history. An edit either applies completely and
leaves a valid timeline, or raises `EditError` and leaves the project exactly as it was."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

from pydantic import ValidationError

from kijkocut.edit.changes import apply_changes, diff_projects, invert_changes
from kijkocut.edit.commands import Command, command_from_dict
from kijkocut.errors import EditError
from kijkocut.model import Change, History, HistoryEntry, Project
from kijkocut.validate import project_problems, summarised
from kijkocut.validation_messages import describe_validation_error


@dataclass
class EditResult:
    label: str
    revision: int
    changes: list[Change]
    element_ids: list[str] = field(default_factory=list)

    @property
    def changed_element_ids(self) -> list[str]:
        return sorted({c.id for c in self.changes if c.entity == "element"})


def _scratch_copy(project: Project) -> Project:
    """A working copy for a command to mutate, without the history. Element and transition objects are copied
    shallowly: commands assign their fields (never mutate nested models in place), so sharing the nested
    transforms and effect lists with the original is safe and keeps edits fast on long timelines."""
    tracks = [
        track.model_copy(
            update={
                "elements": [e.model_copy() for e in track.elements],
                "transitions": [x.model_copy() for x in track.transitions],
            }
        )
        for track in project.tracks
    ]
    return Project.model_construct(
        schema_name=project.schema_name,
        version=project.version,
        id=project.id,
        name=project.name,
        revision=project.revision,
        settings=project.settings,
        media=dict(project.media),
        tracks=tracks,
        markers=list(project.markers),
        history=History(),
    )


# The problems of a project at a revision. An edit validates its working copy; once applied, those are the
# project's own problems, so the next edit on the same object need not validate the whole timeline twice
# (half the cost of an edit on a long timeline). Keyed by object and revision: any edit, undo or redo moves the
# revision on, and a project read again from its file is a new object.
_known_problems: dict[int, tuple[weakref.ref[Project], int, frozenset[str]]] = {}


def _problems(project: Project) -> frozenset[str]:
    known = _known_problems.get(id(project))
    if known is not None and known[0]() is project and known[1] == project.revision:
        return known[2]
    problems = frozenset(project_problems(project))
    _remember_problems(project, problems)
    return problems


def _remember_problems(project: Project, problems: frozenset[str]) -> None:
    key = id(project)
    _known_problems[key] = (
        weakref.ref(project, lambda _ref: _known_problems.pop(key, None)),
        project.revision,
        problems,
    )


class Editor:
    def __init__(self, project: Project):
        self.project = project

    def apply(self, command: Command | dict) -> EditResult:
        if isinstance(command, dict):
            command = command_from_dict(command)
        scratch = _scratch_copy(self.project)
        try:
            element_ids = command.run(scratch)
        except ValidationError as exc:  # an assignment in the command broke a model rule
            raise EditError(f"{command.label()}: {describe_validation_error(exc)}") from None
        before = _problems(self.project)
        after = project_problems(scratch)
        introduced = [p for p in after if p not in before]
        if introduced:
            raise EditError(
                f"{command.label()} would make the timeline invalid: " + "; ".join(summarised(introduced))
            )
        changes = diff_projects(self.project, scratch)
        if not changes:
            return EditResult(command.label(), self.project.revision, [], element_ids)
        # The changed elements are taken from the working copy as they are (already validated objects, owned by
        # no one else once the copy is dropped) rather than rebuilt from their JSON form.
        apply_changes(self.project, changes, {e.id: e for track in scratch.tracks for e in track.elements})
        self.project.history.done.append(
            HistoryEntry(command=command.model_dump(mode="json"), label=command.label(), changes=changes)
        )
        self.project.history.undone.clear()
        self.project.revision += 1
        _remember_problems(self.project, frozenset(after))  # the working copy's are now the project's
        return EditResult(command.label(), self.project.revision, changes, element_ids)

    def apply_all(self, commands: list[Command | dict]) -> list[EditResult]:
        return [self.apply(command) for command in commands]

    @property
    def can_undo(self) -> bool:
        return bool(self.project.history.done)

    @property
    def can_redo(self) -> bool:
        return bool(self.project.history.undone)

    def undo(self) -> EditResult:
        if not self.project.history.done:
            raise EditError("nothing to undo")
        entry = self.project.history.done.pop()
        inverse = invert_changes(entry.changes)
        apply_changes(self.project, inverse)
        self.project.history.undone.append(entry)
        self.project.revision += 1
        return EditResult(f"Undo {entry.label}", self.project.revision, inverse)

    def redo(self) -> EditResult:
        if not self.project.history.undone:
            raise EditError("nothing to redo")
        entry = self.project.history.undone.pop()
        apply_changes(self.project, entry.changes)
        self.project.history.done.append(entry)
        self.project.revision += 1
        return EditResult(f"Redo {entry.label}", self.project.revision, entry.changes)
