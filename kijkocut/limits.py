"""How much a project, a file and one request may hold. Every loader and front end checks these before work
that grows with them (frames to render, samples to allocate, cues to place, JSON to recurse into), so hostile
or broken input gets one clear line naming the field and the limit instead of a hang or an exhausted memory.

The numbers are far above real editing (a feature film has about 1,500 captions and a few hundred clips) and
far below what would take the machine down."""

from __future__ import annotations

from fractions import Fraction

# Time: any time value, and the end of the timeline.
MAX_SECONDS = 24 * 3600
MAX_TIME_CHARS = 1000  # a time written as text ("1001/30000", "2.5"); a longer one is not a time
MAX_TIME_EXPONENT = 30  # "1e300" would be a 301-digit number of seconds

# Frame rate of a timeline or an export.
MIN_FRAME_RATE = Fraction(1)
MAX_FRAME_RATE = Fraction(240)
MAX_FRAME_RATE_DENOMINATOR = 1_000_000  # 30000/1001 needs 1001; 1/1000000000 is not a rate

# Project files and their contents.
MAX_PROJECT_BYTES = 1024**3
MAX_JSON_DEPTH = 64  # a project nests about 15 deep (history → command → batch → element → keyframes)
MAX_ARGUMENT_DEPTH = 16  # a free-form value in one request (a property, effect parameters); a style nests 2
MAX_TRACKS = 1000
MAX_ELEMENTS = 200_000  # on all tracks together
MAX_MARKERS = 10_000
MAX_EFFECTS = 100  # on one element
MAX_KEYFRAMES = 10_000  # on one property
MAX_TEXT_CHARS = 10_000  # of one title or caption

# Caption files (one import).
MAX_CAPTION_BYTES = 16 * 1024**2
MAX_CAPTION_CUES = 100_000


def clock(seconds: Fraction | float) -> str:
    """Seconds as h:mm:ss for messages about lengths ('25:00:00')."""
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def size_text(size: int) -> str:
    """Bytes for messages about sizes ('16 MiB', '1 GiB')."""
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"
