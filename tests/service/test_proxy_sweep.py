"""The preview proxy folder kept bounded (kijkocut.service.proxy_sweep, ProxyCache): real proxies of tiny
generated clips, stored projects that reference some of them, and file times set to say when each was last used.
Unreferenced proxies go after their grace period, then the least recently used over the cap; a project shown
in this process keeps its proxies; a partial another process is writing stays; sweeps run on the proxy worker
at startup and after each new proxy."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest

from kijkocut import samples
from kijkocut.atomic import LockedPartial
from kijkocut.media.probe import content_hash, probe_media
from kijkocut.media.proxies import PROXY_PARTIAL
from kijkocut.model import ClipElement, MediaRef, Project, ProjectSettings, Track
from kijkocut.service import proxy_sweep
from kijkocut.service.errors import ServiceError
from kijkocut.service.preview import ProxyCache
from kijkocut.service.proxy_sweep import GRACE_SECONDS, CacheCap, ProxyFile, parse_cap, plan
from kijkocut.service.store import ProjectStore

HEIGHT = 90  # proxies of 320x180 clips: a few KB each, made in a fraction of a second
DAY = 24 * 3600
BIG = CacheCap(fixed=10**12)


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, MediaRef]:
    folder = tmp_path_factory.mktemp("clips")
    refs = {}
    for index, name in enumerate("abcde"):
        path = samples.write_video(
            folder / f"{name}.mp4", seconds=0.5, width=320, height=180, rate=10, hue=index * 60
        )
        refs[name] = MediaRef(
            id=name, path=str(path), info=probe_media(path), content_hash=content_hash(path)
        )
    return refs


def project_of(refs: list[MediaRef], name: str = "p") -> Project:
    clips = [
        ClipElement(id=f"c{i}", media_id=ref.id, start=Fraction(i, 2), duration=Fraction(1, 2))
        for i, ref in enumerate(refs)
    ]
    return Project(
        name=name,
        settings=ProjectSettings(width=320, height=180, frame_rate="10"),
        media={ref.id: ref for ref in refs},
        tracks=[Track(id="v1", kind="video", elements=clips)],
    )


def make_proxies(folder: Path, refs: list[MediaRef]) -> dict[str, Path]:
    """Real proxies, made the way the panel's worker makes them."""
    maker = ProxyCache(folder, height=HEIGHT, cap=BIG, sweep=False)
    for future in maker.request(project_of(refs), None):
        assert future.result(timeout=60) is not None
    maker.close()
    return {ref.id: maker.path_for(ref) for ref in refs}


def last_used(path: Path, seconds_ago: float) -> None:
    when = time.time() - seconds_ago
    os.utime(path, (when, when))


def test_caps_as_users_write_them():
    assert parse_cap("20G").fixed == 20 * 1024**3
    assert parse_cap("500 MB").fixed == 500 * 1024**2
    assert parse_cap("1.5GiB").fixed == 3 * 1024**3 // 2
    assert parse_cap("4096").fixed == 4096
    assert parse_cap("0").fixed == 0
    share = parse_cap("10%")
    assert (share.fixed, share.share, share.ceiling) == (None, Fraction(1, 10), None)
    default = parse_cap("")
    assert (default.fixed, default.share, default.ceiling) == (None, Fraction(1, 4), 20 * 1024**3)
    for bad in ("lots", "20 parsecs", "0%", "150%", "-5G"):
        with pytest.raises(ServiceError, match="KIJKOCUT_PROXY_CACHE_MAX must be a size such as 20G"):
            parse_cap(bad)


def test_the_default_cap_is_20_gib_or_a_quarter_of_the_room(tmp_path):
    import shutil

    free = shutil.disk_usage(tmp_path).free
    cache = 10 * 1024**2
    assert CacheCap().resolve(tmp_path / "not" / "yet", cache) == min(20 * 1024**3, (free + cache) // 4)
    assert parse_cap("10%").resolve(tmp_path, cache) == (free + cache) // 10


def _file(name: str, size: int, days_ago: float) -> ProxyFile:
    return ProxyFile(Path(f"/nowhere/{name}_90p.mp4"), name, size, 1_000_000_000 - days_ago * DAY)


def test_the_plan_takes_expired_orphans_then_orphans_then_the_oldest_never_protected_ones():
    now = 1_000_000_000
    files = [
        _file("aaaaaaaa", 100, 30),  # referenced, oldest
        _file("bbbbbbbb", 100, 1),  # referenced, recent
        _file("cccccccc", 100, 8),  # unreferenced past the grace
        _file("dddddddd", 100, 2),  # unreferenced within the grace
        _file("eeeeeeee", 100, 60),  # protected: shown by an open project
    ]
    referenced = {"aaaaaaaa", "bbbbbbbb", "eeeeeeee"}
    chosen = plan(files, cap=10**6, now=now, referenced=referenced, protected={"eeeeeeee"})
    assert [(f.identity, why) for f, why in chosen] == [("cccccccc", "unreferenced")]
    chosen = plan(files, cap=250, now=now, referenced=referenced, protected={"eeeeeeee"})
    assert [(f.identity, why) for f, why in chosen] == [
        ("cccccccc", "unreferenced"),
        ("dddddddd", "over the cap"),  # unreferenced goes before the older referenced one
        ("aaaaaaaa", "over the cap"),
    ]
    # Projects not known (or one unreadable): nothing is unreferenced, the oldest go first.
    chosen = plan(files, cap=250, now=now, referenced=None, protected={"eeeeeeee"})
    assert [f.identity for f, _ in chosen] == ["aaaaaaaa", "cccccccc", "dddddddd"]
    # Protected proxies alone over the cap: kept all the same.
    assert plan(files, cap=0, now=now, referenced=None, protected={f.identity for f in files}) == []


def test_a_sweep_removes_unreferenced_proxies_after_the_grace_then_the_oldest_over_the_cap(clips, tmp_path):
    projects = tmp_path / "projects"
    ProjectStore(projects).adopt(project_of([clips["a"], clips["b"], clips["c"]], "kept"))
    proxies = make_proxies(tmp_path / "proxies", [clips[name] for name in "abcde"])
    last_used(proxies["a"], 30 * DAY)
    last_used(proxies["b"], 3600)
    last_used(proxies["c"], 2 * DAY)
    last_used(proxies["d"], GRACE_SECONDS + DAY)  # its project was deleted long ago
    last_used(proxies["e"], DAY)  # removed from its project yesterday: an undo may bring it back

    report = proxy_sweep.sweep(tmp_path / "proxies", cap=BIG, project_folders=[projects])
    assert [(f.path, why) for f, why in report.removed] == [(proxies["d"], "unreferenced")]
    assert not proxies["d"].exists() and all(proxies[name].is_file() for name in "abce")
    assert report.freed > 0 and report.after_bytes == sum(proxies[name].stat().st_size for name in "abce")

    room = proxies["b"].stat().st_size + proxies["c"].stat().st_size
    report = proxy_sweep.sweep(tmp_path / "proxies", cap=room, project_folders=[projects])
    assert [(f.path.name, why) for f, why in report.removed] == [
        (proxies["e"].name, "over the cap"),
        (proxies["a"].name, "over the cap"),
    ]
    assert sorted(p.name for p in (tmp_path / "proxies").iterdir()) == sorted(
        [proxies["b"].name, proxies["c"].name]
    )


def test_an_unreadable_project_means_nothing_counts_as_unreferenced(clips, tmp_path):
    projects = tmp_path / "projects"
    (projects / "broken").mkdir(parents=True)
    (projects / "broken" / "project.json").write_text("{ not json")
    proxies = make_proxies(tmp_path / "proxies", [clips["a"]])
    last_used(proxies["a"], 90 * DAY)
    report = proxy_sweep.sweep(tmp_path / "proxies", cap=BIG, project_folders=[projects])
    assert report.removed == [] and proxies["a"].is_file()
    assert report.unreadable == [str(projects / "broken")]


def test_a_project_shown_in_this_process_keeps_its_proxies_and_marks_their_use(clips, tmp_path):
    proxies = make_proxies(tmp_path / "proxies", [clips["a"], clips["b"]])
    for path in proxies.values():
        last_used(path, 40 * DAY)
    cache = ProxyCache(tmp_path / "proxies", height=HEIGHT, cap=CacheCap(fixed=0), sweep=False)
    shown = cache.proxied(project_of([clips["a"]]))  # the panel scrubs a project that uses a
    assert shown.media["a"].path == str(proxies["a"])
    assert time.time() - proxies["a"].stat().st_atime < 60  # its use is written for other processes too

    report = cache.sweep()
    assert [f.path for f, _ in report.removed] == [proxies["b"]]
    assert proxies["a"].is_file()
    cache.close()


# Another process (a second ComfyUI, an MCP server) making a proxy with the engine's make_proxy; it stops at
# its first frame until told to go on ("go") or to die without cleaning up ("die").
WRITER = """
import os, sys
from kijkocut.media.proxies import make_proxy
asked = []
def cancel():
    if not asked:
        asked.append(1)
        print("writing", flush=True)
        if sys.stdin.readline().strip() == "die":
            os._exit(1)
    return False
make_proxy(sys.argv[1], sys.argv[2], height=90, cancel=cancel)
print("done", flush=True)
"""


def start_writer(source: str, target: Path) -> subprocess.Popen:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, source, str(target)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline().strip() == "writing"
    return writer


def partials(folder: Path) -> list[Path]:
    return [path for path in folder.iterdir() if PROXY_PARTIAL.fullmatch(path.name)]


def test_a_proxy_another_process_is_writing_is_left_alone_and_lands_whole(clips, tmp_path):
    import av

    folder = tmp_path / "proxies"
    proxies = make_proxies(folder, [clips["a"]])
    target = folder / f"{clips['b'].content_hash[:40]}_{HEIGHT}p.mp4"
    writer = start_writer(clips["b"].path, target)
    try:
        [partial] = partials(folder)
        report = proxy_sweep.clear(folder)  # `kijkocut storage remove proxies`, and any sweep, alike
        assert [f.path for f, _ in report.removed] == [proxies["a"]]
        assert partial.exists() and report.partials_removed == []
        writer.stdin.write("go\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "done"
    finally:
        writer.communicate(timeout=60)
    with av.open(str(target)) as made:  # whole: every frame of the 0.5 s clip
        assert sum(1 for _ in made.decode(video=0)) == 5
    assert partials(folder) == []

    # A writer that dies mid-way cannot clean up; the kernel drops its lock, and the next sweep takes the partial.
    writer = start_writer(clips["c"].path, folder / f"{clips['c'].content_hash[:40]}_{HEIGHT}p.mp4")
    [partial] = partials(folder)
    writer.communicate("die\n", timeout=60)
    assert writer.returncode == 1 and partial.exists()
    report = proxy_sweep.sweep(folder, cap=BIG)
    assert report.partials_removed == [partial.name] and partials(folder) == [] and target.is_file()


def test_a_proxy_being_written_in_this_process_is_left_alone(tmp_path):
    folder = tmp_path / "proxies"
    folder.mkdir()
    writing = LockedPartial(folder, f".{'f' * 40}_{HEIGHT}p.mp4.", ".partial")
    try:
        assert proxy_sweep.clear(folder).partials_removed == [] and Path(writing.path).is_file()
    finally:
        writing.release()


def test_sweeps_run_on_the_worker_at_startup_and_after_each_new_proxy(clips, tmp_path):
    folder = tmp_path / "proxies"
    old = make_proxies(folder, [clips["a"], clips["b"]])
    last_used(old["a"], 10 * DAY)
    last_used(old["b"], 5 * DAY)
    one = max(path.stat().st_size for path in old.values())
    cache = ProxyCache(folder, height=HEIGHT, cap=CacheCap(fixed=one + one // 2))
    cache.wait_idle(timeout=60)
    assert cache.last_sweep is not None and [f.path for f, _ in cache.last_sweep.removed] == [old["a"]]

    [future] = cache.request(project_of([clips["c"]]), None)
    made = future.result(timeout=60)
    cache.wait_idle(timeout=60)
    # The new proxy pushed the folder over its cap: the older one went, the new one stays.
    assert [(f.path, why) for f, why in cache.last_sweep.removed] == [(old["b"], "over the cap")]
    assert [p.name for p in folder.iterdir()] == [made.name]
    cache.close()


def test_a_bad_cap_setting_falls_back_to_the_default_with_a_warning(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("KIJKOCUT_PROXY_CACHE_MAX", "huge")
    cache = ProxyCache(tmp_path / "proxies", sweep=False)
    assert cache.cap == CacheCap()
    assert "KIJKOCUT_PROXY_CACHE_MAX must be a size" in caplog.text
    monkeypatch.setenv("KIJKOCUT_PROXY_CACHE_MAX", "2G")
    assert ProxyCache(tmp_path / "proxies", sweep=False).cap == CacheCap(fixed=2 * 1024**3)


def test_a_project_changed_since_the_last_sweep_is_read_again(clips, tmp_path):
    store = ProjectStore(tmp_path / "projects")
    project = store.adopt(project_of([clips["a"], clips["b"]]))
    proxies = make_proxies(tmp_path / "proxies", [clips["a"], clips["b"]])
    for path in proxies.values():
        last_used(path, 30 * DAY)
    cache = ProxyCache(
        tmp_path / "proxies", height=HEIGHT, cap=BIG, project_folders=[store.root], sweep=False
    )
    assert cache.sweep().removed == []  # both referenced (and remembered)
    store.replace(project_of([clips["a"]]).model_copy(update={"id": project.id}))
    assert [(f.path, why) for f, why in cache.sweep().removed] == [(proxies["b"], "unreferenced")]
    store.delete(project.id)
    assert [f.path for f, _ in cache.sweep().removed] == [proxies["a"]]
    cache.close()


def test_media_an_undo_can_bring_back_keep_their_proxy_while_the_project_is_recent(clips, tmp_path):
    from kijkocut.edit.commands import RemoveMedia

    store = ProjectStore(tmp_path / "projects")
    project = project_of([clips["a"]])
    project.media["b"] = clips["b"]  # imported, never placed on the timeline
    store.adopt(project)
    proxies = make_proxies(tmp_path / "proxies", [clips["a"], clips["b"]])
    store.apply(project.id, [RemoveMedia(media_id="b")])
    for path in proxies.values():
        last_used(path, 30 * DAY)
    # Saved just now with b in its history: Ctrl+Z puts b back, so its proxy stays, although unused for a month.
    report = proxy_sweep.sweep(tmp_path / "proxies", cap=BIG, project_folders=[store.root])
    assert report.removed == [] and proxies["b"].is_file()
    # Still first to go over the cap, before the proxy the timeline shows.
    report = proxy_sweep.sweep(
        tmp_path / "proxies", cap=proxies["a"].stat().st_size, project_folders=[store.root]
    )
    assert [(f.path, why) for f, why in report.removed] == [(proxies["b"], "over the cap")]

    proxies = make_proxies(tmp_path / "proxies", [clips["b"]]) | {"a": proxies["a"]}
    for path in proxies.values():
        last_used(path, 30 * DAY)
    last_used(store.file(project.id), GRACE_SECONDS + DAY)  # the project untouched since the grace ran out
    report = proxy_sweep.sweep(tmp_path / "proxies", cap=BIG, project_folders=[store.root])
    assert [(f.path, why) for f, why in report.removed] == [(proxies["b"], "unreferenced")]
    assert proxies["a"].is_file()


def test_a_proxy_made_for_a_project_open_here_survives_a_cap_it_alone_exceeds(clips, tmp_path):
    cache = ProxyCache(tmp_path / "proxies", height=HEIGHT, cap=CacheCap(fixed=0))
    [future] = cache.request(project_of([clips["d"]]), None)  # an import in this process asked for it
    made = future.result(timeout=60)
    cache.wait_idle(timeout=60)
    assert cache.last_sweep is not None and cache.last_sweep.removed == [] and made.is_file()
    # A process where no project shows it (the CLI's sweep) applies the cap.
    assert [f.path for f, _ in proxy_sweep.sweep(tmp_path / "proxies", cap=0).removed] == [made]
    cache.close()
