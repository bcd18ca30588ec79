"""Where the nodes of an example workflow go: one titled group per stage, its nodes stacked in columns, the
groups in rows chosen so the whole graph shows as large as possible when fitted to a screen. Pure geometry:
node sizes come from /object_info definitions, nothing is read or written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

NODE_WIDTH = 330
SLOT_HEIGHT = 20  # LiteGraph.NODE_SLOT_HEIGHT: one row of sockets
WIDGET_HEIGHT = 24  # LiteGraph.NODE_WIDGET_HEIGHT plus the spacing below it
MULTILINE_HEIGHT = 84  # a multiline text box
UPLOAD_HEIGHT = 24  # the upload button under a file combo
NODE_TITLE = 30  # drawn above a node's position
NOTE_CHARACTERS_PER_LINE = 42  # of a note's text at the node width
PREVIEW_HEIGHT = 260  # room for the video an output node shows after a run
GROUP_TITLE = 50  # a group's title bar at font size 24
PADDING = 20
GAP = 36  # between nodes in a column, and between columns
GROUP_GAP = 70
COLUMN_HEIGHTS = (700, 900, 1100, 1300, 1500)  # tried as a column's height before the next column starts
ROW_PENALTY = 0.8  # a second row of groups must show the graph 25% larger to be chosen (reading goes right)
VIEWPORT = (1600, 900)  # the canvas area of a 1920x1080 screen, under the frontend's bars
WIDGET_TYPES = {"INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"}


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom
        )

    def contains(self, other: Box) -> bool:
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.right <= self.right
            and other.bottom <= self.bottom
        )


def node_box(position: Sequence[float], size: Sequence[float]) -> Box:
    """A node's outline with its title bar (LiteGraph's position is the body's top-left corner)."""
    return Box(position[0], position[1] - NODE_TITLE, size[0], size[1] + NODE_TITLE)


def node_height(definition: dict[str, Any]) -> int:
    """The body height the frontend gives a node: socket rows, then one row per widget."""
    widgets = sockets = 0
    extra = 0
    for section in ("required", "optional"):
        for spec in (definition.get("input", {}).get(section) or {}).values():
            kind = "COMBO" if isinstance(spec[0], list) else spec[0]
            options = spec[1] if len(spec) > 1 and isinstance(spec[1], dict) else {}
            if kind not in WIDGET_TYPES:
                sockets += 1
                continue
            widgets += 1
            if options.get("multiline"):
                extra += MULTILINE_HEIGHT - WIDGET_HEIGHT
            if any(key.endswith("_upload") and value for key, value in options.items()):
                extra += UPLOAD_HEIGHT
    rows = max(sockets, len(definition.get("output", [])), 1)
    if definition.get("output_node") and "VIDEO" in definition.get("output", []):
        extra += PREVIEW_HEIGHT
    return rows * SLOT_HEIGHT + widgets * WIDGET_HEIGHT + extra + 14


def note_height(text: str) -> int:
    lines = sum(len(paragraph) // NOTE_CHARACTERS_PER_LINE + 1 for paragraph in text.split("\n"))
    return 40 + 20 * lines


def columns(heights: dict[int, int], limit: int) -> list[list[int]]:
    """Node ids in columns, in order, each at most `limit` tall (a taller node gets a column alone)."""
    stacked: list[list[int]] = [[]]
    used = 0
    for node, height in heights.items():
        needed = height + NODE_TITLE + (GAP if stacked[-1] else 0)
        if stacked[-1] and used + needed > limit:
            stacked.append([])
            used, needed = 0, height + NODE_TITLE
        stacked[-1].append(node)
        used += needed
    return stacked


@dataclass(frozen=True)
class StageLayout:
    columns: list[list[int]]
    width: float
    height: float


def stage_layout(heights: dict[int, int], limit: int) -> StageLayout:
    stacked = columns(heights, limit)
    tallest = max(
        sum(heights[node] + NODE_TITLE for node in column) + GAP * (len(column) - 1) for column in stacked
    )
    width = len(stacked) * NODE_WIDTH + (len(stacked) - 1) * GAP + 2 * PADDING
    return StageLayout(stacked, width, tallest + GROUP_TITLE + 2 * PADDING)


def _rows(stages: list[StageLayout], per_row: int) -> list[tuple[float, float]]:
    """Top-left corners of the groups, `per_row` groups a row."""
    corners = []
    y = 0.0
    for start in range(0, len(stages), per_row):
        row = stages[start : start + per_row]
        x = 0.0
        for stage in row:
            corners.append((x, y))
            x += stage.width + GROUP_GAP
        y += max(stage.height for stage in row) + GROUP_GAP
    return corners


def fitted_scale(bounds: Box) -> float:
    return min(VIEWPORT[0] / bounds.width, VIEWPORT[1] / bounds.height)


def bounds_of(boxes: Sequence[Box]) -> Box:
    left, top = min(box.x for box in boxes), min(box.y for box in boxes)
    return Box(left, top, max(box.right for box in boxes) - left, max(box.bottom for box in boxes) - top)


@dataclass(frozen=True)
class Layout:
    groups: list[Box]  # one per stage, in order
    positions: dict[int, tuple[float, float]]  # node id -> LiteGraph position (body top-left)


def arrange(stages_heights: list[dict[int, int]]) -> Layout:
    """The column height and number of rows of groups that show the fitted graph largest, a row more only
    when it pays (see ROW_PENALTY); on a tie, fewer rows and shorter columns."""
    best: tuple[float, list[StageLayout], list[tuple[float, float]]] | None = None
    for limit in COLUMN_HEIGHTS:
        stages = [stage_layout(heights, limit) for heights in stages_heights]
        for per_row in range(len(stages), 0, -1):
            corners = _rows(stages, per_row)
            rows = -(-len(stages) // per_row)
            bounds = bounds_of([Box(x, y, s.width, s.height) for (x, y), s in zip(corners, stages)])
            score = fitted_scale(bounds) * ROW_PENALTY ** (rows - 1)
            if best is None or score > best[0] + 1e-9:
                best = (score, stages, corners)
    assert best is not None
    _, stages, corners = best
    groups, positions = [], {}
    for (x, y), stage, heights in zip(corners, stages, stages_heights):
        groups.append(Box(x, y, stage.width, stage.height))
        for index, column in enumerate(stage.columns):
            top = y + GROUP_TITLE + PADDING + NODE_TITLE
            for node in column:
                positions[node] = (x + PADDING + index * (NODE_WIDTH + GAP), top)
                top += heights[node] + GAP + NODE_TITLE
    return Layout(groups, positions)
