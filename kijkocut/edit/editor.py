"""The Editor applies commands to a project and keeps its history. An edit either applies completely and
leaves a valid timeline, or raises `EditError` and leaves the project exactly as it was."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from kijkocut.edit.changes import apply_changes, diff_projects, invert_changes
from kijkocut.edit.commands import Command, command_from_dict
from kijkocut.errors import EditError
from kijkocut.model import Change, History, HistoryEntry, Project, Track
from kijkocut.validate import Checked, checked, summarised
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


# The problems of a project at a revision. An edit checks its working copy; once applied, those are the
# project's own problems, so the next edit starts from them, and re-checks only the tracks it changed (the rest
# keep theirs while the media pool, the settings and the track list stay as they were): on a long timeline a
# small edit no longer validates every element twice. Keyed by object and revision: any edit, undo or redo
# moves the revision on, and a project read again from its file is a new object.
_known_problems: dict[int, tuple[weakref.ref[Project], int, Checked]] = {}


def known_problems(project: Project) -> Checked:
    """The problems of the project as it stands, remembered from the edit that made this revision."""
    known = _known_problems.get(id(project))
    if known is not None and known[0]() is project and known[1] == project.revision:
        return known[2]
    problems = checked(project)
    _remember_problems(project, problems)
    return problems


def _remember_problems(project: Project, problems: Checked) -> None:
    key = id(project)
    ref = weakref.ref(project, lambda _ref: _known_problems.pop(key, None))
    _known_problems[key] = (ref, project.revision, problems)


def _unchanged_tracks(
    before: Project, before_problems: Checked, after: Project
) -> Callable[[Track], list[str] | None]:
    """`known` for `checked(after)`: a track's problems from before the edit when nothing they depend on
    changed. Working copies share the field values they did not reassign, so the comparisons below mostly
    meet the same objects and stop at identity."""
    if after.media != before.media or after.settings != before.settings:
        return lambda track: None
    if [(t.id, t.kind) for t in after.tracks] != [(t.id, t.kind) for t in before.tracks]:
        return lambda track: None
    old = {t.id: t for t in before.tracks}

    def known(track: Track) -> list[str] | None:
        previous = old.get(track.id)
        if previous is None or not _same_track(previous, track):
            return None
        return before_problems.by_track.get(track.id)

    return known


def _same_track(a: Track, b: Track) -> bool:
    fields = lambda t: {k: v for k, v in t.__dict__.items() if k not in ("elements", "transitions")}  # noqa: E731
    return (
        fields(a) == fields(b)
        and len(a.elements) == len(b.elements)
        and all(x.__dict__ == y.__dict__ for x, y in zip(a.elements, b.elements, strict=True))
        and len(a.transitions) == len(b.transitions)
        and all(x.__dict__ == y.__dict__ for x, y in zip(a.transitions, b.transitions, strict=True))
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
        before = known_problems(self.project)
        after = checked(scratch, _unchanged_tracks(self.project, before, scratch))
        known_before = set(before.all())
        introduced = [p for p in after.all() if p not in known_before]
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
        _remember_problems(self.project, after)  # the working copy's are now the project's
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
