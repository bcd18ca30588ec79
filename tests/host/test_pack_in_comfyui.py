"""The pack inside a real ComfyUI server (--cpu, loopback, temp folders): its nodes in /object_info with short
titles, search words and a tooltip on every input, prompts queued through /prompt and waited on over the
websocket, the exported files checked with PyAV, and the panel routes' path confinement (the example workflows
are in test_example_workflows.py). Needs COMFYUI_PATH."""

from __future__ import annotations

import json
import os

import av
import pytest

from kijkocut import samples
from tests.host.example_workflows import combo_options
from tests.nodes.conftest import NODE_IDS

pytestmark = [pytest.mark.host, pytest.mark.slow]


@pytest.fixture(scope="module")
def object_info(comfyui_server):
    return comfyui_server.object_info()


def exported_files(history: dict, server) -> list[str]:
    files = []
    for output in history["outputs"].values():
        for item in output.get("images", []):
            base = {"output": server.output_dir, "temp": server.temp_dir}[item["type"]]
            files.append(os.path.join(base, item["subfolder"], item["filename"]))
    return files


def probe(path: str) -> dict:
    with av.open(path) as container:
        video = container.streams.video[0]
        frames = sum(1 for _ in container.decode(video=0))
        return {
            "duration": container.duration / av.time_base,
            "frames": frames,
            "width": video.width,
            "height": video.height,
            "audio": len(container.streams.audio),
        }


def test_object_info_lists_every_node_with_its_inputs(object_info):
    listed = {name.split(".", 1)[1] for name in object_info if name.startswith("KijkoCut.")}
    assert listed == NODE_IDS
    export = object_info["KijkoCut.ExportTimeline"]
    assert export["output_node"] is True and export["category"] == "KijkoCut/render"
    assert export["input"]["required"]["timeline"][0] == "KIJKOCUT_TIMELINE"
    assert {"preset", "container", "codec", "crf", "width", "height", "start", "end", "audio"} <= set(
        export["input"]["required"]
    )
    assert "shorts" in combo_options(export, "preset")
    load_media = object_info["KijkoCut.LoadMedia"]["input"]["required"]["file"]
    assert load_media[1].get("video_upload") is True
    assert object_info["KijkoCut.RenderTimeline"]["output"] == ["IMAGE", "AUDIO", "FLOAT"]
    assert object_info["KijkoCut.NewTimeline"]["display_name"] == "New Timeline"
    assert object_info["KijkoCut.ExportTimeline"]["display_name"] == "Export Video"
    assert {"crossfade", "wipe_left", "push_up", "iris", "blur_dissolve"} <= set(
        combo_options(object_info["KijkoCut.AddTransition"], "kind")
    )
    assert "gaussian_blur" in combo_options(object_info["KijkoCut.ApplyEffect"], "effect")
    assert object_info["KijkoCut.ApplyEffect"]["output_name"] == ["timeline", "element_id", "effect_id"]
    assert object_info["KijkoCut.SetSpeed"]["category"] == "KijkoCut/animate"


def test_node_list_has_short_titles_search_words_and_tooltips(object_info):
    pack_nodes = {name: entry for name, entry in object_info.items() if name.startswith("KijkoCut.")}
    for name, entry in pack_nodes.items():
        assert "KijkoCut" not in entry["display_name"] and "▸" not in entry["display_name"], name
        words = entry["description"].rpartition("\nSearch: ")[2]
        assert words and words != entry["description"], name
        if "search_aliases" in entry:  # a ComfyUI whose schema has the field
            assert entry["search_aliases"] == words.rstrip(".").split(", ")
        for section in ("required", "optional"):
            for input_name, spec in (entry["input"].get(section) or {}).items():
                assert (spec[1] if len(spec) > 1 else {}).get("tooltip"), f"{name}.{input_name}"
    assert "export video" in pack_nodes["KijkoCut.ExportTimeline"]["description"]


def test_effect_speed_and_wipe_in_a_queued_prompt(comfyui_server, tmp_path):
    names = [
        comfyui_server.upload(
            samples.write_video(tmp_path / f"fx_{hue}.mp4", seconds=2, width=160, height=90, hue=hue)
        )
        for hue in (0, 120)
    ]
    export = {
        "filename_prefix": "kijkocut/fx",
        "preset": "default",
        "container": "mp4",
        "codec": "h264",
        "crf": -1,
        "speed": "preset",
        "width": 0,
        "height": 0,
        "start": 0.0,
        "end": 0.0,
        "audio": False,
    }
    prompt = {
        "1": {"class_type": "KijkoCut.LoadMedia", "inputs": {"file": names[0]}},
        "2": {"class_type": "KijkoCut.LoadMedia", "inputs": {"file": names[1]}},
        "3": {
            "class_type": "KijkoCut.NewTimeline",
            "inputs": {
                "canvas": "custom",
                "width": 160,
                "height": 90,
                "frame_rate": "30",
                "sample_rate": 48000,
                "background": "#000000",
                "name": "fx",
            },
        },
        "4": {
            "class_type": "KijkoCut.AddClip",
            "inputs": {
                "timeline": ["3", 0],
                "media": ["1", 0],
                "track": "V1",
                "start": 0.0,
                "source_out": 1.5,
            },
        },
        "5": {
            "class_type": "KijkoCut.AddClip",
            "inputs": {
                "timeline": ["4", 0],
                "media": ["2", 0],
                "track": "V1",
                "start": 1.5,
                "source_in": 0.5,
            },
        },
        # Half speed on the last added clip (1.5 s of media -> 3 s), then invert the first one, by track and time.
        "6": {
            "class_type": "KijkoCut.SetSpeed",
            "inputs": {
                "timeline": ["5", 0],
                "speed": 0.5,
                "reverse": False,
                "preserve_pitch": True,
                "ripple": True,
                "element_id": "last",
            },
        },
        "7": {
            "class_type": "KijkoCut.ApplyEffect",
            "inputs": {
                "timeline": ["6", 0],
                "effect": "invert",
                "params_json": "{}",
                "element_id": "",
                "track": "V1",
                "time": 0.5,
            },
        },
        "8": {
            "class_type": "KijkoCut.AddTransition",
            "inputs": {
                "timeline": ["7", 0],
                "track": "V1",
                "cut_at": 1.5,
                "kind": "wipe_left",
                "duration": 0.5,
                "alignment": "center",
            },
        },
        "9": {"class_type": "KijkoCut.ExportTimeline", "inputs": {"timeline": ["8", 0], **export}},
    }
    [path] = exported_files(comfyui_server.run_prompt(prompt, timeout=300), comfyui_server)
    facts = probe(path)
    assert facts["frames"] == 135 and facts["duration"] == pytest.approx(4.5, abs=0.1)
    with av.open(str(tmp_path / "fx_0.mp4")) as source, av.open(path) as output:
        original = next(source.decode(video=0)).to_ndarray(format="rgb24").reshape(-1, 3).mean(axis=0)
        exported = next(output.decode(video=0)).to_ndarray(format="rgb24").reshape(-1, 3).mean(axis=0)
    assert abs(exported - (255 - original)).max() < 12


def test_invalid_inputs_are_rejected_before_running(comfyui_server):
    prompt = {
        "1": {"class_type": "KijkoCut.LoadMedia", "inputs": {"file": "../../etc/passwd.mp4"}},
        "2": {
            "class_type": "KijkoCut.NewTimeline",
            "inputs": {
                "canvas": "custom",
                "width": 320,
                "height": 180,
                "frame_rate": "fast",
                "sample_rate": 48000,
                "background": "#000000",
                "name": "x",
            },
        },
        "3": {
            "class_type": "KijkoCut.AddClip",
            "inputs": {"timeline": ["2", 0], "media": ["1", 0], "track": "V1", "start": 0.0},
        },
        "4": {
            "class_type": "KijkoCut.ExportTimeline",
            "inputs": {
                "timeline": ["3", 0],
                "filename_prefix": "x",
                "preset": "default",
                "container": "webm",
                "codec": "h264",
                "crf": -1,
                "speed": "preset",
                "width": 0,
                "height": 0,
                "start": 0.0,
                "end": 0.0,
                "audio": True,
            },
        },
    }
    status, reply = comfyui_server.post_json("/prompt", {"prompt": prompt})
    assert status == 400
    messages = json.dumps(reply["node_errors"])
    assert "'..'" in messages and "frame_rate" in messages and "cannot go in a webm" in messages


def test_routes_serve_inside_and_refuse_outside(comfyui_server, tmp_path):
    clip = samples.write_video(tmp_path / "route_clip.mp4", seconds=1, width=64, height=36)
    name = comfyui_server.upload(clip)
    secret = tmp_path / "secret.mp4"
    secret.write_bytes(clip.read_bytes())
    os.symlink(secret, comfyui_server.input_dir / "escape.mp4")
    status, body = comfyui_server.request("GET", f"/kijkocut/media/info?filename={name}&type=input")
    assert status == 200 and json.loads(body)["video"]["width"] == 64
    for query in (
        "filename=../comfyui.log",
        "filename=%2e%2e%2fcomfyui.log",
        "filename=%2e%2e/%2e%2e/etc/passwd",
        f"filename={secret}",
        "filename=escape.mp4",
        "filename=route_clip.mp4&subfolder=..",
        "filename=route_clip.mp4&type=models",
    ):
        for route in ("info", "thumbnail", "waveform"):
            status, body = comfyui_server.request("GET", f"/kijkocut/media/{route}?{query}")
            assert 400 <= status < 500, (route, query, status)
            assert b"ftyp" not in body and b"Starting server" not in body


def test_http_api_exports_into_the_output_folder_and_refuses_outside_paths(comfyui_server, tmp_path):
    import time

    name = comfyui_server.upload(
        samples.write_video(tmp_path / "api_clip.mp4", seconds=2, width=160, height=90)
    )
    api = "/kijkocut/api"
    status, project = comfyui_server.post_json(
        f"{api}/projects", {"width": 160, "height": 90, "frame_rate": "25"}
    )
    assert status == 201, project
    status, clip = comfyui_server.post_json(
        f"{api}/projects/{project['id']}/actions/add_clip", {"params": {"path": name}, "base_revision": 0}
    )
    assert status == 200, clip
    status, job = comfyui_server.post_json(
        f"{api}/projects/{project['id']}/exports",
        {"filename": "kijkocut/http_export.mp4", "options": {"speed": "ultrafast"}},
    )
    assert status == 202, job
    deadline = time.monotonic() + 120
    while job["status"] not in ("completed", "failed", "cancelled") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = comfyui_server.get_json(f"{api}/jobs/{job['id']}")
    assert job["status"] == "completed", job
    assert job["output"] == str((comfyui_server.output_dir / "kijkocut" / "http_export.mp4").resolve())
    assert probe(job["output"])["frames"] == 50

    lut = {
        "op": "add_effect",
        "element_id": clip["created"]["element_id"],
        "kind": "lut",
        "params": {"path": "/etc/passwd"},
    }
    status, refused = comfyui_server.post_json(
        f"{api}/projects/{project['id']}/commands", {"commands": [lut]}
    )
    assert (
        status == 403
        and "outside the allowed folders" in refused["error"]
        and "root:" not in refused["error"]
    )
    assert comfyui_server.get_json(f"{api}/projects/{project['id']}")["revision"] == 1


def test_startup_objects_are_exempted_from_garbage_collection(comfyui_server):
    """Full collections in the ComfyUI process walk only what was made after start-up (nodes/gc_pauses.py): the
    pack froze the start-up heap once the server began serving."""
    log = comfyui_server.log_path.read_text(errors="replace")
    line = next(line for line in log.splitlines() if "exempted from garbage collection" in line)
    assert int(line.split("KijkoCut: ")[1].split()[0]) > 100_000  # torch and ComfyUI: about half a million


def test_the_edit_channel_works_in_comfyui_and_refuses_other_sites(comfyui_server):
    """The panel's edit WebSocket is served by ComfyUI with its own guard: a page of another site (a foreign
    Origin on the handshake) is refused, as for every ComfyUI route; the same site's page edits."""
    import asyncio

    import aiohttp

    status, created = comfyui_server.post_json("/kijkocut/api/projects", {"name": "Channel"})
    assert status == 201, created
    url = comfyui_server.url.replace("http://", "ws://") + "/api/kijkocut/api/edits"

    async def session() -> tuple[int, dict]:
        async with aiohttp.ClientSession() as client:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(url, headers={"Origin": "http://evil.example"})
            own = comfyui_server.url
            async with client.ws_connect(url, headers={"Origin": own}) as socket:
                await socket.send_json(
                    {
                        "id": 1,
                        "op": "action",
                        "project_id": created["id"],
                        "name": "add_marker",
                        "body": {"params": {"time": 1}},
                    }
                )
                return refused.value.status, await socket.receive_json(timeout=60)

    refused_status, answer = asyncio.run(session())
    assert refused_status == 403
    assert answer["status"] == 200 and answer["answer"]["revision"] == 1
