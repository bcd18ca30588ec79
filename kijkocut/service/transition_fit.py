"""Fitting a transition to the media at a cut, the editors' three ways:
- "media": show the media beyond the clips' edges (handles); it must exist.
- "overlap" (Final Cut): trim each clip by what the transition reaches into its neighbour's side, so both gain
  that much media beyond the cut; the incoming clip and everything after it on the track move left, and the
  track gets the transition's length shorter (other tracks move too only when asked: `all_tracks`).
- "hold" (Premiere): show the media beyond the edges while it lasts, then hold the first or last frame; the
  sound is silent where the media runs out (a held sample is a click, not sound).
"auto" uses the media when there is enough, else overlaps when the clips are long enough, else says which
options exist and what each would do. Pure functions over the model."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from kijkocut.model import AdjustmentElement, ClipElement, Project, TextElement, Transition, TransitionHandles
from kijkocut.service.errors import ServiceError
from kijkocut.validate import media_shortfall

Fit = Literal["auto", "media", "overlap", "hold"]
Side = ClipElement | TextElement | AdjustmentElement  # an element on either side of the cut
FIT_HELP = (
    "what shows past the clips' edges: 'media' (the media there, which must exist), 'overlap' (both clips "
    "trimmed to gain it; later elements move left by the transition's length), 'hold' (the media while it "
    "lasts, then the edge frame and silence) or 'auto' (media where there is enough, else overlap)"
)


@dataclass(frozen=True)
class FitPlan:
    """How a transition fits its cut: the handles it uses and what each clip gives up to an overlap."""

    fit: Literal["media", "overlap", "hold"]
    handles: TransitionHandles
    trim_incoming: Fraction = Fraction(0)  # from the incoming clip's start
    trim_outgoing: Fraction = Fraction(0)  # from the outgoing clip's end

    @property
    def shortened_by(self) -> Fraction:
        return self.trim_incoming + self.trim_outgoing


def plan_fit(
    project: Project, left: Side, right: Side, wanted: Transition, fit: Fit, current: Transition | None = None
) -> FitPlan:
    """How `wanted`, a transition from `left` to `right`, fits their cut. `current` is the transition being
    changed: a holding one keeps holding under "auto", and an overlap trims only what the change adds to the
    media it already reaches. Raises a ServiceError naming the options when the chosen fit cannot work."""
    if project.find_element(left.id)[0] is not project.find_element(right.id)[0]:
        raise ServiceError(
            f"{left.id} and {right.id} are on different tracks: a transition blends two clips "
            f"that meet at a cut on one track"
        )
    if left.end != right.start:
        raise ServiceError(
            f"{left.id} ends at {float(left.end):.3f} s but {right.id} starts at "
            f"{float(right.start):.3f} s: a transition needs two clips that meet at a cut"
        )
    names = _names(project, left, right)
    reach = _reach_problem(project, left, right, wanted, names)
    if reach is not None:
        raise ServiceError(reach)
    if fit == "hold" or (fit == "auto" and current is not None and current.holds):
        return FitPlan("hold", "hold")
    if fit in ("media", "auto") and _media_reaches(project, left, right, wanted):
        return FitPlan("media", "media")
    trims = _overlap_trims(wanted, current)
    overlap_problem = _overlap_problem(left, right, wanted, trims, names)
    if overlap_problem is None and fit in ("overlap", "auto"):
        return FitPlan("overlap", "media", *trims)
    if fit == "overlap":
        longest = _longest_overlap(project, left, right, wanted, current)
        shorter = f" or an overlap of at most {_secs(longest)} s" if longest > 0 else ""
        raise ServiceError(
            f"fit='overlap' cannot make a {_secs(wanted.duration)} s transition here: "
            f"{overlap_problem}; use fit='hold' (the edge frames are held){shorter}"
        )
    raise ServiceError(_not_enough_media(project, left, right, wanted, trims, overlap_problem, names))


def _media_reaches(project: Project, left: Side, right: Side, wanted: Transition) -> bool:
    begin, finish = wanted.span(left.end)
    return all(media_shortfall(project, element, begin, finish) == (0, 0) for element in (left, right))


def _overlap_trims(wanted: Transition, current: Transition | None) -> tuple[Fraction, Fraction]:
    """(incoming, outgoing) trims: what the transition reaches past each edge, less what a current transition
    with media handles already reaches (its media exists)."""
    need_before, need_after = wanted.needs()
    if current is None or current.holds:
        return need_before, need_after
    had_before, had_after = current.needs()
    return max(Fraction(0), need_before - had_before), max(Fraction(0), need_after - had_after)


def _reach_problem(
    project: Project, left: Side, right: Side, wanted: Transition, names: tuple[str, str]
) -> str | None:
    """A transition covers part of each clip's own range; it cannot reach past the clips' far edges."""
    need_before, need_after = wanted.needs()
    too_short = [
        (name, element.duration, need)
        for name, element, need in ((names[0], left, need_before), (names[1], right, need_after))
        if need > element.duration
    ]
    if not too_short:
        return None
    name, length, need = too_short[0]
    longest = _longest(project, wanted, (left.duration, right.duration))
    return (
        f"a {_secs(wanted.duration)} s transition {_placed(wanted)} reaches {_secs(need)} s into {name}, "
        f"which is {_secs(length)} s long; use a transition of at most {_secs(longest)} s"
    )


def _overlap_problem(
    left: Side, right: Side, wanted: Transition, trims: tuple[Fraction, Fraction], names: tuple[str, str]
) -> str | None:
    """After the overlap each clip keeps something and still spans its part of the transition."""
    trim_in, trim_out = trims
    need_before, need_after = wanted.needs()
    sides = ((names[0], left, trim_out, need_before), (names[1], right, trim_in, need_after))
    for name, element, trim, need in sides:
        if element.duration <= trim:
            return (
                f"it would trim {_secs(trim)} s from {name}, which is only {_secs(element.duration)} s long"
            )
        if element.duration < trim + need:
            return (
                f"it trims {_secs(trim)} s from {name} ({_secs(element.duration)} s long), leaving "
                f"{_secs(element.duration - trim)} s where the transition needs {_secs(need)} s"
            )
    return None


def _longest_overlap(
    project: Project, left: Side, right: Side, wanted: Transition, current: Transition | None
) -> Fraction:
    """The longest transition on the frame grid an overlap can make (0 when none): each clip must keep what the
    transition covers of it after giving up its neighbour's handle."""
    step = 1 / project.settings.frame_rate
    length = Fraction(int(min(left.duration, right.duration) / step)) * step
    for _ in range(3):  # the strict "keeps something" rule costs at most a frame or two
        candidate = wanted.model_copy(update={"duration": length})
        trims = _overlap_trims(candidate, current)
        if length <= 0 or _overlap_problem(left, right, candidate, trims, ("", "")) is None:
            break
        length -= step
    return max(Fraction(0), length)


def _not_enough_media(
    project: Project,
    left: Side,
    right: Side,
    wanted: Transition,
    trims: tuple[Fraction, Fraction],
    overlap_problem: str | None,
    names: tuple[str, str],
) -> str:
    need_before, need_after = wanted.needs()
    room_before, room_after = _room(project, right)[0], _room(project, left)[1]
    rooms = []
    if need_after and room_after is not None:
        rooms.append(f"{names[0]} has {_room_text(room_after)} after its out point")
    if need_before and room_before is not None:
        rooms.append(f"{names[1]} has {_room_text(room_before)} before its in point")
    options = []
    if overlap_problem is None:
        options.append(
            f"fit='overlap' (the clips are trimmed so they gain that media, and the track gets "
            f"{_secs(sum(trims, Fraction(0)))} s shorter)"
        )
    options.append(
        "fit='hold' (the edge frames are held where the media runs out, the sound is silent there)"
    )
    longest = _longest(project, wanted, (left.duration, right.duration), (room_before, room_after))
    if longest > 0:
        options.append(f"a transition of at most {_secs(longest)} s")
    choices = options[0] if len(options) == 1 else f"{', '.join(options[:-1])} or {options[-1]}"
    message = (
        f"not enough media beyond the cut for a {_secs(wanted.duration)} s transition: "
        f"{', '.join(rooms)}; use {choices}"
    )
    if overlap_problem is not None:
        message += f" (fit='overlap' cannot: {overlap_problem})"
    return message


def _longest(
    project: Project,
    wanted: Transition,
    lengths: tuple[Fraction, Fraction],
    rooms: tuple[Fraction | None, Fraction | None] = (None, None),
) -> Fraction:
    """The longest transition of this alignment, on the frame grid, that the clips (and their media) allow:
    the part before the cut lies in the outgoing clip and the incoming one's handle, the part after it in the
    incoming clip and the outgoing one's handle."""
    share_before, share_after = wanted.model_copy(update={"duration": Fraction(1)}).needs()
    limits = [lengths[0] / share_before] if share_before else []
    limits += [lengths[1] / share_after] if share_after else []
    limits += [
        room / share for room, share in zip(rooms, (share_before, share_after)) if room is not None and share
    ]
    rate = project.settings.frame_rate
    return Fraction(int(min(limits) * rate), 1) / rate


def _room(project: Project, element: Side) -> tuple[Fraction | None, Fraction | None]:
    if not isinstance(element, ClipElement) or element.media_id not in project.media:
        return None, None
    return element.handle_room(project.media[element.media_id].info.duration)


def _names(project: Project, left: Side, right: Side) -> tuple[str, str]:
    """How messages name the two clips: their names (the file's, for clips), with ids when those are alike."""
    names = (_name(project, left), _name(project, right))
    if names[0] == names[1]:
        return f"{names[0]} ({left.id})", f"{names[1]} ({right.id})"
    return names


def _name(project: Project, element: Side) -> str:
    if element.name:
        return element.name
    if isinstance(element, ClipElement) and element.media_id in project.media:
        media = project.media[element.media_id]
        return media.name or media.id
    if isinstance(element, TextElement):
        return f"title {element.text[:20]!r}"
    return element.id


def _placed(transition: Transition) -> str:
    return {"center": "centred on the cut", "start": "starting at the cut", "end": "ending at the cut"}[
        transition.alignment
    ]


def _room_text(seconds: Fraction) -> str:
    return f"{float(seconds):.2f} s" if seconds > 0 else "none"


def _secs(value: Fraction) -> str:
    return f"{float(value):.3f}".rstrip("0").rstrip(".")
