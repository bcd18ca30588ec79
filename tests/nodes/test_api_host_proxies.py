"""The ComfyUI host's proxy cache: it knows the host's projects folder, so its startup sweep (on the proxy
worker) removes the proxy of media no project there uses and keeps the one a project shows."""

from __future__ import annotations

import os
import time
from fractions import Fraction

from kijkocut import samples
from kijkocut.media.probe import content_hash, probe_media
from kijkocut.media.proxies import make_proxy, proxy_file_name
from kijkocut.model import ClipElement, MediaRef, Project, ProjectSettings, Track
from kijkocut.service.proxy_sweep import CacheCap
from kijkocut.service.store import ProjectStore


def test_the_hosts_proxy_folder_is_swept_against_its_projects_at_startup(pack, tmp_path):
    folders = {kind: tmp_path / kind for kind in ("input", "output", "temp", "user")}
    for folder in folders.values():
        folder.mkdir()
    proxies = tmp_path / "user" / "kijkocut" / "proxies"
    refs, made = [], []
    for name, hue in (("shown", 0), ("gone", 120)):
        clip = samples.write_video(
            folders["input"] / f"{name}.mp4", seconds=0.5, width=320, height=180, hue=hue
        )
        ref = MediaRef(id=name, path=str(clip), info=probe_media(clip), content_hash=content_hash(clip))
        proxy = make_proxy(clip, proxies / proxy_file_name(ref.content_hash, 360), height=90)
        month_ago = time.time() - 30 * 24 * 3600
        os.utime(proxy, (month_ago, month_ago))
        refs.append(ref)
        made.append(proxy)
    ProjectStore(tmp_path / "user" / "kijkocut" / "projects").adopt(
        Project(
            name="p",
            settings=ProjectSettings(width=320, height=180, frame_rate="30"),
            media={"shown": refs[0]},
            tracks=[
                Track(
                    id="v1",
                    kind="video",
                    elements=[
                        ClipElement(id="c1", media_id="shown", start=Fraction(0), duration=Fraction(1, 2))
                    ],
                )
            ],
        )
    )
    api = pack("nodes.api_host").comfyui_project_api(
        lambda kind: str(folders[kind]) if kind in ("input", "output", "temp") else None,
        str(folders["user"]),
        lambda event, data: None,
        {"KIJKOCUT_PROXY_CACHE_MAX": "1G"},
        watch=False,
    )
    assert api.proxies.cap == CacheCap(fixed=1024**3)  # the setting as the host was given it
    api.proxies.wait_idle(timeout=60)
    assert made[0].is_file() and not made[1].exists()
    assert [(f.path, why) for f, why in api.proxies.last_sweep.removed] == [(made[1], "unreferenced")]
    api.proxies.close()
