"""`kijkocut produce`: the gates driven from the command line, across processes' worth of separate calls on one
checkpoint store; clear one-line errors for bad input; the offline demo the README shows."""

from __future__ import annotations

import csv
import json

import pytest

from kijkocut.cli import main

from .conftest import BRIEF


@pytest.fixture
def produce(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KIJKOCUT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KIJKOCUT_AGENTS_DATABASE_URL", raising=False)
    monkeypatch.delenv("KIJKOCUT_AGENTS_BRAIN", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["produce", *args, "--quiet"])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_a_production_from_the_command_line(produce, tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text(BRIEF)
    code, out, _ = produce("start", "--template", "ad_spot", "--brief", str(brief), "--id", "p-cli")
    assert code == 0 and "waiting at the vrd gate" in out
    code, out, _ = produce("review", "p-cli")
    assert "# Video requirements (v1)" in out and "allowed: approve, edit, reject, respond" in out
    assert produce("approve", "p-cli")[0] == 0
    code, out, _ = produce("reject", "p-cli", "--notes", "cta: Ask for it by name.")
    assert code == 0 and "script v2" in out
    code, out, _ = produce("review", "p-cli", "--json")
    script = json.loads(out)["action_requests"][0]["args"]["artefact"]
    script["scenes"][0]["location"] = "Station"
    edited = tmp_path / "script.json"
    edited.write_text(json.dumps(script))
    code, out, _ = produce("edit", "p-cli", str(edited))
    assert code == 0 and "script v3 (approved)" in out and "shot_list gate" in out
    for _ in range(2):
        assert produce("approve", "p-cli")[0] == 0
    code, out, _ = produce("status", "p-cli", "--json")
    assert json.loads(out)["state"] == "done"
    code, out, _ = produce("history", "p-cli")
    assert code == 0 and "next script_gate" in out
    code, out, _ = produce("export", "p-cli", str(tmp_path / "out"))
    assert code == 0
    rows = list(csv.DictReader((tmp_path / "out" / "shot_list.csv").open()))
    assert rows and all(row["workflow_id"] for row in rows)
    fountain = (tmp_path / "out" / "script.fountain").read_text()
    assert "EXT. STATION - MORNING" in fountain and "Ask for it by name." in fountain  # the edit, the notes
    code, out, _ = produce("fork", "p-cli", "--artefact", "vrd", "--new-id", "p-cli-2")
    assert code == 0 and "p-cli-2" in out and "vrd gate" in out
    code, out, _ = produce("list")
    assert "p-cli " in out and "p-cli-2 " in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["status", "nope"], "no production 'nope'"),
        (["status", "../etc"], "invalid production id"),
        (["start", "--template", "sitcom", "--brief", "{brief}"], "unknown template 'sitcom'"),
        (["edit", "p-bad", "{notjson}"], "not JSON"),
        (["approve", "p-bad-done"], "not waiting at a gate"),
    ],
)
def test_bad_requests_get_one_clear_line(produce, tmp_path, args, message):
    brief = tmp_path / "brief.md"
    brief.write_text(BRIEF)
    notjson = tmp_path / "x.json"
    notjson.write_text("{secret contents")
    produce("start", "--template", "ad_spot", "--brief", str(brief), "--id", "p-bad")
    produce("start", "--template", "social_short", "--brief", str(brief), "--id", "p-bad-done")
    while produce("approve", "p-bad-done")[0] == 0:
        pass
    args = [a.format(brief=brief, notjson=notjson) for a in args]
    code, _, err = produce(*args)
    assert code == 2 and message in err and "secret" not in err and len(err.strip().splitlines()) == 1


def test_the_offline_demo_writes_every_artefact(produce, tmp_path):
    code, out, _ = produce("demo", "--out", str(tmp_path / "demo"))
    assert code == 0 and "=== budget gate" in out
    names = sorted(p.name for p in (tmp_path / "demo").iterdir())
    assert names == sorted(
        [
            "vrd.md",
            "script.md",
            "script.fountain",
            "shot_list.md",
            "shot_list.csv",
            "budget.md",
            "production.json",
        ]
    )
