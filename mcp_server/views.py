"""Engine model → compact tool views (see `schemas`)."""

from __future__ import annotations

from fractions import Fraction

from pydantic import TypeAdapter

from kijkocut.model import (
    AdjustmentElement,
    Change,
    ClipElement,
    Ducking,
    Element,
    MediaRef,
    Project,
    TextElement,
    TextStyle,
    Track,
)
from kijkocut.service.actions import EditResult
from mcp_server.schemas import (
    EditOutcome,
    EffectView,
    ElementView,
    MediaView,
    ProjectSummary,
    ProjectView,
    TrackView,
    TransitionView,
    secs,
)
from mcp_server.workspace import Workspace


def element_view(element: ClipElement | TextElement | AdjustmentElement, track_id: str) -> ElementView:
    view = ElementView(
        id=element.id,
        kind=element.kind,
        track_id=track_id,
        start=secs(element.start),
        end=secs(element.end),
        name=element.name,
        fade_in=secs(element.fade_in),
        fade_out=secs(element.fade_out),
        blend_mode=element.blend_mode,
        effects=[
            EffectView(id=e.id, kind=e.kind, enabled=e.enabled, params=e.params) for e in element.effects
        ],
        animated=sorted(element.keyframes),
    )
    if isinstance(element, ClipElement):
        view.media_id, view.source_in = element.media_id, secs(element.source_in)
        view.speed, view.reverse, view.freeze_frame = element.speed, element.reverse, element.freeze_frame
        view.audio_muted = element.audio_muted
        view.gain_db, view.pan = element.gain_db or None, element.pan or None
    elif isinstance(element, TextElement):
        view.text = element.text
        view.style = style_view(element.style)
    return view


def style_view(style: TextStyle) -> dict[str, str | float | bool]:
    """The style fields a title sets (the defaults left out, times in seconds): what an edit changed."""
    changed = style.model_dump(exclude_defaults=True, exclude_none=True)
    # Read from the style itself: the dump writes a time as its fraction text ('2/5'). Whole numbers (a font
    # size) go out as numbers of the view's one number type.
    return {name: _style_value(getattr(style, name), value) for name, value in changed.items()}


def _style_value(field: object, dumped: str | float | bool) -> str | float | bool:
    if isinstance(field, Fraction):
        return secs(field)
    return float(dumped) if isinstance(dumped, int) and not isinstance(dumped, bool) else dumped


def ducking_view(ducking: Ducking | None) -> dict[str, float]:
    if ducking is None:
        return {}
    return {
        "amount_db": ducking.amount_db,
        "threshold_db": ducking.threshold_db,
        "attack": secs(ducking.attack),
        "release": secs(ducking.release),
    }


def track_view(track: Track) -> TrackView:
    return TrackView(
        id=track.id,
        kind=track.kind,
        name=track.name,
        muted=track.muted,
        solo=track.solo,
        hidden=track.hidden,
        locked=track.locked,
        ducked_under=track.ducking.under_track_id if track.ducking else None,
        ducking=ducking_view(track.ducking),
        elements=[element_view(e, track.id) for e in track.elements],
        transitions=[
            TransitionView(
                id=x.id,
                kind=x.kind,
                from_id=x.from_id,
                to_id=x.to_id,
                audio=x.audio,
                duration=secs(x.duration),
                alignment=x.alignment,
            )
            for x in track.transitions
        ],
    )


def media_view(media: MediaRef, workspace: Workspace | None = None) -> MediaView:
    info = media.info
    video = info.video
    return MediaView(
        id=media.id,
        name=media.name,
        path=workspace.display(media.path) if workspace else media.path,
        kind=info.kind,
        duration=secs(info.duration),
        width=info.width,
        height=info.height,
        frame_rate=secs(video.frame_rate) if video and video.frame_rate else None,
        has_audio=info.audio is not None,
        video_codec=video.codec if video else None,
        size_bytes=info.size_bytes,
        warnings=info.warnings,
    )


def _header(project: Project) -> dict:
    settings = project.settings
    return {
        "id": project.id,
        "name": project.name,
        "revision": project.revision,
        "duration": secs(project.duration()),
        "width": settings.width,
        "height": settings.height,
        "frame_rate": secs(settings.frame_rate),
    }


def project_summary(project: Project) -> ProjectSummary:
    return ProjectSummary(
        **_header(project),
        tracks=len(project.tracks),
        media=len(project.media),
        elements=sum(len(t.elements) for t in project.tracks),
    )


def project_view(project: Project, workspace: Workspace | None = None) -> ProjectView:
    return ProjectView(
        **_header(project),
        can_undo=bool(project.history.done),
        can_redo=bool(project.history.undone),
        tracks=[track_view(t) for t in project.tracks],
        media=[media_view(m, workspace) for m in project.media.values()],
    )


MAX_LISTED_ELEMENTS = 200
_ELEMENT: TypeAdapter[ClipElement | TextElement | AdjustmentElement] = TypeAdapter(Element)


def edit_outcome(result: EditResult, project: Project, **ids: str | None) -> EditOutcome:
    """What the model needs to see of an edit (or an undo): the elements it changed as the edit left them,
    the ids that are gone, the new revision and the ids it created (`ids`). Built from the edit's own changes,
    so another client's later edit never shows up in it."""
    after: dict[str, Change] = {}
    tracks_created: list[str] = []
    tracks_changed: list[str] = []
    for change in result.changes:
        if change.entity == "element":
            after[change.id] = change
        elif change.entity == "track" and change.before is None and change.after is not None:
            tracks_created.append(change.id)
        elif change.entity == "track" and change.after is not None:
            tracks_changed.append(change.id)
    changed, removed = [], []
    # A bulk edit lists the first elements only (100,000 captions made a 50 MB answer no model could read).
    for change in list(after.values())[:MAX_LISTED_ELEMENTS]:
        if isinstance(change.after, dict):
            changed.append(element_view(_ELEMENT.validate_python(change.after), change.track_id or ""))
        else:
            removed.append(change.id)
    # Elements the edit is about without changing them (the two sides of a new transition), as they are.
    about = [i for i in dict.fromkeys(result.element_ids) if i not in after][
        : MAX_LISTED_ELEMENTS - len(changed)
    ]
    if about:
        placed = {e.id: (t.id, e) for t in project.tracks for e in t.elements}
        changed += [element_view(placed[i][1], placed[i][0]) for i in about if i in placed]
    return EditOutcome(
        project_id=project.id,
        revision=result.revision,
        label=result.label,
        changed=changed,
        removed=removed,
        not_listed=max(0, len(after) - MAX_LISTED_ELEMENTS),
        tracks_created=tracks_created,
        duration=secs(project.duration()),
        tracks_changed=[
            track_view(t).model_copy(update={"elements": [], "transitions": []})
            for t in project.tracks
            if t.id in tracks_changed
        ],
        **{name: value for name, value in ids.items() if value},
    )
