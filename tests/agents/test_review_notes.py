"""Reviewer notes in free text: the offline brain acts on the kinds of note it understands (length, tone, scenes,
shots, cost and quality, a quoted call to action or core message) in the five languages it writes, and every
note it cannot act on is recorded in the artefact and shown at the gate as open advice, never dropped. With a
scripted brain that says nothing about a note, the note is surfaced the same way."""

from __future__ import annotations

import pytest

from agents import notes
from agents.artefacts import to_markdown

from .conftest import BRIEF, calls_of

PID = "p-notes"


def at_gate(productions, kind: str):
    status = productions.start("ad_spot", BRIEF, PID)
    while status.gate["gate"] != kind:
        status = productions.decide(PID, {"type": "approve"})
    return status


def reject(productions, message: str):
    return productions.decide(PID, {"type": "reject", "message": message})


def gate_problems(status) -> list[dict]:
    return status.gate["action_requests"][0]["args"]["problems"]


def open_notes(status) -> list[str]:
    return [p["message"] for p in gate_problems(status) if p["check"] == "notes"]


def kinds_read(note: str) -> list[str | None]:
    reading = notes.read([note])
    return [reading.kinds.get(i) for i in range(len(reading.records))]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Make it shorter and more upbeat", ["length", "tone"]),
        ("Maak het korter en vrolijker", ["length", "tone"]),
        ("Bitte kürzer und ruhiger", ["length", "tone"]),
        ("Plus court, et plus élégant", ["length", "tone"]),
        ("Más corto y más alegre", ["length", "tone"]),
        ("Make it 20 seconds", ["length"]),
        ("Drop the problem scene, add a testimonial", ["scenes", "scenes"]),
        ("Schrap scène 2", ["scenes"]),
        ("Schrap de probleemscène", ["scenes"]),
        ("Die Problemszene streichen", ["scenes"]),
        ("Supprime la scène du problème", ["scenes"]),
        ("Quita la escena del problema", ["scenes"]),
        ("More shots please", ["shots"]),
        ("moins de plans", ["shots"]),
        ("Cheaper", ["quality"]),
        ("Mejor calidad", ["quality"]),
        ('Change the call to action to "Book a test ride today"', ["cta"]),
        ("De boodschap wordt „Sneller op je werk“", ["message"]),
        ("cta: Ride now", ["fields:cta"]),
        ("Put a dog in the last shot", [None]),
        ("Don't drop the hook", [None]),
        ("Niet korter maken", [None]),
        ("Keep it under 20 seconds", [None]),
        ("N'ajoute pas de témoignage", [None]),
        ("Shorter, and put a dog in it", ["length", None]),
    ],
)
def test_notes_are_read_clause_by_clause_in_five_languages(note, expected):
    assert kinds_read(note) == expected


def test_a_quoted_call_to_action_is_kept_whole_and_a_key_line_is_one_clause():
    reading = notes.read(['Change the CTA to "Ride now, pay later."\ntone: warm, confident'])
    assert reading.fields == {"cta": "Ride now, pay later.", "tone": "warm, confident"}
    assert len(reading.records) == 2


def test_shorter_and_more_upbeat_changes_the_vrd_and_what_follows(productions):
    before = at_gate(productions, "vrd").gate["action_requests"][0]["args"]["artefact"]
    status = reject(productions, "Make it shorter and more upbeat")
    vrd = productions.artefact(PID, "vrd")
    assert vrd.length_s == pytest.approx(before["length_s"] * 0.75, abs=0.1)
    assert vrd.tone.startswith("energetic") and "upbeat" in vrd.tone
    assert [n.applied for n in vrd.review_notes] == [True, True]
    assert not open_notes(status)
    status = productions.decide(PID, {"type": "approve"})
    script = productions.artefact(PID, "script")
    assert script.duration_s == pytest.approx(vrd.length_s, abs=0.1)
    music = next(line.text for line in script.scenes[0].lines if line.kind == "music")
    assert music.startswith("Driving up-tempo track")  # the energetic cue, not the default one


def test_each_revision_keeps_what_earlier_notes_changed(productions):
    at_gate(productions, "vrd")
    reject(productions, "More upbeat")
    reject(productions, "Make it 20 seconds")
    vrd = productions.artefact(PID, "vrd")
    assert vrd.length_s == 20 and vrd.tone.startswith("energetic")
    assert [n.note for n in vrd.review_notes] == ["More upbeat", "Make it 20 seconds"]


def test_a_note_of_several_clauses_is_applied_once_in_later_revisions(productions):
    at_gate(productions, "vrd")
    reject(productions, "Shorter, and more upbeat")
    reject(productions, "Put a dog in it")
    vrd = productions.artefact(PID, "vrd")
    assert vrd.length_s == 22.5  # 30 s x 0.75 once, not twice
    assert [(n.index, n.applied) for n in vrd.review_notes] == [(0, True), (0, True), (1, False)]


def test_a_length_the_template_does_not_allow_is_not_pretended(productions):
    at_gate(productions, "vrd")
    status = reject(productions, "Make it 5 seconds")
    assert productions.artefact(PID, "vrd").length_s == 15  # the ad spot's shortest
    at_gate_again = productions.artefact(PID, "vrd")
    assert at_gate_again.length_s == 15
    reject(productions, "Make it 90 seconds")
    vrd = productions.artefact(PID, "vrd")
    assert vrd.length_s == 60
    assert [n.applied for n in vrd.review_notes] == [True, True]
    assert status.gate["gate"] == "vrd"


def test_a_quoted_call_to_action_and_core_message_reach_the_script(productions):
    at_gate(productions, "vrd")
    reject(
        productions, 'Change the call to action to "Book a test ride today", message "Ride past the traffic"'
    )
    vrd = productions.artefact(PID, "vrd")
    assert vrd.call_to_action == "Book a test ride today"
    assert vrd.core_message == "Ride past the traffic."
    productions.decide(PID, {"type": "approve"})
    script = productions.artefact(PID, "script")
    text = " ".join(line.text for scene in script.scenes for line in scene.lines)
    assert "Book a test ride today" in text and "ride past the traffic" in text.lower()


def test_scenes_are_dropped_and_added_at_the_script_gate(productions):
    at_gate(productions, "script")
    beats_before = [s.beat for s in productions.artefact(PID, "script").scenes]
    assert "problem" in beats_before and "proof" not in beats_before
    status = reject(productions, "Drop the problem scene and add a testimonial")
    script = productions.artefact(PID, "script")
    beats = [s.beat for s in script.scenes]
    assert "problem" not in beats and "proof" in beats
    assert beats.index("proof") < beats.index("call_to_action")  # in the order a spot tells it
    assert script.duration_s == pytest.approx(productions.artefact(PID, "vrd").length_s, abs=0.1)
    assert [s.number for s in script.scenes] == list(range(1, len(beats) + 1))
    assert not [p for p in gate_problems(status) if p["blocking"]]


def test_a_scene_named_by_number_is_dropped_as_it_was_numbered(productions):
    at_gate(productions, "script")
    first = [s.beat for s in productions.artefact(PID, "script").scenes]
    reject(productions, "Drop scene 2")
    reject(productions, "Drop scene 2")  # the second time, scene 2 is what used to be scene 3
    assert [s.beat for s in productions.artefact(PID, "script").scenes] == [first[0], *first[3:]]


def test_dropping_a_scene_that_is_not_there_says_so(productions):
    at_gate(productions, "script")
    status = reject(productions, "Remove the testimonial")
    (message,) = open_notes(status)
    assert "no proof scene" in message


@pytest.mark.parametrize(("note", "more"), [("More shots", True), ("Fewer shots", False)])
def test_more_or_fewer_shots(productions, note, more):
    at_gate(productions, "shot_list")
    before = len(productions.artefact(PID, "shot_list").shots)
    reject(productions, note)
    after = productions.artefact(PID, "shot_list")
    assert (len(after.shots) > before) if more else (len(after.shots) < before)
    assert after.review_notes[0].applied


def test_cheaper_and_higher_quality_at_the_budget_gate(productions):
    at_gate(productions, "budget")
    first = productions.artefact(PID, "budget")
    first_compute = sum(c.cost for c in first.compute)
    reject(productions, "Make it cheaper")
    cheaper = productions.artefact(PID, "budget")
    assert sum(c.cost for c in cheaper.compute) <= 0.8 * first_compute + 1e-6
    assert cheaper.quality < first.quality and cheaper.review_notes[0].applied
    reject(productions, "Actually, best quality")
    best = productions.artefact(PID, "budget")
    assert best.quality == best.quality_unconstrained and best.compute_cap is None


def test_a_note_the_offline_brain_cannot_act_on_is_surfaced(productions):
    at_gate(productions, "vrd")
    status = reject(productions, "Make it shorter and put a dog in the last shot")
    vrd = productions.artefact(PID, "vrd")
    assert vrd.length_s < 30
    open_ = [n for n in vrd.review_notes if not n.applied]
    assert [n.part for n in open_] == ["put a dog in the last shot"]
    assert "cannot act on this note" in open_[0].effect
    (message,) = open_notes(status)
    assert "put a dog in the last shot" in message
    assert "NOT APPLIED" in to_markdown(vrd)
    assert "approve" in status.gate["review_configs"][0]["allowed_decisions"]  # advice, not a block


def test_a_note_for_another_agent_says_where_to_take_it(productions):
    at_gate(productions, "vrd")
    status = reject(productions, "More shots")
    (message,) = open_notes(status)
    assert "reject the shot list" in message


def test_a_scripted_brain_that_ignores_a_note_has_it_surfaced(productions, brain):
    status = at_gate(productions, "vrd")
    canned = dict(status.gate["action_requests"][0]["args"]["artefact"])
    brain.replies["vrd"] = [canned]  # the same VRD again, saying nothing about the note
    status = reject(productions, "Give it a warmer feel")
    assert calls_of(brain, "vrd")[-1].context["requests"][0]["message"] == "Give it a warmer feel"
    (note,) = productions.artefact(PID, "vrd").review_notes
    assert not note.applied and "did not say" in note.effect
    assert any("Give it a warmer feel" in m for m in open_notes(status))


def test_a_scripted_brain_that_records_a_note_is_taken_at_its_word(productions, brain):
    status = at_gate(productions, "vrd")
    canned = dict(status.gate["action_requests"][0]["args"]["artefact"], tone="warm, intimate")
    canned["review_notes"] = [
        {"note": "Warmer", "part": "Warmer", "applied": True, "effect": "tone: warm, intimate"}
    ]
    brain.replies["vrd"] = [canned]
    status = reject(productions, "Warmer")
    assert productions.artefact(PID, "vrd").tone == "warm, intimate"
    assert not open_notes(status)


def test_notes_on_a_previz_script_are_open_edits(productions):
    screenplay = "Title: Night Shift\n\nINT. DINER - NIGHT\n\nA waitress wipes the counter.\n"
    status = productions.start("previz", screenplay, PID)
    while status.gate["gate"] != "script":
        status = productions.decide(PID, {"type": "approve"})
    status = reject(productions, "Drop scene 1")
    (message,) = open_notes(status)
    assert "its screenplay" in message
