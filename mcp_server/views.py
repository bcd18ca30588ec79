"""Engine model → compact tool views (see `schemas`)."""

from __future__ import annotations

from kijkocut.edit import EditResult
from kijkocut.model import AdjustmentElement, ClipElement, MediaRef, Project, TextElement, Track
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
    view = ElementView(id=element.id, kind=element.kind, track_id=track_id, start=secs(element.start),
                       end=secs(element.end), name=element.name, fade_in=secs(element.fade_in),
                       fade_out=secs(element.fade_out), blend_mode=element.blend_mode,
                       effects=[EffectView(id=e.id, kind=e.kind, enabled=e.enabled, params=e.params)
                                for e in element.effects],
                       animated=sorted(element.keyframes))
    if isinstance(element, ClipElement):
        view.media_id, view.source_in = element.media_id, secs(element.source_in)
        view.speed, view.reverse, view.freeze_frame = element.speed, element.reverse, element.freeze_frame
        view.audio_muted = element.audio_muted
    elif isinstance(element, TextElement):
        view.text = element.text
    return view


def track_view(track: Track) -> TrackView:
    return TrackView(
        id=track.id, kind=track.kind, name=track.name, muted=track.muted, solo=track.solo, hidden=track.hidden,
        locked=track.locked, ducked_under=track.ducking.under_track_id if track.ducking else None,
        elements=[element_view(e, track.id) for e in track.elements],
        transitions=[TransitionView(id=x.id, kind=x.kind, from_id=x.from_id, to_id=x.to_id, audio=x.audio,
                                    duration=secs(x.duration), alignment=x.alignment) for x in track.transitions])


def media_view(media: MediaRef, workspace: Workspace | None = None) -> MediaView:
    info = media.info
    video = info.video
    return MediaView(
        id=media.id, name=media.name, path=workspace.display(media.path) if workspace else media.path,
        kind=info.kind, duration=secs(info.duration), width=info.width, height=info.height,
        frame_rate=secs(video.frame_rate) if video and video.frame_rate else None,
        has_audio=info.audio is not None, video_codec=video.codec if video else None,
        size_bytes=info.size_bytes, warnings=info.warnings)


def _header(project: Project) -> dict:
    settings = project.settings
    return {"id": project.id, "name": project.name, "revision": project.revision,
            "duration": secs(project.duration()), "width": settings.width, "height": settings.height,
            "frame_rate": secs(settings.frame_rate)}


def project_summary(project: Project) -> ProjectSummary:
    return ProjectSummary(**_header(project), tracks=len(project.tracks), media=len(project.media),
                          elements=sum(len(t.elements) for t in project.tracks))


def project_view(project: Project, workspace: Workspace | None = None) -> ProjectView:
    return ProjectView(**_header(project), can_undo=bool(project.history.done),
                       can_redo=bool(project.history.undone), tracks=[track_view(t) for t in project.tracks],
                       media=[media_view(m, workspace) for m in project.media.values()])


MAX_LISTED_ELEMENTS = 200


def edit_outcome(project: Project, results: list[EditResult], **extra: str) -> EditOutcome:
    """Fold one or more engine results (e.g. add-track then add-element) into what the model needs to see:
    the elements as they now are, the ids that are gone, and the new revision."""
    touched: dict[str, None] = {}
    tracks_created: list[str] = []
    for result in results:
        for change in result.changes:
            if change.entity == "element":
                touched[change.id] = None
            elif change.entity == "track" and change.before is None and change.after is not None:
                tracks_created.append(change.id)
        for element_id in result.element_ids:
            touched[element_id] = None
    changed, removed, not_listed = [], [], 0
    # One index, not a search of the timeline per element: a caption import touches thousands. A bulk edit
    # lists the first elements only (100,000 captions made a 50 MB answer no model could read).
    placed = {element.id: (track.id, element) for track in project.tracks for element in track.elements}
    for element_id in touched:
        if len(changed) + len(removed) >= MAX_LISTED_ELEMENTS:
            not_listed += 1
        elif element_id not in placed:
            removed.append(element_id)
        else:
            track_id, element = placed[element_id]
            changed.append(element_view(element, track_id))
    label = " + ".join(r.label for r in results) or "no change"
    return EditOutcome(project_id=project.id, revision=project.revision, label=label, changed=changed,
                       removed=removed, not_listed=not_listed, tracks_created=tracks_created,
                       duration=secs(project.duration()), **extra)
