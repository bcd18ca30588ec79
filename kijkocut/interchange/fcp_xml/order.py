"""FCP 7 XML in the element order Final Cut Pro writes it, each element once. The adapter writes an item's metadata (where KijkoCut
puts filters, transition effects and track flags) in key order, before the elements it adds itself; some
readers of xmeml expect the DTD's order (a clipitem's name first, its filters after its timing and file)."""

from __future__ import annotations

from xml.etree import ElementTree

from kijkocut.interchange.fcp_xml.retime import retime

ORDER = {
    "sequence": ("name", "duration", "rate", "timecode", "in", "out", "media", "marker"),
    "track": ("clipitem", "generatoritem", "transitionitem", "enabled", "locked"),
    "clipitem": (
        "name",
        "enabled",
        "duration",
        "rate",
        "start",
        "end",
        "in",
        "out",
        "file",
        "sourcetrack",
        "compositemode",
        "filter",
        "marker",
    ),
    "generatoritem": ("name", "enabled", "duration", "rate", "start", "end", "in", "out", "effect", "filter"),
    "transitionitem": ("start", "end", "alignment", "rate", "effect"),
    "file": ("name", "pathurl", "rate", "duration", "timecode", "media"),
    "effect": (
        "name",
        "effectid",
        "effectcategory",
        "effecttype",
        "mediatype",
        "wipecode",
        "wipeaccuracy",
        "startratio",
        "endratio",
        "reverse",
        "parameter",
    ),
    "parameter": ("parameterid", "name", "valuemin", "valuemax", "value", "keyframe"),
    "keyframe": ("when", "value"),
    "samplecharacteristics": ("width", "height", "depth", "samplerate"),
}
SAME_RANK = {"track": {"clipitem": 0, "generatoritem": 0, "transitionitem": 0}}  # a track's items keep order


def _rank(parent: str, tag: str) -> int:
    same = SAME_RANK.get(parent, {})
    if tag in same:
        return same[tag]
    order = ORDER[parent]
    return order.index(tag) if tag in order else len(order)  # what FCP does not list stays, after the rest


def _same(a: ElementTree.Element, b: ElementTree.Element) -> bool:
    return ElementTree.tostring(a) == ElementTree.tostring(b)


def finish(xml: str) -> str:
    """What the adapter wrote, with retimed clips' out points (`retime`) and in FCP's element order."""
    root = ElementTree.fromstring(xml)
    retime(root)
    return in_fcp_order(root)


def in_fcp_order(root: ElementTree.Element) -> str:
    for element in root.iter():
        if element.tag in ORDER and len(element):
            children = sorted(element, key=lambda child: _rank(element.tag, child.tag))  # stable
            element[:] = [
                child
                for index, child in enumerate(children)  # the adapter writes a clip's rate twice
                if not (index and child.tag == "rate" and _same(child, children[index - 1]))
            ]
    ElementTree.indent(root, space="    ")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n'
        + ElementTree.tostring(root, encoding="unicode")
        + "\n"
    )
