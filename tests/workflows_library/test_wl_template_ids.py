"""Template ids across `comfyui-workflow-templates` versions: the same template keeps its id, a renamed
one's old id finds it, and a removed one's id answers with the closest match. Checked against the recorded
indexes of the oldest version the test extra allows (0.1.0), of ComfyUI 0.3.64's pin (0.1.95) and of the
newest (benchmarks/search_template_ids.py records them), and live against the installed version."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from workflows_library.errors import CardError, UnknownWorkflowError
from workflows_library.loader import Library
from workflows_library.template_ids import RemovedTemplate, TemplateIds, template_id, template_ids
from workflows_library.templates import is_cloud_template, load_templates, template_folders, templates_dir

RECORDED = Path(__file__).parent / "data" / "template_ids"
OLDEST, COMFYUI_PIN = "0.1.0", "0.1.95"
NEWEST = template_ids().newest_version
EMPTY_WORKFLOW = {"nodes": [], "links": []}


def recorded_entries(version: str) -> list[dict]:
    return json.loads((RECORDED / f"{version}.json").read_text())["templates"]


def write_templates(folder: Path, entries: list[dict], workflows: Path | None = None) -> Path:
    """A template folder as the package lays it out: index.json by section, one workflow per template."""
    sections: dict[str, list[dict]] = defaultdict(list)
    for entry in entries:
        sections[entry["section"]].append({k: v for k, v in entry.items() if k != "section"})
    folder.mkdir(parents=True, exist_ok=True)
    index = [
        {"moduleName": "default", "title": title, "templates": items} for title, items in sections.items()
    ]
    (folder / "index.json").write_text(json.dumps(index))
    for entry in entries:
        (workflows or folder).mkdir(parents=True, exist_ok=True)
        ((workflows or folder) / f"{entry['name']}.json").write_text(json.dumps(EMPTY_WORKFLOW))
    return folder


@pytest.fixture(scope="module")
def installs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Library]:
    """Version -> the library an install of that version gives (recorded index, empty workflows)."""
    return {
        version: load_templates(write_templates(tmp_path_factory.mktemp(version), recorded_entries(version)))
        for version in (OLDEST, COMFYUI_PIN, NEWEST)
    }


def local_names(version: str) -> list[str]:
    return [e["name"] for e in recorded_entries(version) if not is_cloud_template(e)]


@pytest.mark.parametrize("old_version", [OLDEST, COMFYUI_PIN])
def test_a_template_has_one_id_in_every_version(installs, old_version):
    ids = template_ids()
    newest_names = set(local_names(NEWEST))
    kept = 0
    for name in local_names(old_version):
        newest_name = ids.renamed.get(name, name)
        if newest_name in newest_names:
            old_card = installs[old_version].card(template_id(name))
            assert old_card.id == template_id(newest_name) == installs[NEWEST].card(old_card.id).id
            kept += 1
    assert kept == {OLDEST: 27, COMFYUI_PIN: 77}[old_version]


@pytest.mark.parametrize("old_version", [OLDEST, COMFYUI_PIN])
def test_every_id_of_an_older_version_resolves_on_the_newest(installs, old_version):
    """Same id, an alias of a renamed one, or the closest match named: never a bare 'unknown'."""
    newest = installs[NEWEST]
    outcome: dict[str, int] = defaultdict(int)
    for name in local_names(old_version):
        old_id = template_id(name)  # as an install of the old version named it before ids were kept stable
        try:
            card = newest.card(old_id)
        except UnknownWorkflowError as error:
            message = str(error)
            closest = re.search(r"the closest match is '([^']+)'", message)
            assert closest and closest[1] in newest.cards, message
            assert "\n" not in message and "not among the installed ComfyUI templates" in message
            outcome["closest"] += 1
        else:
            outcome["same" if card.id == old_id else "alias"] += 1
    assert outcome["same"] and outcome["closest"]
    if old_version == OLDEST:
        assert outcome["alias"] == 4  # Stable Audio and three Hunyuan3D templates were renamed


def test_a_renamed_id_finds_the_same_workflow(installs):
    newest = installs[NEWEST]
    card = newest.card("tpl_stable_audio_example")
    assert card.id == "tpl_audio_stable_audio_example"
    assert newest.node_types("tpl_stable_audio_example") == newest.node_types(card.id)
    with pytest.raises(CardError, match="'audio_stable_audio_example' is in UI format"):
        newest.workflow("tpl_stable_audio_example")


def test_a_removed_id_names_the_closest_match_and_never_stands_in_for_it(installs):
    newest = installs[NEWEST]
    closest = template_id(template_ids().removed["mochi_text_to_video_example"].closest or "")
    for lookup in (newest.card, newest.workflow, newest.node_types):
        with pytest.raises(UnknownWorkflowError, match=f"the closest match is '{closest}'"):
            lookup("tpl_mochi_text_to_video_example")
    assert closest in newest.cards


def test_an_older_install_gives_its_renamed_templates_their_newest_ids(installs):
    oldest = installs[OLDEST]
    assert "tpl_audio_stable_audio_example" in oldest.cards and "tpl_stable_audio_example" not in oldest.cards
    assert oldest.card("tpl_stable_audio_example").id == "tpl_audio_stable_audio_example"
    assert oldest.card("tpl_default").id == "tpl_default"  # still installed there: its own card


def test_without_the_recorded_closest_match_the_words_decide(tmp_path):
    removed = RemovedTemplate(
        last_version="0.8.25",
        closest="a_template_this_install_lacks",
        title="Frame Interpolation",
        description="Make a video smoother by generating the frames in between (FILM).",
        mediaType="video",
        tags=["Video", "Frame Interpolation"],
    )
    ids = TemplateIds(
        newest_version=NEWEST, renamed={}, removed={"utility-frame_interpolation-film": removed}
    )
    library = load_templates(write_templates(tmp_path, recorded_entries(NEWEST)), ids=ids)
    with pytest.raises(
        UnknownWorkflowError, match="closest match is 'tpl_utility_video_frame_interpolation'"
    ):
        library.card("tpl_utility_frame_interpolation_film")


def test_templates_are_found_in_every_package_layout(tmp_path, monkeypatch):
    """0.4 to 0.10 keep the index in -media-other and the workflows in the media bundles."""
    entries = [e for e in recorded_entries(NEWEST) if not is_cloud_template(e)][:3]
    other = tmp_path / "comfyui_workflow_templates_media_other"
    video = tmp_path / "comfyui_workflow_templates_media_video"
    for package in (other, video):
        (package / "templates").mkdir(parents=True)
        (package / "__init__.py").write_text("")
    write_templates(other / "templates", entries, workflows=video / "templates")
    only_these = ("comfyui_workflow_templates_media_other", "comfyui_workflow_templates_media_video")
    monkeypatch.setattr("workflows_library.templates._TEMPLATE_PACKAGES", only_these)  # not the installed
    monkeypatch.syspath_prepend(str(tmp_path))
    assert template_folders() == [other / "templates", video / "templates"]
    assert templates_dir() == other / "templates"
    assert {c.id for c in load_templates()} == {template_id(e["name"]) for e in entries}


def test_live_ids_resolve_on_the_installed_version():
    if templates_dir() is None:
        pytest.skip("comfyui-workflow-templates is not installed")
    ids = template_ids()
    library = load_templates()
    installed = {template_id(name) for name in ids.renamed.values()} & library.cards.keys()
    assert installed, "no renamed template is installed"
    for old_name, new_name in ids.renamed.items():
        if template_id(new_name) in library.cards:
            assert library.card(template_id(old_name)).id == template_id(new_name)
    answered = 0
    for name in ids.removed:
        if template_id(name) in library.cards or is_cloud_template({"name": name}):
            continue
        with pytest.raises(UnknownWorkflowError, match="the closest match is 'tpl_"):
            library.card(template_id(name))
        answered += 1
    assert answered, "no removed template to answer for"
