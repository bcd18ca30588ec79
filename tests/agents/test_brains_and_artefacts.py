"""Brains behind the one interface (a chat model asked for JSON, with its token usage booked per agent; Gemini
only with a key) and the artefacts' exports (Fountain, CSV, Markdown) and errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from agents.artefacts import ArtefactError, Script, ShotList, parse_artefact
from agents.brains import (
    BrainError,
    BrainRequest,
    ChatModelBrain,
    OfflineBrain,
    brain_from_name,
    gemini_brain,
)
from agents.productions import Productions, open_checkpointer
from agents.template import get_template

from .conftest import BRIEF, NO_WAIT


def offline_draft(kind: str, **context):
    template = get_template("ad_spot").model_dump()
    return (
        OfflineBrain()
        .draft(BrainRequest(kind, kind, {"brief": BRIEF, "template": template, **context}), None)
        .data
    )


def test_a_chat_model_brain_books_its_tokens_per_agent(tmp_path):
    vrd = offline_draft("vrd")
    answers = [
        AIMessage(
            content="```json\n" + json.dumps(vrd) + "\n```",
            usage_metadata={"input_tokens": 900, "output_tokens": 400, "total_tokens": 1300},
        ),
        AIMessage(
            content='{"problems": []}',
            usage_metadata={"input_tokens": 700, "output_tokens": 10, "total_tokens": 710},
        ),
    ]
    brain = ChatModelBrain(GenericFakeChatModel(messages=iter(answers)), "gemini-2.5-flash")
    with open_checkpointer(tmp_path) as saver:
        status = Productions(saver, brain, tmp_path, settings=NO_WAIT).start("ad_spot", BRIEF, "p-chat")
    assert status.gate["gate"] == "vrd" and status.artefacts == {"vrd": 1}
    assert status.by_agent["vrd"]["tokens"] == 900 + 400 + 700 + 10
    assert status.by_agent["vrd"]["cost"] == pytest.approx((1600 * 0.30 + 410 * 2.50) / 1e6)


def test_a_chat_model_answer_without_json_is_a_model_failure():
    brain = ChatModelBrain(
        GenericFakeChatModel(messages=iter([AIMessage(content="Sure! Here you go.")])), "m"
    )
    with pytest.raises(BrainError, match="without a JSON object"):
        brain.draft(BrainRequest("vrd", "vrd", {}), Script)


def test_gemini_is_only_built_with_a_key():
    with pytest.raises(BrainError, match="GOOGLE_API_KEY"):
        gemini_brain({})
    with pytest.raises(ValueError, match="unknown brain"):
        brain_from_name("gpt-9")
    assert brain_from_name("offline").name == "offline"


def test_fountain_has_headings_characters_and_cues():
    vrd = offline_draft("vrd")
    script = Script.model_validate(offline_draft("script", vrd=vrd))
    fountain = script.to_fountain()
    assert fountain.startswith("Title: Fresh Brew")
    assert "EXT. CITY STREET - MORNING\n" in fountain
    assert "NARRATOR (V.O.)\n" in fountain and "MUSIC: " in fountain and 'SUPER: "Logo end card"' in fountain
    assert fountain.count("[[") == len(script.scenes)


def test_the_shot_list_csv_reads_back():
    vrd = offline_draft("vrd")
    script = offline_draft("script", vrd=vrd)
    shots = ShotList.model_validate(
        offline_draft("shot_list", vrd=vrd, script=script, workflows={"text-to-video": "ltxv_text_to_video"})
    )
    rows = list(csv.DictReader(io.StringIO(shots.to_csv())))
    assert [row["number"] for row in rows] == [shot.number for shot in shots.shots]
    assert rows[0]["prompt"] == shots.shots[0].prompt and rows[0]["workflow_id"] == "ltxv_text_to_video"
    assert float(rows[0]["duration_s"]) == shots.shots[0].duration_s


def test_an_invalid_artefact_says_where_without_echoing_it():
    with pytest.raises(ArtefactError) as caught:
        parse_artefact("shot_list", {"shots": [{"number": "SECRET-TEXT" * 50}]})
    assert "shots.0.number" in str(caught.value) and "SECRET" not in str(caught.value)
    with pytest.raises(ArtefactError, match="repeat: 1A"):
        shot = {
            "scene": 1,
            "number": "1A",
            "size": "WS",
            "angle": "a",
            "movement": "m",
            "lens_mm": 24,
            "duration_s": 2,
            "description": "d",
        }
        parse_artefact("shot_list", {"shots": [shot, shot]})
