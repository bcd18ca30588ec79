"""Appending one project to another: the second project's media, tracks, elements and transitions placed
after the end of the first (plus a gap), in one undo step.

Tracks are matched by id when the kinds agree, else the n-th track of a kind in the second project goes to the
n-th free track of that kind in the first, else a new track is added. Ids that collide with the first
project's get a numeric suffix. Media already in the pool (same file, same content) is reused; every file the
appended project names goes through the front end's path rule before it enters this one."""

from __future__ import annotations

from fractions import Fraction

from pydantic import Field

from kijkocut.edit.commands import AddElement, AddMedia, AddTrack, AddTransition, Command
from kijkocut.errors import KijkoCutError
from kijkocut.limits import MAX_PROJECT_BYTES
from kijkocut.model import Project
from kijkocut.paths import project_paths
from kijkocut.project_io import project_from_json
from kijkocut.service import lookup
from kijkocut.service.actions import ActionContext, Params, Plan, action
from kijkocut.service.errors import ServiceError
from kijkocut.service.times import TimeArg, parse_time


class AppendProjectParams(Params):
    project_json: str = Field(
        min_length=2,
        max_length=MAX_PROJECT_BYTES,
        description=("the project to append, as KijkoCut project JSON; its media paths must be absolute"),
    )
    gap: TimeArg = Field("0", description="time between the end of this timeline and the appended one")


def _fresh(wanted: str, taken: set[str]) -> str:
    candidate, number = wanted, 2
    while candidate in taken:
        candidate, number = f"{wanted}_{number}", number + 1
    taken.add(candidate)
    return candidate


def _matched_tracks(first: Project, second: Project, taken: set[str]) -> tuple[dict[str, str], list[Command]]:
    mapping: dict[str, str] = {}
    commands: list[Command] = []
    first_by_id = {t.id: t for t in first.tracks}
    used: set[str] = set()
    unmatched = []
    for track in second.tracks:
        same = first_by_id.get(track.id)
        if same is not None and same.kind == track.kind:
            mapping[track.id] = same.id
            used.add(same.id)
        else:
            unmatched.append(track)
    for track in unmatched:
        free = next((t for t in first.tracks if t.kind == track.kind and t.id not in used), None)
        if free is not None:
            mapping[track.id] = free.id
            used.add(free.id)
        else:
            new_id = _fresh(track.id, taken)
            commands.append(AddTrack(kind=track.kind, track_id=new_id, name=track.name or new_id))
            mapping[track.id] = new_id
    return mapping, commands


def _appended(text: str, ctx: ActionContext) -> Project:
    """The project to append, with its media at confined real paths and its effect files checked."""
    try:
        second = project_from_json(text)
    except KijkoCutError as exc:
        raise ServiceError(f"project_json: {exc}") from None
    for path in project_paths(second):
        if path.kind == "effect":  # fonts are checked when rendering: a family name is no path
            ctx.path(path.value)
    for ref in second.media.values():
        ref.path = str(ctx.path(ref.path))
    return second


@action(
    "append_project",
    "Append project",
    AppendProjectParams,
    changes="adds the other project's media, tracks, elements and transitions after the end",
)
def append_project(project: Project, p: AppendProjectParams, ctx: ActionContext) -> Plan:
    """Append another project after the end of this timeline (plus a gap): its media, tracks, elements and
    transitions, with colliding ids renamed."""
    gap = parse_time(p.gap, project.settings.frame_rate, what="gap")
    if gap < 0:
        raise ServiceError(f"gap must not be negative, got {float(gap):.3f} s")
    second = _appended(p.project_json, ctx)
    offset: Fraction = project.duration() + gap
    taken = (
        {t.id for t in project.tracks}
        | {e.id for t in project.tracks for e in t.elements}
        | {x.id for t in project.tracks for x in t.transitions}
    )
    commands: list[Command] = []

    media_ids: dict[str, str] = {}
    pool = dict(project.media)
    for media_id, ref in second.media.items():
        existing = lookup.pooled(pool, ref)
        if existing is not None:
            media_ids[media_id] = existing.id
            continue
        new_id = _fresh(media_id, set(pool))
        pool[new_id] = ref.model_copy(update={"id": new_id})
        media_ids[media_id] = new_id
        commands.append(AddMedia(media=pool[new_id]))

    track_ids, track_commands = _matched_tracks(project, second, taken)
    commands += track_commands
    element_ids: dict[str, str] = {}
    for track in second.tracks:
        for element in track.elements:
            element_ids[element.id] = _fresh(element.id, taken)
            update: dict = {"id": element_ids[element.id], "start": element.start + offset}
            if element.kind == "clip":
                update["media_id"] = media_ids[element.media_id]
            moved = element.model_copy(update=update)
            commands.append(AddElement(track_id=track_ids[track.id], element=moved, mode="strict"))
    for track in second.tracks:
        for transition in track.transitions:
            commands.append(
                AddTransition(
                    from_id=element_ids[transition.from_id],
                    to_id=element_ids[transition.to_id],
                    kind=transition.kind,
                    duration=transition.duration,
                    alignment=transition.alignment,
                    audio=transition.audio,
                    transition_id=_fresh(transition.id, taken),
                )
            )
    return Plan(commands, created={"element_ids": element_ids}, title=f"Append {second.name}")
