"""The offline brain's rules: a brief read into fields, then a VRD, a script and a shot list written from those
fields and the template's beats, in the brief's language (en, nl, de, fr, es). Deterministic: the same brief
and notes give the same artefacts. Reviewer notes written as `key: value` lines (`length: 20`,
`cta: Book a test ride`) override the brief's fields, so a rejection with notes changes the draft."""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agents import notes as review
from agents.phrases import PHRASES, detect_language

KEY_ALIASES: dict[str, tuple[str, ...]] = {
    "product": ("product", "produkt", "produit", "producto", "brand", "merk", "marke", "marque", "marca"),
    "audience": ("audience", "target audience", "doelgroep", "zielgruppe", "public", "publico", "cible"),
    "problem": ("problem", "probleem", "probleme", "problema", "pain point"),
    "benefit": (
        "benefit",
        "key message",
        "message",
        "core message",
        "voordeel",
        "boodschap",
        "vorteil",
        "botschaft",
        "benefice",
        "beneficio",
        "mensaje",
    ),
    "cta": (
        "call to action",
        "cta",
        "oproep",
        "handlungsaufforderung",
        "appel a l'action",
        "appel a laction",
        "llamada a la accion",
    ),
    "channel": ("channel", "kanaal", "kanal", "canal"),
    "length": (
        "length",
        "duration",
        "lengte",
        "duur",
        "lange",
        "laenge",
        "dauer",
        "duree",
        "longueur",
        "duracion",
    ),
    "deadline": ("deadline", "due", "frist", "echeance", "fecha limite", "datum"),
    "budget": ("budget", "presupuesto"),
    "language": ("language", "taal", "sprache", "langue", "idioma"),
    "mandatories": ("mandatories", "must include", "verplicht", "pflicht", "obligatoire", "obligatorio"),
    "references": ("references", "referenties", "referenzen", "references", "referencias"),
    "tone": ("tone", "toon", "ton", "tono"),
    "purpose": ("purpose", "goal", "doel", "ziel", "objectif", "objetivo"),
    "mode": ("production", "shoot", "productie", "opnames", "dreh", "produktion", "tournage", "rodaje"),
}
_KEY_OF = {alias: key for key, aliases in KEY_ALIASES.items() for alias in aliases}
CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP"}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().strip()


@dataclass
class BriefFields:
    title: str
    language: str
    product: str
    text: str  # the brief's prose, without the key lines
    values: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> str:
        return self.values.get(key, "").strip()


def parse_fields(text: str) -> tuple[dict[str, str], list[str]]:
    """`Key: value` lines (any of the languages' key names) and the remaining prose lines."""
    values: dict[str, str] = {}
    prose: list[str] = []
    for raw in text.splitlines():
        line = raw.strip().lstrip("-*").strip()
        match = re.match(r"^([^:]{2,40}):\s*(.+)$", line)
        key = _KEY_OF.get(_fold(match.group(1))) if match else None
        if match and key and not match.group(2).startswith("//"):
            values[key] = match.group(2).strip()
        elif line and not line.startswith("#"):
            prose.append(line)
    return values, prose


def read_brief(brief: str, overrides: Mapping[str, str] | None = None) -> BriefFields:
    """The brief's fields, with `overrides` (from reviewer notes) taking the place of the brief's own."""
    values, prose = parse_fields(brief)
    values.update(overrides or {})
    heading = next((ln.lstrip("#").strip() for ln in brief.splitlines() if ln.strip().startswith("#")), "")
    text = " ".join(prose)
    language = _fold(values.get("language", ""))[:2] or detect_language(brief)
    if language not in PHRASES:
        language = detect_language(brief)
    first_sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].strip() if text else ""
    product = values.get("product") or heading.split("—")[0].split(" - ")[0].strip() or first_sentence[:60]
    product = product or PHRASES[language]["default_product"]
    title = heading or product
    if "benefit" not in values and first_sentence and first_sentence != product:
        values["benefit"] = first_sentence.rstrip(".!")
    return BriefFields(title=title, language=language, product=product, text=text, values=values)


def parse_length(text: str, default: float) -> float:
    match = re.search(r"(\d+(?:[.,]\d+)?)\s*(min|m\b|minutes?|minuten?|minutos?)?", text.lower())
    if not match:
        return default
    value = float(match.group(1).replace(",", "."))
    return value * 60 if match.group(2) else value


def parse_budget(text: str) -> dict[str, Any] | None:
    """'EUR 20000-35000', '€20k to €35k', '15.000 EUR': a currency and a low and high amount."""
    currency = next((code for sym, code in CURRENCY_SYMBOLS.items() if sym in text), None)
    code = re.search(r"\b([A-Z]{3})\b", text)
    currency = code.group(1) if code else currency
    amounts = []
    for number, suffix in re.findall(r"(\d[\d.,\s]*\d|\d)\s*([kK])?", text):
        digits = re.sub(r"[.,\s](?=\d{3}\b)", "", number).replace(",", ".").replace(" ", "")
        try:
            amounts.append(float(digits) * (1000 if suffix else 1))
        except ValueError:
            continue
    if not currency or not amounts:
        return None
    return {"currency": currency, "low": min(amounts), "high": max(amounts)}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text and not text[:2].isupper() else text


def _words(text: str) -> int:
    return len(re.findall(r"\w+(?:['’-]\w+)*", text))


# ---- VRD -----------------------------------------------------------------------------------------------


def reviewer_notes(context: Mapping[str, Any]) -> review.NoteReading:
    """The notes this artefact answers, read again from the first: those its previous version answered, then
    the new ones, so each revision keeps what earlier notes changed."""
    earlier = review.earlier_notes((context.get("previous") or {}).get("review_notes") or [])
    new = [r["message"] for r in context.get("requests") or [] if r.get("type") in ("reject", "respond")]
    return review.read(earlier + new)


def draft_vrd(context: Mapping[str, Any]) -> dict[str, Any]:
    template = context["template"]
    reading = reviewer_notes(context)
    brief = read_brief(context["brief"], reading.fields)
    p = PHRASES[brief.language]
    fill = _filler(brief, p)
    lengths = template["length_s"]
    requested = brief.get("length")
    length = parse_length(requested, lengths["default"]) if requested else lengths["default"]
    if template.get("script_from_brief"):  # previz: the screenplay's own scenes set the length and title
        found = re.search(r"^Title:\s*(.+)$", context["brief"], re.M)
        if found:
            brief.title = brief.product = found.group(1).strip()
        scenes = script_from_fountain(context["brief"], {"title": brief.title, "language": brief.language})
        length = sum(scene["duration_s"] for scene in scenes["scenes"]) or length
    before = round(min(max(length, lengths["min"]), lengths["max"]), 1)
    effects: dict[str, tuple[bool, str]] = {}
    if template.get("script_from_brief"):
        effects["length"] = (False, "a previz runs as long as its screenplay's scenes: edit the screenplay")
    else:
        length = (reading.length_s if reading.length_s is not None else length) * reading.length_factor
    length = round(min(max(length, lengths["min"]), lengths["max"]), 1)
    if "length" not in effects:
        effects["length"] = (
            (True, f"length {before:g} s -> {length:g} s")
            if length != before
            else (
                False,
                f"the template allows {lengths['min']:g}-{lengths['max']:g} s: the length stays {length:g} s",
            )
        )
    tone = brief.get("tone") or p["default_tone"]
    if reading.tone:
        key = review.music_key(brief.language, reading.tone)
        head = key if key != "default" else reading.tone_word
        tone = head if head == reading.tone_word else f"{head}, {reading.tone_word}"
        effects["tone"] = (True, f"tone: {tone}")
    effects["cta"] = (True, f"call to action: {fill['cta']}")
    effects["message"] = (True, f"core message: {_cap(fill['benefit'])}.")
    ratios = list(template["aspect_ratios"])
    questions = []
    if not brief.get("budget"):
        questions.append(p["q_budget"])
    if not brief.get("deadline"):
        questions.append(p["q_deadline"])
    if not brief.get("audience"):
        questions.append(p["q_audience"])
    if requested and parse_length(requested, length) != length:
        questions.append(p["q_length"].format(asked=requested, length=f"{length:g}"))
    mandatories = [m.strip() for m in re.split(r"[;\n]", brief.get("mandatories")) if m.strip()]
    references = [
        r.strip() for r in re.split(r"[;\s]\s*(?=https?://)|;", brief.get("references")) if r.strip()
    ]
    kpi_set = (
        "kpis_previz"
        if template.get("script_from_brief")
        else ("kpis_explainer" if template["id"] == "explainer" else "kpis_online")
    )
    return {
        "title": brief.title,
        "language": brief.language,
        "product": brief.product,
        "purpose": brief.get("purpose") or p["purpose"].format(**fill),
        "audience": fill["audience"],
        "kpis": list(p[kpi_set]),
        "core_message": _cap(fill["benefit"]) + ".",
        "call_to_action": fill["cta"],
        "channel": brief.get("channel") or template["channel"],
        "format": p["format"].format(length=f"{length:g}", ratios=", ".join(ratios)),
        "tone": tone,
        "aspect_ratios": ratios,
        "length_s": length,
        "deliverables": [
            {"name": d["name"], "aspect_ratio": d["aspect_ratio"], "length_s": length, "format": "mp4 H.264"}
            for d in template["deliverables"]
        ],
        "deadline": brief.get("deadline") or None,
        "budget_range": parse_budget(brief.get("budget")) if brief.get("budget") else None,
        "mandatories": mandatories,
        "references": references,
        "problem": fill["problem"],
        "production_mode": _mode(brief.get("mode")),
        "questions": questions,
        "review_notes": review.settle(reading, effects, KEY_ALIASES),
    }


def _mode(text: str) -> str:
    """'live action', 'hybrid', 'AI generated'... in any of the languages, as the VRD's production mode."""
    folded = _fold(text)
    if any(
        word in folded
        for word in ("hybrid", "hybride", "hibrid", "mixed", "gemengd", "gemischt", "mixte", "mixto")
    ):
        return "hybrid"
    if re.search(r"\b(live|real|echte?|reel)\b", folded):
        return "live_action"
    return "generated"


PEOPLE_BEATS = ("hook", "problem", "proof")  # scenes about people: shot live in a hybrid production


def _filler(brief: BriefFields, p: Mapping[str, Any]) -> dict[str, str]:
    product = brief.product
    audience = brief.get("audience") or p["default_audience"].format(product=product)
    benefit = _lower_first(brief.get("benefit").rstrip(".!")) or p["default_benefit"].format(product=product)
    problem = _lower_first(brief.get("problem").rstrip(".!")) or p["default_problem"].format(product=product)
    cta = brief.get("cta") or p["default_cta"].format(product=product)
    return {"product": product, "audience": audience, "benefit": benefit, "problem": problem, "cta": cta}


# ---- Script --------------------------------------------------------------------------------------------

READING_SPEED = 2.5  # words per second a voice-over can carry naturally
VO_SHARE = 0.85  # the share of a scene the voice may fill: breaths, a beat of music, the cut


def _fit(options: list[str], seconds: float) -> str | None:
    """The longest option that a voice can say in `seconds` at a natural pace."""
    budget = math.floor(seconds * VO_SHARE * READING_SPEED)
    fitting = [o for o in options if 0 < _words(o) <= budget]
    return max(fitting, key=_words) if fitting else None


def _split_durations(total: float, shares: list[float]) -> list[float]:
    """Shares of `total` in tenths of a second that add up exactly (the remainder goes to the longest)."""
    tenths = round(total * 10)
    parts = [math.floor(tenths * s / sum(shares)) for s in shares]
    parts[parts.index(max(parts))] += tenths - sum(parts)
    return [p / 10 for p in parts]


def draft_script(context: Mapping[str, Any]) -> dict[str, Any]:
    template, vrd = context["template"], context["vrd"]
    reading = reviewer_notes(context)
    if template.get(
        "script_from_brief"
    ):  # the screenplay is the script: notes on it are edits to make by hand
        screenplay = "a previz's script is its screenplay: edit the script, or the screenplay in the brief"
        previz = {kind: (False, screenplay) for kind in ("cta", "message", "scenes", "tone")}
        return {**script_from_fountain(context["brief"], vrd), "review_notes": review.settle(reading, previz)}
    brief = read_brief(context["brief"], reading.fields)
    p = PHRASES[vrd["language"]]
    fill = {
        "product": vrd["product"],
        "audience": vrd["audience"],
        "benefit": _lower_first(vrd["core_message"].rstrip(".!")),
        "problem": vrd.get("problem") or p["default_problem"].format(product=vrd["product"]),
        "cta": vrd["call_to_action"],
    }
    # a call to action or core message in the reviewer's notes rewrites that part of the script
    fill.update(
        {
            k: _lower_first(v.rstrip(".!")) if k in ("benefit", "problem") else v
            for k, v in reading.fields.items()
            if k in fill
        }
    )
    effects: dict[str, tuple[bool, str]] = {
        "cta": (True, f"call to action: {fill['cta']}"),
        "message": (True, f"core message: {_cap(fill['benefit'])}."),
    }
    shares = {b["name"]: b["share"] for b in template["beats"]}
    names, refused = review.scenes_after(list(shares), reading.scene_ops, list(p["beats"]))
    changed = names != list(shares)
    effects["scenes"] = (
        changed,
        "; ".join(
            ([f"scenes now: {', '.join(n.replace('_', ' ') for n in names)}"] if changed else []) + refused
        ),
    )
    mean_share = sum(shares.values()) / max(1, len(shares))
    beats = [{"name": name, "share": shares.get(name, mean_share)} for name in names]
    durations = _split_durations(vrd["length_s"], [b["share"] for b in beats])
    music = p["music"].get(_fold(vrd["tone"]).split(",")[0].strip(), p["music"]["default"])
    if reading.tone:
        music = p["music"].get(review.music_key(vrd["language"], reading.tone), p["music"]["default"])
        effects["tone"] = (True, f"music: {music}")
    scenes = []
    for number, (beat, seconds) in enumerate(zip(beats, durations), start=1):
        words = p["beats"][beat["name"]]
        int_ext, location, time_of_day = words["place"]
        lines: list[dict[str, Any]] = []
        if number == 1:
            lines.append({"kind": "music", "text": music, "duration_s": vrd["length_s"]})
        lines.append({"kind": "action", "text": _cap(words["action"].format(**fill)), "duration_s": seconds})
        spoken = (
            _fit([o.format(**fill) for o in words["vo"]], seconds) if template.get("voice_over") else None
        )
        if spoken:
            speaking = round(min(seconds * VO_SHARE, max(1.0, _words(spoken) / READING_SPEED + 0.4)), 1)
            lines.append(
                {"kind": "voice_over", "character": p["narrator"], "text": spoken, "duration_s": speaking}
            )
        if words.get("super"):
            lines.append(
                {"kind": "on_screen_text", "text": words["super"].format(**fill), "duration_s": seconds}
            )
        if beat["name"] == "call_to_action":
            for mandatory in vrd.get("mandatories") or []:
                lines.append({"kind": "on_screen_text", "text": mandatory, "duration_s": seconds})
        if words.get("sound"):
            lines.append({"kind": "sound", "text": words["sound"], "duration_s": min(seconds, 1.5)})
        scenes.append(
            {
                "number": number,
                "int_ext": int_ext,
                "location": location,
                "time_of_day": time_of_day,
                "beat": beat["name"],
                "duration_s": seconds,
                "lines": lines,
            }
        )
    questions = (
        [] if brief.get("problem") or "problem" not in [b["name"] for b in beats] else [p["q_problem"]]
    )
    return {
        "title": vrd["title"],
        "language": vrd["language"],
        "scenes": scenes,
        "questions": questions,
        "review_notes": review.settle(reading, effects, ("cta", "benefit", "problem")),
    }


HEADING = re.compile(
    r"^\.?(INT\./EXT\.|INT/EXT\.?|I/E\.?|INT\.?|EXT\.?|EST\.?)\s+(.+?)(?:\s+-\s+(.+))?$", re.I
)


def script_from_fountain(text: str, vrd: Mapping[str, Any]) -> dict[str, Any]:
    """The scenes of an existing Fountain screenplay (previz): headings, action and dialogue kept, durations
    planned from the words (dialogue at reading speed, action at about a second a line) and scaled to the
    VRD's length only when the screenplay gives no sense of time."""
    scenes: list[dict[str, Any]] = []
    character: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        heading = HEADING.match(line)
        if heading:
            prefix = heading.group(1).upper().rstrip(".")
            int_ext = "INT/EXT" if "/" in prefix else ("EXT" if prefix.startswith("EXT") else "INT")
            scenes.append(
                {
                    "number": len(scenes) + 1,
                    "int_ext": int_ext,
                    "location": heading.group(2).strip().title(),
                    "time_of_day": (heading.group(3) or "DAY").strip().title(),
                    "beat": "scene",
                    "lines": [],
                }
            )
            character = None
            continue
        if not scenes or not line or line.startswith(("Title:", "[[", "#", "=")):
            character = None if not line else character
            continue
        if character is not None:
            kind = "voice_over" if "(V.O.)" in character else "dialogue"
            name = character.replace("(V.O.)", "").replace("(O.S.)", "").strip().title()
            seconds = round(_words(line) / READING_SPEED + 0.5, 1)
            scenes[-1]["lines"].append({"kind": kind, "character": name, "text": line, "duration_s": seconds})
        elif line.isupper() and _words(line) <= 4 and not line.endswith(":"):
            character = line
            continue
        else:
            scenes[-1]["lines"].append(
                {"kind": "action", "text": line, "duration_s": max(2.0, _words(line) / 4)}
            )
        character = None
    for scene in scenes:
        if not scene["lines"]:
            scene["lines"].append({"kind": "action", "text": scene["location"], "duration_s": 2.0})
        spoken = sum(ln["duration_s"] for ln in scene["lines"] if ln["kind"] in ("dialogue", "voice_over"))
        action = sum(ln["duration_s"] for ln in scene["lines"] if ln["kind"] == "action")
        scene["duration_s"] = round(max(spoken + 1.0, action, 2.0), 1)
    if not scenes:
        return {
            "title": vrd["title"],
            "language": vrd["language"],
            "scenes": [],
        }  # fails validation: says why
    return {"title": vrd["title"], "language": vrd["language"], "scenes": scenes}


# ---- Shot list -----------------------------------------------------------------------------------------

PLANS = {  # per beat: (size, angle, movement, lens mm) for the first, second and third shot of a scene
    "hook": [
        ("CU", "eye level", "slow push in", 50),
        ("MS", "low angle", "handheld", 35),
        ("WS", "eye level", "static", 24),
    ],
    "problem": [
        ("MS", "eye level", "handheld", 35),
        ("CU", "high angle", "static", 85),
        ("WS", "eye level", "slow pan", 28),
    ],
    "solution": [
        ("MS", "eye level", "dolly in", 35),
        ("INSERT", "top down", "static", 100),
        ("CU", "eye level", "slow push in", 85),
    ],
    "how_it_works": [
        ("INSERT", "top down", "static", 100),
        ("MS", "eye level", "slider", 50),
        ("CU", "eye level", "static", 85),
    ],
    "proof": [
        ("WS", "eye level", "tracking", 24),
        ("MS", "eye level", "handheld", 35),
        ("CU", "eye level", "static", 50),
    ],
    "call_to_action": [
        ("MS", "eye level", "slow push in", 50),
        ("INSERT", "eye level", "static", 100),
        ("CU", "eye level", "static", 85),
    ],
    "scene": [
        ("WS", "eye level", "static", 24),
        ("MS", "eye level", "slow push in", 35),
        ("CU", "eye level", "static", 85),
    ],
}
SIZE_WORDS = {
    "EWS": "extreme wide shot",
    "WS": "wide shot",
    "MWS": "medium wide shot",
    "MS": "medium shot",
    "MCU": "medium close-up",
    "CU": "close-up",
    "ECU": "extreme close-up",
    "OTS": "over-the-shoulder shot",
    "INSERT": "insert shot",
}
NEGATIVE = (
    "blurry, distorted hands, extra fingers, warped text, watermark, logo artefacts, flicker, low quality"
)


def _seed(*parts: str) -> int:
    return int(hashlib.sha256("/".join(parts).encode()).hexdigest()[:8], 16)


MAX_SHOTS = 4  # shots a scene can be cut into (12A-12D)


def _shot_count(seconds: float) -> int:
    return 1 if seconds < 4 else 2 if seconds < 9 else 3


def draft_shot_list(context: Mapping[str, Any]) -> dict[str, Any]:
    script, vrd = context["script"], context["vrd"]
    workflows = context.get("workflows") or {}
    p = PHRASES[script["language"]]
    reading = reviewer_notes(context)
    shots = []
    planned = 0
    for scene in script["scenes"]:
        planned += _shot_count(scene["duration_s"])
        count = min(MAX_SHOTS, max(1, _shot_count(scene["duration_s"]) + reading.shots_delta))
        durations = _split_durations(scene["duration_s"], [1.0] * count)
        plan = PLANS.get(scene["beat"], PLANS["scene"])
        action = next((ln["text"] for ln in scene["lines"] if ln["kind"] == "action"), scene["location"])
        cast = sorted(
            {ln["character"] for ln in scene["lines"] if ln.get("character") and ln["kind"] == "dialogue"}
        )
        props = [vrd["product"]] if scene["beat"] in ("solution", "how_it_works", "call_to_action") else []
        mode = vrd.get("production_mode", "generated")
        live = mode == "live_action" or (mode == "hybrid" and scene["beat"] in PEOPLE_BEATS)
        if live and scene["beat"] in PEOPLE_BEATS and not cast:
            cast = [p["lead"]]
        for index, seconds in enumerate(durations):
            size, angle, movement, lens = plan[index % len(plan)]
            number = f"{scene['number']}{chr(ord('A') + index)}"
            place = f"{scene['int_ext'].lower()} {scene['location']}, {scene['time_of_day'].lower()}"
            prompt = (
                f"{SIZE_WORDS[size]}, {angle}, {movement}, {lens} mm lens, {place}: {action} "
                f"Featuring {vrd['product']}. Mood: {vrd['tone']}. Cinematic commercial look, natural light, "
                f"{vrd['aspect_ratios'][0]} framing."
            )
            task = "text-to-video"
            shots.append(
                {
                    "scene": scene["number"],
                    "number": number,
                    "size": size,
                    "angle": angle,
                    "movement": movement,
                    "lens_mm": lens,
                    "duration_s": seconds,
                    "description": p["shot_description"].format(
                        size=_cap(p["sizes"].get(size, size)), action=action.rstrip(".")
                    )
                    + ("" if count == 1 else f"; {p['shot_roles'][index % 3]}"),
                    "cast": cast,
                    "props": props,
                    "source": "live_action" if live else "generated",
                    "prompt": prompt,
                    "negative_prompt": NEGATIVE,
                    "seed": _seed(context.get("production_id", ""), number),
                    "reference_images": [],
                    "first_frame": f"{SIZE_WORDS[size]} of {place}, the action about to begin.",
                    "last_frame": f"The same framing after the {movement}, the moment landed.",
                    "workflow_id": None if live else workflows.get(task),
                }
            )
    effects = {
        "shots": (
            (True, f"{len(shots)} shots instead of {planned}")
            if len(shots) != planned
            else (
                False,
                f"every scene has {'the most' if reading.shots_delta > 0 else 'one'} shot(s) already",
            )
        )
    }
    return {"shots": shots, "review_notes": review.settle(reading, effects)}


def draft(kind: str, context: Mapping[str, Any]) -> dict[str, Any]:
    writers = {"vrd": draft_vrd, "script": draft_script, "shot_list": draft_shot_list}
    if kind not in writers:
        raise ValueError(f"the offline brain writes no {kind!r}")
    return writers[kind](context)
