"""What is on screen and on air at a given time: pure functions over the project model."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from kijkocut.model import AdjustmentElement, ClipElement, MediaRef, TextElement, Track, Transition

VISUAL_TRACKS = ("video", "overlay", "text", "adjustment")


@dataclass(frozen=True)
class ActiveElement:
    track: Track
    element: ClipElement | TextElement | AdjustmentElement
    weight: Fraction  # transition weight: 1 outside transitions, k or 1-k inside one
    role: str  # "solo", "outgoing" or "incoming"
    transition: Transition | None = None  # the one it is part of

    @property
    def is_incoming(self) -> bool:
        return self.role == "incoming"

    @property
    def holds_edge(self) -> bool:
        """In a transition that holds the edge frame where the media runs out."""
        return self.transition is not None and self.transition.holds


def fade_factor(element: ClipElement | TextElement | AdjustmentElement, t: Fraction) -> Fraction:
    """Linear fade envelope: 0 at the element's start rising over fade_in, falling to 0 at its end."""
    factor = Fraction(1)
    if element.fade_in > 0:
        factor = min(factor, max(Fraction(0), (t - element.start) / element.fade_in))
    if element.fade_out > 0:
        factor = min(factor, max(Fraction(0), (element.end - t) / element.fade_out))
    return factor


def transition_at(
    track: Track, t: Fraction
) -> (
    tuple[
        Transition,
        ClipElement | TextElement | AdjustmentElement,
        ClipElement | TextElement | AdjustmentElement,
        Fraction,
    ]
    | None
):
    """The transition covering t on a track, its two elements and the incoming weight k in [0, 1)."""
    if not track.transitions:
        return None
    by_id = {e.id: e for e in track.elements}
    for transition in track.transitions:
        left, right = by_id.get(transition.from_id), by_id.get(transition.to_id)
        if left is None or right is None:
            continue
        begin, finish = transition.span(left.end)
        if begin <= t < finish:
            return transition, left, right, (t - begin) / transition.duration
    return None


def active_on_track(track: Track, t: Fraction) -> list[ActiveElement]:
    """Elements of one track at time t, bottom first (outgoing before incoming in a transition)."""
    found = transition_at(track, t)
    if found is not None:
        transition, left, right, k = found
        return [
            ActiveElement(track, left, 1 - k, "outgoing", transition),
            ActiveElement(track, right, k, "incoming", transition),
        ]
    for element in track.elements:
        if element.start <= t < element.end:
            return [ActiveElement(track, element, Fraction(1), "solo")]
        if element.start > t:
            break
    return []


def source_time(element: ClipElement, t: Fraction, frame_rate: Fraction) -> Fraction:
    """Media time shown at timeline time t (also beyond the element's edges, for transition handles)."""
    return element.media_time(t, 1 / frame_rate)


def held_media_time(media_t: Fraction, media: MediaRef) -> Fraction:
    """A media time kept within the file's pictures: before the first frame shows the first, past the last
    shows the last (a transition holding its edge frames)."""
    duration = media.info.duration
    if duration is None:  # a still: every time shows the picture
        return media_t
    video = media.info.video
    last_frame = duration - 1 / video.frame_rate if video is not None and video.frame_rate else duration
    return min(max(media_t, Fraction(0)), max(Fraction(0), last_frame))
