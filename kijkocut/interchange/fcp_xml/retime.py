"""Out points of retimed clips. OTIO's adapter writes a clipitem's `out` as its `in` plus its length on the
timeline (and the handles a transition uses); at another speed the clip reads that many frames times the speed
of its media, which is what FCP 7 expects between `in` and `out` beside a Time Remap filter."""

from __future__ import annotations

from xml.etree import ElementTree

ITEMS = ("clipitem", "generatoritem")


def _speed(item: ElementTree.Element) -> float | None:
    for parameter in item.iterfind("filter/effect[effectid='timeremap']/parameter"):
        if parameter.findtext("parameterid") == "speed":
            try:
                return abs(float(parameter.findtext("value") or "100")) / 100
            except ValueError:
                return None
    return None


def retime(root: ElementTree.Element) -> None:
    """Stretch each retimed clipitem's source span in place."""
    for tag in ITEMS:
        for item in root.iter(tag):
            speed = _speed(item)
            first, last = item.find("in"), item.find("out")
            if speed is None or speed == 1 or first is None or last is None:
                continue
            start, end = int(first.text or 0), int(last.text or 0)
            last.text = str(start + round((end - start) * speed))
