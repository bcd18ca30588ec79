"""Private sync: a project bundle moved between two data directories (two devices) whose media live at
different paths, through a folder standing in for Syncthing; concurrent edits detected by revision and kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("cryptography")
pytest.importorskip("argon2")

from kijkocut import samples  # noqa: E402
from kijkocut.service.actions import ActionContext, run_action  # noqa: E402
from kijkocut.service.bundle import export_bundle, import_bundle  # noqa: E402
from kijkocut.service.store import ProjectStore  # noqa: E402
from kijkocut.vault.errors import TamperedError, WrongPassphraseError  # noqa: E402
from kijkocut.vault.keys import KdfParams  # noqa: E402

FAST = KdfParams(time_cost=1, memory_cost=1024, parallelism=1, salt="AAAAAAAAAAAAAAAAAAAAAA==")
PASS = "our sync passphrase"


class Device:
    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.store = ProjectStore(root / "projects")
        self.media = root / "footage"
        self.media.mkdir(parents=True)

    def ctx(self) -> ActionContext:
        return ActionContext(resolve_path=lambda name: Path(name).resolve())

    def export(self, project_id: str, sync: Path, **options) -> Path:
        return export_bundle(self.store, project_id, sync, PASS, data_dir=self.data, params=FAST, **options)

    def unplug(self) -> None:
        """Both devices share this machine's disk: hide the laptop's footage, as on another computer."""
        self.media.rename(self.root / "footage-unplugged")

    def import_(self, bundle: Path, **options):
        return import_bundle(self.store, bundle, PASS, data_dir=self.data, media_dirs=[self.media], **options)


@pytest.fixture
def devices(tmp_path):
    laptop, desktop = Device(tmp_path / "laptop"), Device(tmp_path / "desktop")
    clip = samples.write_video(laptop.media / "beach.mp4", seconds=1, width=160, height=90, rate=15, hue=30)
    project = laptop.store.create("Summer")
    run_action(laptop.store, project.id, "import_media", {"path": str(clip)}, ctx=laptop.ctx())
    return laptop, desktop, project.id, tmp_path / "Sync"


def test_a_bundle_carries_nothing_readable(devices):
    laptop, _desktop, project_id, sync = devices
    bundle = laptop.export(project_id, sync, with_media=True)
    for path in bundle.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            assert b"Summer" not in raw and b"beach" not in raw and project_id.encode() not in raw, path


def test_media_found_locally_by_content_is_relinked_not_copied(devices):
    laptop, desktop, project_id, sync = devices
    # The same footage on the other device, in another folder under another name.
    (desktop.media / "2026").mkdir()
    shutil.copy(laptop.media / "beach.mp4", desktop.media / "2026" / "IMG_0001.mp4")
    bundle = laptop.export(project_id, sync, with_media=True)
    laptop.unplug()
    result = desktop.import_(bundle)
    assert result.outcome == "added"
    [(media_id, path)] = result.relinked.items()
    assert path == str(desktop.media / "2026" / "IMG_0001.mp4") and not result.unpacked
    assert desktop.store.get(project_id).media[media_id].path == path


def test_media_missing_locally_is_unpacked_from_the_bundle(devices):
    laptop, desktop, project_id, sync = devices
    original = (laptop.media / "beach.mp4").read_bytes()
    laptop.export(project_id, sync, with_media=True)
    laptop.store.rename(project_id, "Summer, second export")  # the media already there are kept
    bundle = laptop.export(project_id, sync, with_media=True)
    laptop.unplug()
    result = desktop.import_(bundle)
    [(media_id, path)] = result.unpacked.items()
    assert Path(path).read_bytes() == original
    assert desktop.store.get(project_id).media[media_id].path == path
    assert Path(path).is_relative_to(desktop.data / "media")
    without = desktop.import_(
        laptop.export(project_id, sync / "lean"),
    )
    assert without.outcome == "unchanged"


def test_a_bundle_without_media_names_what_is_missing(devices):
    laptop, desktop, project_id, sync = devices
    bundle = laptop.export(project_id, sync)
    laptop.unplug()
    result = desktop.import_(bundle)
    assert result.outcome == "added" and len(result.missing) == 1


def test_edits_flow_both_ways_and_concurrent_edits_keep_both(devices):
    laptop, desktop, project_id, sync = devices
    assert desktop.import_(laptop.export(project_id, sync, with_media=True)).outcome == "added"
    # Desktop edits, laptop had not changed since: the laptop takes the newer version.
    desktop.store.rename(project_id, "Summer (desktop cut)")
    assert laptop.import_(desktop.export(project_id, sync)).outcome == "updated"
    assert laptop.store.get(project_id).name == "Summer (desktop cut)"
    # An older bundle (the desktop's, made before the laptop edited again) leaves the newer local project.
    old_bundle = desktop.export(project_id, sync / "old")
    laptop.store.rename(project_id, "Summer v3")
    assert laptop.import_(old_bundle).outcome == "local is newer"
    assert laptop.store.get(project_id).name == "Summer v3"
    # Both edit after the last sync: the local project stays, the other version is added beside it.
    desktop.store.rename(project_id, "Summer (desktop v4)")
    result = laptop.import_(desktop.export(project_id, sync))
    assert result.outcome == "kept both" and result.copy_id
    assert laptop.store.get(project_id).name == "Summer v3"
    assert laptop.store.get(result.copy_id).name.startswith("Summer (desktop v4) (other device")


def test_wrong_passphrase_and_tampered_bundles_are_refused(devices):
    laptop, desktop, project_id, sync = devices
    bundle = laptop.export(project_id, sync)
    with pytest.raises(WrongPassphraseError):
        import_bundle(desktop.store, bundle, "guess", data_dir=desktop.data)
    raw = bytearray((bundle / "project.kjk").read_bytes())
    raw[-3] ^= 1
    (bundle / "project.kjk").write_bytes(bytes(raw))
    with pytest.raises(TamperedError, match="project.kjk"):
        desktop.import_(bundle)
    assert not desktop.store.file(project_id).exists()


def test_concurrent_edits_of_different_things_are_merged(devices):
    laptop, desktop, project_id, sync = devices
    assert desktop.import_(laptop.export(project_id, sync, with_media=True)).outcome == "added"
    run_action(laptop.store, project_id, "add_marker", {"time": 0.5, "name": "laptop note"}, ctx=laptop.ctx())
    desktop.store.rename(project_id, "Summer (desktop title)")
    result = laptop.import_(desktop.export(project_id, sync))
    assert result.outcome == "merged" and result.copy_id is None
    merged = laptop.store.get(project_id)
    assert merged.name == "Summer (desktop title)" and [m.name for m in merged.markers] == ["laptop note"]
    assert [entry.label for entry in merged.history.done][-2:] == ["Add marker", "Rename project"]
    laptop.store.undo(project_id)  # the merged edit is one undo step like any other
    assert laptop.store.get(project_id).name == "Summer"
    laptop.store.redo(project_id)
    # The desktop had not changed since: it takes the merged project as it is.
    assert desktop.import_(laptop.export(project_id, sync)).outcome == "updated"
    assert desktop.store.get(project_id).markers[0].name == "laptop note"


def test_the_bundle_commands(devices):
    """kijkocut bundle export/import as a user runs them, between two data directories."""
    import os
    import subprocess
    import sys

    laptop, desktop, project_id, sync = devices
    kijkocut = str(Path(sys.executable).parent / "kijkocut")
    base = {k: v for k, v in os.environ.items() if not k.startswith("KIJKOCUT_")}
    base["KIJKOCUT_BUNDLE_PASSPHRASE"] = PASS

    def env(device: Device) -> dict[str, str]:
        return {
            **base,
            "KIJKOCUT_DATA_DIR": str(device.data),
            "KIJKOCUT_PROJECTS_DIR": str(device.store.root),
        }

    out = subprocess.run(
        [kijkocut, "bundle", "export", project_id, str(sync), "--media", "--kdf-seconds", "0.05"],
        env=env(laptop),
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    laptop.unplug()
    into = subprocess.run(
        [
            kijkocut,
            "bundle",
            "import",
            str(sync / f"{project_id}.kjkbundle"),
            "--media-dir",
            str(desktop.media),
        ],
        env=env(desktop),
        capture_output=True,
        text=True,
    )
    assert into.returncode == 0, into.stderr
    assert f"{project_id}: added" in into.stdout and "unpacked to" in into.stdout
    wrong = subprocess.run(
        [kijkocut, "bundle", "import", str(sync / f"{project_id}.kjkbundle")],
        env={**env(desktop), "KIJKOCUT_BUNDLE_PASSPHRASE": "guess"},
        capture_output=True,
        text=True,
    )
    assert wrong.returncode == 1 and "wrong bundle passphrase" in wrong.stderr
