"""Media caches at rest: with a data directory that encrypts everything, preview proxies are kept only in
encrypted form, and the engine scrubs them as it scrubs plain ones (a seekable reader decrypts the chunk FFmpeg
asks for). The reader returns exactly the plaintext at any offset and refuses changed or cut files."""

from __future__ import annotations

import io
import os
import random
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("cryptography")
pytest.importorskip("argon2")

from kijkocut import samples  # noqa: E402
from kijkocut.media.probe import probe_media  # noqa: E402
from kijkocut.model import ClipElement, MediaRef, Project, ProjectSettings, Track  # noqa: E402
from kijkocut.render.frames import render_frame  # noqa: E402
from kijkocut.service.preview import ProxyCache  # noqa: E402
from kijkocut.vault import reader, rows  # noqa: E402
from kijkocut.vault.errors import LockedError, TamperedError  # noqa: E402
from kijkocut.vault.keys import KdfParams, Vault  # noqa: E402
from kijkocut.vault.reader import SealedReader  # noqa: E402
from kijkocut.vault.stream import encrypt_bytes  # noqa: E402

FAST = KdfParams(time_cost=1, memory_cost=1024, parallelism=1, salt="AAAAAAAAAAAAAAAAAAAAAA==")
KEY, KEY_ID = os.urandom(32), os.urandom(16)


def _sealed(tmp_path, plain: bytes, chunk: int):
    path = tmp_path / "sealed.bin"
    path.write_bytes(encrypt_bytes(plain, KEY, KEY_ID, chunk_size=chunk))
    return path


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 10_000, 25_123])
def test_the_reader_returns_the_plaintext_at_any_offset(tmp_path, size):
    plain = os.urandom(size)
    with SealedReader(_sealed(tmp_path, plain, 1000), lambda key_id: KEY) as sealed:
        assert sealed.size == size and sealed.read() == plain
        rng = random.Random(size)
        for _ in range(50):
            start, length = rng.randrange(size + 5), rng.randrange(3000)
            sealed.seek(start)
            assert sealed.read(length) == plain[start : start + length]
        if size >= 3:
            sealed.seek(-3, io.SEEK_END)
            assert sealed.read() == plain[-3:]


@pytest.mark.parametrize("damage", ["flip", "cut at a chunk", "cut inside a chunk"])
def test_the_reader_refuses_a_changed_or_cut_file(tmp_path, damage):
    path = _sealed(tmp_path, os.urandom(5000), 1000)
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[-40] ^= 1
    elif damage == "cut at a chunk":
        data = data[: len(data) - (1000 + 16)]
    else:
        data = data[:-7]
    path.write_bytes(bytes(data))
    with pytest.raises(TamperedError, match="sealed.bin"), SealedReader(path, lambda key_id: KEY) as sealed:
        sealed.read()


@pytest.fixture
def encrypted_data_dir(tmp_path, monkeypatch):
    data = tmp_path / "data"
    for name in ("KIJKOCUT_PASSPHRASE", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIJKOCUT_DATA_DIR", str(data))
    Vault.for_data_dir(data, env={}).init("pass phrase", params=FAST, encrypt_new_projects=True)
    monkeypatch.setenv("KIJKOCUT_PASSPHRASE", "pass phrase")
    monkeypatch.setattr(reader, "_default_vault", None)
    rows._shared.cache_clear()
    return data


def test_proxies_are_kept_encrypted_and_scrub_like_plain_ones(tmp_path, encrypted_data_dir, monkeypatch):
    source = samples.write_video(tmp_path / "long.mp4", seconds=3, width=1280, height=720, rate=25, gop=250)
    ref = MediaRef(id="m1", path=str(source), info=probe_media(source))
    clip = ClipElement(id="c1", media_id="m1", start=Fraction(0), duration=Fraction(3))
    project = Project(
        name="p",
        settings=ProjectSettings(width=1280, height=720, frame_rate="25"),
        media={"m1": ref},
        tracks=[Track(id="v1", kind="video", elements=[clip])],
    )
    cache = ProxyCache(tmp_path / "proxies")
    [future] = cache.request(project, None)
    proxy = future.result(timeout=120)
    cache.close()
    assert proxy.read_bytes().startswith(b"KJKCRYPT")
    assert [p.name for p in (tmp_path / "proxies").iterdir()] == [proxy.name]  # no plain copy, no partial
    proxied = cache.proxied(project)
    for seconds in (Fraction(0), Fraction(41, 25), Fraction(74, 25)):  # seeks forward and back
        original = render_frame(project, seconds, width=640).astype(int)
        scrubbed = render_frame(proxied, seconds, width=640).astype(int)
        assert np.abs(original - scrubbed).mean() < 6, seconds

    monkeypatch.delenv("KIJKOCUT_PASSPHRASE")
    monkeypatch.setattr(reader, "_default_vault", None)
    with pytest.raises(LockedError, match="kijkocut vault unlock"):
        render_frame(proxied, Fraction(1), width=640)


def test_encrypted_proxies_are_swept_like_plain_ones(tmp_path, encrypted_data_dir, monkeypatch):
    from kijkocut.atomic import LockedPartial
    from kijkocut.media.probe import content_hash
    from kijkocut.service import proxy_sweep
    from kijkocut.service.store import ProjectStore

    refs = []
    for index, name in enumerate("abc"):
        path = samples.write_video(
            tmp_path / f"{name}.mp4", seconds=0.5, width=320, height=180, rate=10, hue=60 * index
        )
        refs.append(
            MediaRef(id=name, path=str(path), info=probe_media(path), content_hash=content_hash(path))
        )
    clips = [
        ClipElement(id=f"c{i}", media_id=ref.id, start=Fraction(i, 2), duration=Fraction(1, 2))
        for i, ref in enumerate(refs)
    ]
    every = Project(
        name="all",
        settings=ProjectSettings(width=320, height=180, frame_rate="10"),
        media={ref.id: ref for ref in refs},
        tracks=[Track(id="v1", kind="video", elements=clips)],
    )
    cache = ProxyCache(tmp_path / "proxies", height=90, sweep=False)
    proxies = [future.result(timeout=60) for future in cache.request(every, None)]
    cache.close()
    assert all(proxy.read_bytes().startswith(b"KJKCRYPT") for proxy in proxies)
    projects = tmp_path / "projects"
    kept = every.model_copy(
        update={"media": {"a": refs[0]}, "tracks": [Track(id="v1", kind="video", elements=clips[:1])]}
    )
    ProjectStore(projects).adopt(kept)
    assert next(projects.rglob("project.json")).read_bytes().startswith(b"KJKCRYPT")  # sealed too
    for proxy in proxies:
        os.utime(proxy, (1, 1))  # unused for decades
    writing = LockedPartial(
        tmp_path / "proxies", f".{proxies[1].name}.", ".sealing"
    )  # b sealed again meanwhile

    monkeypatch.delenv("KIJKOCUT_PASSPHRASE")  # locked: the sealed project cannot be read
    report = proxy_sweep.sweep(tmp_path / "proxies", cap=10**9, project_folders=[projects])
    assert report.removed == [] and report.unreadable == [str(next(projects.iterdir()))]

    monkeypatch.setenv("KIJKOCUT_PASSPHRASE", "pass phrase")
    report = proxy_sweep.sweep(tmp_path / "proxies", cap=10**9, project_folders=[projects])
    assert sorted(f.path for f, why in report.removed if why == "unreferenced") == sorted(proxies[1:])
    assert proxies[0].is_file() and Path(writing.path).is_file()
    writing.release()
