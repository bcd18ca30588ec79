"""Every path a client can name, swept: the real MCP server in-process, every tool and resource template, every
path-like parameter found FROM THE SCHEMAS (so a new tool is covered without touching this file), plus the file
paths nested in values (effect parameters, a title's font through property_set, workflow media inputs).

Each is attacked with traversal, absolute paths outside, symlinks in the workspace pointing out, /proc, encoded
forms, NUL bytes, '~' and Windows separators. Outside the workspace lie canary files holding a random secret;
no byte of it (nor of /etc/passwd or this process's environment) may appear in any response, nothing may
reach the ComfyUI stand-in, and no project may end up storing a path outside the allowed folders."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import numpy as np
import pytest
from mcp import Client, MCPError
from PIL import Image

from kijkocut.paths import PathPolicy, project_paths
from kijkocut.project_io import load_project
from kijkocut.render.text import _font_files
from mcp_server.config import ServerConfig
from mcp_server.server import build_server
from mcp_server.services import Services

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflows_library"))
from wl_fake_comfy import FakeComfy, core_object_info  # noqa: E402

SECRET = "canary-" + secrets.token_hex(16)
OUTSIDE_FILES = [
    "secret.mp4",
    "secret.png",
    "secret.cube",
    "secret.srt",
    "secret.vtt",
    "secret.otio",
    "secret.ttf",
    "secret.json",
    "secret",
]
WORKFLOW = "image_upscale_esrgan_4x"
UPSCALER = "RealESRGAN_x4plus.safetensors"
# A parameter is path-like when its name or description says so; "strict" ones must refuse every attack.
PATH_LIKE = re.compile(r"path|file|folder|director|font|lut|\.srt|\.otio|output|uri|name", re.IGNORECASE)
STRICT = re.compile(r"path|folder|font|file_name", re.IGNORECASE)
MIN_PATH_PARAMS = 12


def _leak_markers() -> list[str]:
    """What must never come back: windows of the canary, /etc/passwd's first line, this process's environment."""
    markers = [SECRET[i : i + 12] for i in range(0, len(SECRET) - 11, 4)]
    passwd = Path("/etc/passwd")
    if passwd.is_file():
        markers.append(passwd.read_text(errors="replace").splitlines()[0])
    environ = Path("/proc/self/environ")
    if environ.is_file():
        markers += [
            entry
            for entry in environ.read_bytes().decode(errors="replace").split("\x00")
            if len(entry) >= 16 and "=" in entry
        ]
    return markers


def _attacks(workspace: Path, outside: Path, name: str) -> dict[str, str]:
    """Attack label -> value, aimed at `outside/name` (or the outside folder itself when name is empty)."""
    target = outside / name if name else outside
    rel = f"../{outside.name}/{name}" if name else f"../{outside.name}"
    return {
        "traversal": rel,
        "deep traversal": "input/../../../../../../../.." + str(target),
        "absolute outside": str(target),
        "symlink file": f"input/link_{name or 'secret.mp4'}",
        "symlink folder": f"linked/{name}" if name else "linked",
        "proc environ": "/proc/self/environ",
        "etc passwd": "/etc/passwd",
        "url encoded": f"%2e%2e%2f{outside.name}%2f{name}",
        "half encoded": f"..%2f{outside.name}/{name}",
        "nul": f"input/a.mp4\x00{rel}",
        "nul suffix": f"{rel}\x00.png",
        "tilde": f"~/{name}",
        "backslashes": f"..\\{outside.name}\\{name}",
        "windows absolute": "C:\\Windows\\win.ini",
        "file url": f"file://{target}",
    }


# Attacks every strict parameter must refuse (the others may be harmless odd names inside the workspace).
MUST_REFUSE = [
    "traversal",
    "deep traversal",
    "absolute outside",
    "symlink file",
    "symlink folder",
    "proc environ",
    "etc passwd",
    "nul",
    "nul suffix",
    "tilde",
    "backslashes",
]


def _target_name(param: str, description: str) -> str:
    text = f"{param} {description}".lower()
    for hint, name in (
        ("srt", "secret.srt"),
        ("otio", "secret.otio"),
        ("font", "secret.ttf"),
        ("lut", "secret.cube"),
        ("cube", "secret.cube"),
        ("folder", ""),
    ):
        if hint in text:
            return name
    return "secret.mp4"


@dataclass
class Sweep:
    workspace: Path
    outside: Path
    fake: FakeComfy
    markers: list[str]
    responses: int = 0
    refusals: dict[str, set[str]] = field(default_factory=dict)  # "tool.param" -> attack labels refused

    def check(self, where: str, text: str) -> None:
        self.responses += 1
        for marker in self.markers:
            assert marker not in text, f"{where}: the response contains outside content ({marker[:20]}...)"

    async def call(self, client: Client, where: str, tool: str, arguments: dict[str, Any]) -> Any:
        with anyio.fail_after(60):
            result = await client.call_tool(tool, arguments)
        self.check(where, result.model_dump_json())
        return result

    def refused(self, where: str, label: str) -> None:
        self.refusals.setdefault(where, set()).add(label)

    async def render_after(self, client: Client, where: str, arguments: dict[str, Any]) -> None:
        """An accepted value is stored somewhere: rendering the project must not leak it either."""
        if "project_id" in arguments:
            await self.call(
                client,
                f"{where} then frame_render",
                "frame_render",
                {"project_id": arguments["project_id"], "time": 0},
            )


def _ok(result: Any) -> dict:
    assert not result.is_error, result.content[0].text
    return result.structured_content


def _fill(schema: dict, ids: dict[str, Any]) -> dict[str, Any]:
    """Values for a tool's required parameters: known ids by name, else the simplest value the schema allows."""
    arguments: dict[str, Any] = {}
    for name in schema.get("required", []):
        spec = schema["properties"][name]
        if name in ids:
            arguments[name] = ids[name]
        elif "enum" in spec:
            arguments[name] = spec["enum"][0]
        elif spec.get("type") in ("number", "integer"):
            low = spec.get("minimum", spec.get("exclusiveMinimum", 0))
            arguments[name] = (
                low + 1 if "exclusiveMinimum" in spec else max(low, 1 if "minimum" in spec else 0)
            )
        elif spec.get("type") == "boolean":
            arguments[name] = False
        elif spec.get("type") == "object":
            arguments[name] = {}
        elif spec.get("type") == "array":
            arguments[name] = []
        elif "timecode" in spec.get("description", ""):  # a time: a real one, so the call reaches its paths
            arguments[name] = "1"
        else:
            arguments[name] = "x"
    return arguments


async def _setup(client: Client, sweep: Sweep) -> dict[str, Any]:
    """A project with a clip, a title, a caption track and a LUT, built with legitimate workspace paths: the
    positive controls (the same parameters accept what they should)."""
    ws = sweep.workspace
    Image.fromarray(np.full((16, 16, 3), 90, np.uint8)).save(ws / "input" / "photo.png")
    (ws / "input" / "grade.cube").write_text("LUT_1D_SIZE 2\n0 0 0\n1 1 1\n")
    (ws / "input" / "subs.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nhello\n")
    font = next(iter(_font_files().values()), None)
    if font is not None:
        shutil.copy(font, ws / "input" / "Title.ttf")

    project = _ok(
        await sweep.call(client, "setup", "project_create", {"width": 160, "height": 90, "frame_rate": 15})
    )["id"]
    media = _ok(
        await sweep.call(client, "setup", "media_import", {"project_id": project, "path": "input/a.mp4"})
    )
    media_id = media["imported"][0]["id"]
    clip = _ok(await sweep.call(client, "setup", "clip_add", {"project_id": project, "media_id": media_id}))
    clip_id = clip["changed"][0]["id"]
    title_font = "input/Title.ttf" if font is not None else "DejaVu Sans"
    title = _ok(
        await sweep.call(
            client,
            "setup",
            "text_add",
            {"project_id": project, "text": "Hi", "start": 0, "duration": 1, "font": title_font, "size": 12},
        )
    )
    title_id = title["changed"][0]["id"]
    lut = _ok(
        await sweep.call(
            client,
            "setup",
            "effect_add",
            {
                "project_id": project,
                "element_id": clip_id,
                "kind": "lut",
                "params": {"path": "input/grade.cube"},
            },
        )
    )
    captions = _ok(
        await sweep.call(
            client, "setup", "captions_import", {"project_id": project, "path": "input/subs.srt"}
        )
    )
    view = _ok(await sweep.call(client, "setup", "project_describe", {"project_id": project}))
    caption_track = next(
        t["id"]
        for t in view["tracks"]
        if t["kind"] == "text" and any(e["id"] != title_id for e in t["elements"])
    )
    assert captions["revision"] > lut["revision"]
    exported = _ok(await sweep.call(client, "setup", "otio_export", {"project_id": project}))
    _ok(await sweep.call(client, "setup", "otio_import", {"path": exported["file"]["path"]}))
    _ok(await sweep.call(client, "setup", "files_list", {"folder": "input"}))
    frame = await sweep.call(client, "setup", "frame_render", {"project_id": project, "time": 0.5})
    assert not frame.is_error, frame.content[0].text

    # Stored as real paths inside the workspace, the way media paths are.
    stored = load_project(ws / "projects" / project / "project.json")
    assert stored.element(clip_id).effects[0].params["path"] == str((ws / "input" / "grade.cube").resolve())
    if font is not None:
        assert stored.element(title_id).style.font == str((ws / "input" / "Title.ttf").resolve())

    # A legitimate workflow input is uploaded: proof that the upload check below can see uploads.
    job = _ok(
        await sweep.call(
            client, "setup", "workflow_run", {"workflow_id": WORKFLOW, "inputs": {"image": "input/photo.png"}}
        )
    )
    done = _ok(
        await sweep.call(client, "setup", "job_wait", {"job_id": job["job_id"], "timeout_seconds": 30})
    )
    assert done["state"] == "completed", done
    assert [p.name for p in sweep.fake.input_dir.rglob("*") if p.is_file()] == ["photo.png"]

    return {
        "project_id": project,
        "element_id": clip_id,
        "media_id": media_id,
        "track_id": caption_track,
        "effect_id": lut["effect_id"],
        "from_element_id": clip_id,
        "to_element_id": clip_id,
        "transition_id": "trn_none",
        "job_id": "exp_0000000000",
        "workflow_id": WORKFLOW,
        "text": "x",
        "query": "x",
        "title_id": title_id,
    }


async def _sweep_schema_params(client: Client, sweep: Sweep, ids: dict[str, Any]) -> list[str]:
    """Every string (or list of strings) parameter of every tool whose name or description is path-like,
    attacked."""
    found = []
    for tool in (await client.list_tools()).tools:
        schema = tool.input_schema
        for param, spec in schema.get("properties", {}).items():
            description = spec.get("description", "")
            listed = spec.get("type") == "array" and spec.get("items", {}).get("type") == "string"
            if (
                (spec.get("type") != "string" and not listed)
                or "enum" in spec
                or not PATH_LIKE.search(f"{param} {description}")
            ):
                continue
            where = f"{tool.name}.{param}"
            found.append(where)
            name = _target_name(param, description)
            for label, value in _attacks(sweep.workspace, sweep.outside, name).items():
                arguments = {**_fill(schema, ids), param: [value] if listed else value}
                result = await sweep.call(client, f"{where} [{label}]", tool.name, arguments)
                if result.is_error:
                    sweep.refused(where, label)
                elif STRICT.search(param) and label in MUST_REFUSE:
                    pytest.fail(
                        f"{where} accepted the {label} attack {value!r}: {result.content[0].text[:300]}"
                    )
                else:
                    await sweep.render_after(client, f"{where} [{label}]", arguments)
    return found


async def _sweep_nested(client: Client, sweep: Sweep, ids: dict[str, Any]) -> list[str]:
    """Paths inside values: every file-valued effect parameter (from effect_list), a title's font and a whole
    effect list through property_set, and workflow media inputs (from workflow_card)."""
    found = []
    catalogue = _ok(await sweep.call(client, "effect_list", "effect_list", {}))
    file_params = [
        (effect["kind"], param["name"])
        for effect in catalogue["effects"]
        for param in effect["params"]
        if "file" in param["description"].lower()
    ]
    assert ("lut", "path") in file_params
    card = _ok(await sweep.call(client, "workflow_card", "workflow_card", {"workflow_id": WORKFLOW}))
    media_inputs = [i["name"] for i in card["inputs"] if i["type"] in ("image", "video", "audio")]
    assert media_inputs == ["image"]

    project, clip, title = ids["project_id"], ids["element_id"], ids["title_id"]
    cases: list[tuple[str, str, str, Any]] = []  # (where, tool, target name, arguments built from the attack)
    for kind, name in file_params:
        cases.append(
            (
                f"effect_add.params.{name} ({kind})",
                "effect_add",
                "secret.cube",
                lambda v, kind=kind, name=name: {
                    "project_id": project,
                    "element_id": clip,
                    "kind": kind,
                    "params": {name: v},
                },
            )
        )
        cases.append(
            (
                f"effect_update.params.{name} ({kind})",
                "effect_update",
                "secret.cube",
                lambda v, name=name: {
                    "project_id": project,
                    "element_id": clip,
                    "effect_id": ids["effect_id"],
                    "params": {name: v},
                },
            )
        )
    cases += [
        (
            "property_set style.font",
            "property_set",
            "secret.ttf",
            lambda v: {"project_id": project, "element_id": title, "property": "style.font", "value": v},
        ),
        (
            "property_set style",
            "property_set",
            "secret.ttf",
            lambda v: {
                "project_id": project,
                "element_id": title,
                "property": "style",
                "value": json.dumps({"font": v}),
            },
        ),
        (
            "property_set effects",
            "property_set",
            "secret.cube",
            lambda v: {
                "project_id": project,
                "element_id": clip,
                "property": "effects",
                "value": json.dumps([{"kind": "lut", "params": {"path": v}}]),
            },
        ),
    ]
    for input_name in media_inputs:
        for tool in ("workflow_run", "workflow_validate"):
            cases.append(
                (
                    f"{tool}.inputs.{input_name}",
                    tool,
                    "secret.png",
                    lambda v, input_name=input_name: {"workflow_id": WORKFLOW, "inputs": {input_name: v}},
                )
            )
    # A bare name, as a client would give a file it thinks is local: found in the server's working directory
    # (where a canary lies), never in the workspace.
    cases.append(
        (
            "workflow_run.inputs.image (bare name)",
            "workflow_run",
            "",
            lambda v: {"workflow_id": WORKFLOW, "inputs": {"image": "secret.png"}},
        )
    )

    for where, tool, name, build in cases:
        found.append(where)
        for label, value in _attacks(sweep.workspace, sweep.outside, name).items():
            arguments = build(value)
            result = await sweep.call(client, f"{where} [{label}]", tool, arguments)
            if result.is_error:
                sweep.refused(where, label)
            elif tool == "workflow_validate":
                assert not result.structured_content["ok"], (where, label)
                sweep.refused(where, label)
            elif label in MUST_REFUSE:
                pytest.fail(f"{where} accepted the {label} attack {value!r}: {result.content[0].text[:300]}")
            else:
                await sweep.render_after(client, f"{where} [{label}]", arguments)
    return found


async def _sweep_resources(client: Client, sweep: Sweep) -> list[str]:
    found = []
    for template in (await client.list_resource_templates()).resource_templates:
        for variable in re.findall(r"\{\+?(\w+)\}", template.uri_template):
            where = f"{template.uri_template}.{variable}"
            found.append(where)
            for label, value in _attacks(sweep.workspace, sweep.outside, "secret.mp4").items():
                for prefix in ("", "renders/"):
                    uri = re.sub(
                        r"\{\+?" + variable + r"\}", lambda _, v=prefix + value: v, template.uri_template
                    )
                    try:
                        with anyio.fail_after(30):
                            result = await client.read_resource(uri, cache_mode="bypass")
                    except MCPError as exc:
                        sweep.check(f"{where} [{label}]", str(exc))
                        sweep.refused(where, label)
                    except Exception as exc:  # a URI the client itself rejects never reaches the server
                        sweep.check(f"{where} [{label}]", str(exc))
                        sweep.refused(where, label)
                    else:
                        sweep.check(f"{where} [{label}]", result.model_dump_json())
    return found


async def test_no_path_reads_or_sends_anything_outside_the_workspace(tmp_path, workspace_dir, monkeypatch):
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in OUTSIDE_FILES:
        (outside / name).write_text(SECRET + "\n")
        os.symlink(outside / name, workspace_dir / "input" / f"link_{name}")
    os.symlink(outside, workspace_dir / "linked")
    monkeypatch.setenv("HOME", str(outside))  # '~' is the outside folder
    monkeypatch.chdir(outside)  # and so is the server's working directory: bare names must not be found here
    monkeypatch.setenv("KIJKOCUT_DATA_DIR", str(tmp_path / "data"))
    allowed = tmp_path / "allowed_media"
    allowed.mkdir()

    fake = await FakeComfy(
        tmp_path / "comfy", object_info=core_object_info(upscale_models=[UPSCALER])
    ).start()
    try:
        config = ServerConfig(workspace=workspace_dir, media_dirs=[allowed], comfyui_urls=[fake.url])
        services = Services.from_config(config)
        sweep = Sweep(
            workspace=Path(services.workspace.root), outside=outside, fake=fake, markers=_leak_markers()
        )
        async with Client(build_server(services)) as client:
            ids = await _setup(client, sweep)
            params = await _sweep_schema_params(client, sweep, ids)
            nested = await _sweep_nested(client, sweep, ids)
            resources = await _sweep_resources(client, sweep)
            # After all that, the projects still render and describe without a leak.
            for project in _ok(await sweep.call(client, "project_list", "project_list", {}))["projects"]:
                await sweep.call(
                    client, "final frame", "frame_render", {"project_id": project["id"], "time": 0}
                )
                await sweep.call(client, "final describe", "project_describe", {"project_id": project["id"]})
    finally:
        await fake.stop()

    # The sweep found the parameters (from the schemas) and really attacked them.
    assert len(params) >= MIN_PATH_PARAMS, params
    for expected in (
        "media_import.path",
        "media_import.paths",
        "clip_add.path",
        "files_list.folder",
        "captions_import.path",
        "otio_import.path",
        "text_add.font",
        "export_start.file_name",
        "captions_export.file_name",
        "otio_export.file_name",
    ):
        assert expected in params, (expected, params)
    assert "workspace://{+path}.path" in resources
    for where in [p for p in params if STRICT.search(p.split(".", 1)[1])] + nested:
        missing = set(MUST_REFUSE) - sweep.refusals.get(where, set())
        assert not missing, f"{where} did not refuse {sorted(missing)}"
    assert sweep.responses > 400

    # Nothing but the legitimate upload reached ComfyUI, and no outside content did.
    uploads = [p for p in fake.input_dir.rglob("*") if p.is_file()]
    assert [p.name for p in uploads] == ["photo.png"]
    assert not any(SECRET.encode() in p.read_bytes() for p in uploads)

    # No project stores a path outside the allowed folders (however an edit tried to put one there).
    policy = PathPolicy.of([workspace_dir, allowed])
    for project_file in (workspace_dir / "projects").glob("*/project.json"):
        project = load_project(project_file)
        for path in project_paths(project):
            policy.confine(path.value, path.kind, base=project_file.parent)
