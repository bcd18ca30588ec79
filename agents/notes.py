"""Reviewer notes in free text, read deterministically for the offline brain in the languages it writes (en, nl,
de, fr, es). A note is cut into clauses; each clause is either understood (a length, a tone, a scene to drop or
add, more or fewer shots, cheaper or higher quality, a quoted call to action or core message, a `key: value`
line) or kept as open advice. Nothing is dropped silently: every clause comes back as a `ReviewNote` saying
what was done with it or why not, and the gate shows the open ones."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from agents.phrases import PHRASES

# Words are matched on folded text (lower case, accents stripped), so "kürzer" is "kurzer".
SHORTER = r"\b(shorter|tighter|trim|cut it down|korter|inkorten|kurzer|straffer|kuerzer|plus courte?|raccourci\w*|mas cort[oa]|acorta\w*)\b"
LONGER = r"\b(longer|extend|langer|verlengen|laenger|verlanger\w*|plus longu?e?|rallong\w*|mas larg[oa]|alarga\w*)\b"
SECONDS = r"\b(\d+(?:[.,]\d+)?)\s*(s|sec|secs|seconds?|seconden|sekunden?|secondes?|segundos?)\b"
MINUTES = r"\b(\d+(?:[.,]\d+)?)\s*(min|minutes?|minuten?|minutos?)\b"
# canonical tone -> the words reviewers use for it
TONES: dict[str, tuple[str, ...]] = {
    "energetic": (
        "upbeat",
        "energetic",
        "energy",
        "punchy",
        "punchier",
        "lively",
        "livelier",
        "dynamic",
        "faster",
        "fun",
        "energiek",
        "energieker",
        "vrolijk",
        "vrolijker",
        "levendig",
        "levendiger",
        "sneller",
        "dynamisch",
        "energisch",
        "frohlich",
        "lebendig",
        "lebendiger",
        "schwungvoll",
        "schwungvoller",
        "energique",
        "dynamique",
        "joyeux",
        "joyeuse",
        "enjoue",
        "entrainant",
        "rythme",
        "energico",
        "alegre",
        "dinamico",
        "animado",
        "mas rapido",
    ),
    "calm": (
        "calm",
        "calmer",
        "softer",
        "quieter",
        "relaxed",
        "slower",
        "gentler",
        "rustig",
        "rustiger",
        "kalm",
        "zachter",
        "ruhig",
        "ruhiger",
        "sanft",
        "sanfter",
        "entspannt",
        "calme",
        "doux",
        "douce",
        "apaise",
        "pose",
        "tranquilo",
        "calmado",
        "suave",
        "sereno",
    ),
    "premium": (
        "premium",
        "luxurious",
        "luxury",
        "elegant",
        "classy",
        "upscale",
        "luxe",
        "luxueus",
        "chic",
        "edel",
        "edler",
        "luxurios",
        "hochwertig",
        "hochwertiger",
        "haut de gamme",
        "lujoso",
        "elegante",
    ),
    "serious": (
        "serious",
        "more serious",
        "ernstig",
        "serieus",
        "serieuzer",
        "ernst",
        "ernster",
        "serieux",
        "serio",
    ),
    "playful": (
        "playful",
        "funny",
        "funnier",
        "humorous",
        "speels",
        "grappig",
        "grappiger",
        "verspielt",
        "witzig",
        "ludique",
        "drole",
        "divertido",
        "gracioso",
    ),
}
# the music cue a tone picks in each language (phrases' "music" keys); none: the language's default cue
MUSIC_KEY = {
    "en": {"energetic": "energetic", "calm": "calm", "premium": "premium"},
    "nl": {"energetic": "energiek", "calm": "rustig"},
    "de": {"energetic": "energisch", "calm": "ruhig"},
    "fr": {"energetic": "energique", "calm": "calme"},
    "es": {"energetic": "energico", "calm": "tranquilo"},
}
BEAT_WORDS: dict[str, tuple[str, ...]] = {
    "how_it_works": (
        "how it works",
        "demo",
        "hoe het werkt",
        "wie es funktioniert",
        "comment ca marche",
        "como funciona",
    ),
    "call_to_action": (
        "call to action",
        "cta",
        "end card",
        "oproep",
        "handlungsaufforderung",
        "appel a l'action",
        "llamada a la accion",
    ),
    "hook": ("hook", "opening", "opener", "haak", "aufhanger", "einstieg", "accroche", "gancho"),
    "problem": ("problem", "probleem", "probleme", "problema"),
    "solution": ("solution", "oplossing", "losung", "solucion"),
    "proof": ("proof", "testimonial", "bewijs", "beweis", "preuve", "prueba", "testimonio"),
}
DROP = r"\b(drop|remove|cut|lose|skip|delete|without|schrap\w*|verwijder\w*|weg|zonder|streich\w*|entfern\w*|ohne|raus|supprim\w*|enleve\w*|retire\w*|sans|coupe\w*|quita\w*|elimina\w*|sin|suprim\w*|borra\w*)\b"
ADD = r"\b(add|include|insert|need|want|voeg\w*|toevoeg\w*|extra|fug\w*|hinzu\w*|erganz\w*|zusatzlich\w*|ajout\w*|rajout\w*|inclu\w*|anad\w*|agreg\w*|incluy\w*)\b"
SCENE_NUMBER = r"\b(?:scene|scène|szene|escena)\s*(\d{1,3})\b"
MORE_SHOTS = r"\b(more (shots|coverage|cuts|angles)|meer (shots|beelden|shots|invalshoeken)|mehr (einstellungen|shots|schnitte)|plus de plans|mas (planos|tomas))\b"
FEWER_SHOTS = r"\b((fewer|less) (shots|cuts)|minder (shots|beelden)|weniger (einstellungen|shots|schnitte)|moins de plans|menos (planos|tomas))\b"
CHEAPER = r"\b(cheaper|less expensive|lower (the )?cost|cut (the )?cost|save money|goedkoper|gunstiger|billiger|moins cher|mas barato|mas economico)\b"
HIGHER_QUALITY = r"\b((higher|better|best|top) quality|hogere kwaliteit|betere kwaliteit|(hohere|bessere) qualitat|meilleure qualite|qualite superieure|(mayor|mejor) calidad)\b"
CTA_WORDS = r"\b(call to action|cta|end line|end card|oproep|handlungsaufforderung|appel a l'?action|llamada a la accion)\b"
MESSAGE_WORDS = (
    r"\b(core message|key message|message|tagline|boodschap|kernboodschap|botschaft|kernbotschaft|mensaje)\b"
)
CAP = r"\b(compute cap|rekencap|rechenlimit|plafond de calcul|tope de computo)\b\D*(\d[\d.,]*)"
# A clause that negates or keeps something is not guessed at: "don't drop the hook" stays open advice.
NEGATION = r"(\b(don'?t|do not|never|not|keep|niet|nooit|houd|nicht|kein\w*|nie|behalt\w*|ne|pas|jamais|garde\w*|no|nunca|manten\w*)\b|\bn')"
QUOTE = r"[\"“”„«»‘’']([^\"“”„«»]{2,200}?)[\"“”„«»‘’']"


def fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().strip()


@dataclass
class NoteReading:
    """What a set of notes asks for, and a record per clause (`records`, as `ReviewNote` JSON)."""

    fields: dict[str, str] = field(default_factory=dict)  # brief keys: cta, benefit, tone, length...
    length_s: float | None = None
    length_factor: float = 1.0
    tone: str | None = None  # a TONES key
    tone_word: str = ""  # the reviewer's own word for it
    # in the order asked, so "drop scene 2" names the scene as it was numbered when the note was written
    scene_ops: list[tuple[str, str | int]] = field(default_factory=list)  # ("drop" | "add", beat or number)
    shots_delta: int = 0
    quality_ops: list[str] = field(default_factory=list)  # "cheaper" | "higher", in order
    cap: float | None = None  # a compute cap in the budget's currency
    records: list[dict[str, object]] = field(default_factory=list)
    kinds: dict[int, str] = field(default_factory=dict)  # record index -> the kind of change it asked for

    def record(self, index: int, note: str, part: str, kind: str | None) -> None:
        if kind is not None:
            self.kinds[len(self.records)] = kind
        self.records.append(
            {
                "note": note[:2000],
                "index": index,
                "part": part[:2000],
                "applied": kind is not None,
                "effect": "",
            }
        )


def clauses(note: str) -> list[tuple[str, str]]:
    """(the clause, the quoted text it carries) for each clause of a note: lines, sentences, `and`, commas.
    Quotes are lifted out first so a quoted call to action is never cut in two."""
    quotes: list[str] = []

    def lift(match: re.Match[str]) -> str:
        quotes.append(match.group(1))
        return f" \x00{len(quotes) - 1}\x00 "

    from agents.offline import parse_fields

    parts = []
    for line in re.sub(QUOTE, lift, note).splitlines():
        if parse_fields(line)[0] or re.search(CAP, fold(line)):  # a `key: value` line is one clause
            parts.append(line)
        else:
            parts += re.split(
                r"[;!?]+|[.](?=\s|$)|,\s*|\s+(?:and|en|und|et|y|but|maar|aber|mais|pero)\s+", line
            )
    out = []
    for part in parts:
        quoted = [quotes[int(i)] for i in re.findall(r"\x00(\d+)\x00", part)]
        shown = re.sub(r"\s*\x00(\d+)\x00\s*", lambda m: f' "{quotes[int(m.group(1))]}" ', part).strip(" -*")
        if shown.strip():
            out.append((shown.strip(), quoted[0] if quoted else ""))
    return out


def _beats_in(folded: str) -> list[str]:
    found = []
    for beat, words in BEAT_WORDS.items():
        # Dutch and German write the scene into the word: probleemscene, Problemszene, openingsscene
        pattern = "|".join(rf"\b{re.escape(w)}(?:s?(?:scene|szene))?\b" for w in words)
        if re.search(pattern, folded):
            found.append(beat)
            folded = re.sub(pattern, " ", folded)
    return found


def _tone_of(folded: str) -> tuple[str, str] | None:
    for tone, words in TONES.items():
        for word in sorted(words, key=len, reverse=True):
            if re.search(rf"\b{re.escape(word)}\b", folded):
                return tone, word
    return None


def read(notes: list[str]) -> NoteReading:
    """Every clause of every note, understood or recorded as open (the caller decides what its agent applies)."""
    from agents.offline import parse_fields  # the brief's own `key: value` reader

    reading = NoteReading()
    for index, note in enumerate(notes):
        for part, quoted in clauses(note):
            folded = fold(part)
            keyed = parse_fields(part)[0] if ":" in part else {}
            if cap := re.search(CAP, folded):
                reading.cap = float(cap.group(2).replace(",", ""))
                reading.record(index, note, part, "cap")
            elif keyed:
                reading.fields.update(keyed)
                reading.record(index, note, part, "fields:" + ",".join(sorted(keyed)))
            elif quoted and re.search(CTA_WORDS, folded):
                reading.fields["cta"] = quoted.strip()
                reading.record(index, note, part, "cta")
            elif quoted and re.search(MESSAGE_WORDS, folded):
                reading.fields["benefit"] = quoted.strip().rstrip(".!")
                reading.record(index, note, part, "message")
            elif re.search(NEGATION, folded):
                reading.record(index, note, part, None)
            elif m := re.search(SECONDS, folded) or re.search(MINUTES, folded):
                value = float(m.group(1).replace(",", "."))
                reading.length_s = value * 60 if m.re.pattern == MINUTES else value
                reading.length_factor = 1.0
                reading.record(index, note, part, "length")
            elif re.search(SHORTER, folded):
                reading.length_factor *= 0.75
                reading.record(index, note, part, "length")
            elif re.search(LONGER, folded):
                reading.length_factor *= 1.25
                reading.record(index, note, part, "length")
            elif re.search(MORE_SHOTS, folded):
                reading.shots_delta += 1
                reading.record(index, note, part, "shots")
            elif re.search(FEWER_SHOTS, folded):
                reading.shots_delta -= 1
                reading.record(index, note, part, "shots")
            elif re.search(CHEAPER, folded):
                reading.quality_ops.append("cheaper")
                reading.record(index, note, part, "quality")
            elif re.search(HIGHER_QUALITY, folded):
                reading.quality_ops.append("higher")
                reading.record(index, note, part, "quality")
            elif (beats := _beats_in(folded)) and re.search(DROP, folded):
                reading.scene_ops += [("drop", b) for b in beats]
                reading.record(index, note, part, "scenes")
            elif (scene := re.search(SCENE_NUMBER, folded)) and re.search(DROP, folded):
                reading.scene_ops.append(("drop", int(scene.group(1))))
                reading.record(index, note, part, "scenes")
            elif beats and re.search(ADD, folded):
                reading.scene_ops += [("add", b) for b in beats]
                reading.record(index, note, part, "scenes")
            elif tone := _tone_of(folded):
                reading.tone, reading.tone_word = tone
                reading.record(index, note, part, "tone")
            else:
                reading.record(index, note, part, None)
    return reading


UNREAD = "the offline brain cannot act on this note: edit the artefact by hand, or set GOOGLE_API_KEY to use Gemini"
ELSEWHERE = {
    "length": "the length is set in the VRD: reject the VRD with this note",
    "tone": "the tone is set in the VRD and the script: reject either with this note",
    "cta": "the call to action is set in the VRD and the script: reject either with this note",
    "message": "the core message is set in the VRD and the script: reject either with this note",
    "scenes": "scenes are written by ScriptSmith: reject the script with this note",
    "shots": "shots are planned by ShotMaster: reject the shot list with this note",
    "quality": "quality and cost are traded by the Budget Solver: reject the budget with this note",
    "cap": "the compute cap is the Budget Solver's: reject the budget with this note",
}


def settle(
    reading: NoteReading, effects: Mapping[str, tuple[bool, str]], fields_used: Collection[str] = ()
) -> list[dict[str, object]]:
    """The records as the artefact keeps them: a clause of a kind this agent applies says what changed (or why
    it could not: `effects[kind]`); one of another agent's kind, or not understood, is open and says where to
    take it."""
    out = []
    for index, record in enumerate(reading.records):
        kind = reading.kinds.get(index)
        if kind is None:
            out.append({**record, "applied": False, "effect": UNREAD})
        elif kind.startswith("fields:"):
            used = sorted(set(kind.split(":")[1].split(",")) & set(fields_used))
            effect = f"set {', '.join(used)}" if used else "this agent does not use that field: the VRD does"
            out.append({**record, "applied": bool(used), "effect": effect})
        elif kind in effects:
            applied, effect = effects[kind]
            out.append({**record, "applied": applied, "effect": effect})
        else:
            out.append({**record, "applied": False, "effect": ELSEWHERE.get(kind, UNREAD)})
    return out


def music_key(language: str, tone: str | None) -> str:
    return MUSIC_KEY.get(language, {}).get(tone or "", "default") if language in PHRASES else "default"


def scenes_after(
    beats: list[str], ops: list[tuple[str, str | int]], order: list[str]
) -> tuple[list[str], list[str]]:
    """The script's beats after the reviewer's scene changes, applied in order, and the changes refused (a
    scene that is not there, one already there, the last scene)."""
    beats, refused = list(beats), []
    for op, target in ops:
        beat = beats[target - 1] if isinstance(target, int) and 0 < target <= len(beats) else target
        if op == "drop" and isinstance(beat, int):
            refused.append(f"there is no scene {beat}")
        elif op == "drop" and beat not in beats:
            refused.append(f"there is no {str(beat).replace('_', ' ')} scene to drop")
        elif op == "drop" and len(beats) == 1:
            refused.append("the last scene cannot be dropped")
        elif op == "drop":
            beats.remove(str(beat))
        elif beat in beats:
            refused.append(f"there is a {str(beat).replace('_', ' ')} scene already")
        else:
            later = [b for b in beats if b in order and order.index(b) > order.index(str(beat))]
            beats.insert(beats.index(later[0]) if later else len(beats), str(beat))
    return beats, refused


def earlier_notes(records: list[dict[str, Any]]) -> list[str]:
    """The notes an artefact's records answer, each once, in the order given (a note has a record per clause)."""
    by_index: dict[int, str] = {}
    for record in records:
        by_index.setdefault(int(record.get("index", 0)), str(record["note"]))
    return list(by_index.values())
