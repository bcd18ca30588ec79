"""Private sync without a server: an encrypted project bundle in any folder the user already syncs (Syncthing,
Nextcloud, a USB stick), exported on one device and imported on another.

    <folder>/<project id>.kjkbundle/
        key.json        the bundle's data key, wrapped by a key from the bundle passphrase (Argon2id, params)
        project.kjk     the project with its history (kijkocut.vault.stream format)
        manifest.kjk    revision, and each media file's content hash, size and name; written last
        media/<hash>.kjk   the media files themselves, with --media

Nothing in the folder is readable without the passphrase, except that a bundle exists and how big it is.

Import relinks media found locally by content hash (the cheap hash the import recorded, checked in the folders
given) and unpacks only what is missing, when the bundle carries it, into `<data dir>/media/<project id>/`. Each device records the revision it last
synced (`<data dir>/sync/<project id>.json`), so a bundle and a local project that both moved on since are
detected: when the two changed different things (entities and tracks, by the history's changes since their
common history) the other device's edits are replayed on the local project (merged, one history entry each);
otherwise the local project is kept and the bundle's version is added beside it as a new project (keep both).
Nothing is overwritten. A local project that did not change since the last sync is replaced by the newer one."""

from __future__ import annotations

import base64
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from kijkocut.edit.changes import apply_changes
from kijkocut.errors import KijkoCutError
from kijkocut.media.probe import content_hash
from kijkocut.model import HistoryEntry, Project, new_id
from kijkocut.project_io import atomic_write_bytes, project_file_bytes, project_from_json, resolve_media_path
from kijkocut.service.errors import NotFoundError, ServiceError
from kijkocut.service.relink import index_folder
from kijkocut.service.store import ProjectStore
from kijkocut.validate import project_problems
from kijkocut.vault.keys import KdfParams, calibrate, derive_user_key
from kijkocut.vault.stream import decrypt_bytes, decrypt_stream, encrypt_bytes, encrypt_stream

SUFFIX = ".kjkbundle"
_WRAP_AAD = b"kijkocut bundle key"


class BundleKey(BaseModel):
    version: int = 1
    kdf: KdfParams
    key_id: str
    wrapped: str


class BundleMedia(BaseModel):
    media_id: str
    name: str
    content_hash: str
    size: int
    file: str | None = None  # media/<hash>.kjk when the bundle carries it


class Manifest(BaseModel):
    version: int = 1
    project_id: str
    revision: int
    exported_at: float
    media: list[BundleMedia]


@dataclass
class ImportResult:
    project_id: str
    outcome: str  # "added", "updated", "merged", "unchanged", "local is newer", "kept both"
    relinked: dict[str, str]
    unpacked: dict[str, str]
    missing: list[str]
    copy_id: str | None = None


def bundle_dir(folder: Path, project_id: str) -> Path:
    return folder / f"{project_id}{SUFFIX}"


def _sync_file(data_dir: Path, project_id: str) -> Path:
    return data_dir / "sync" / f"{project_id}.json"


def _synced_revision(data_dir: Path, project_id: str) -> int | None:
    try:
        return int(json.loads(_sync_file(data_dir, project_id).read_text())["revision"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _record_sync(data_dir: Path, project_id: str, revision: int) -> None:
    atomic_write_bytes(_sync_file(data_dir, project_id), json.dumps({"revision": revision}).encode())


def _wrap_key(passphrase: str, data_key: bytes, key_id: bytes, params: KdfParams) -> BundleKey:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(derive_user_key(passphrase, params)).encrypt(nonce, data_key, _WRAP_AAD + key_id)
    return BundleKey(kdf=params, key_id=key_id.hex(), wrapped=base64.b64encode(nonce + sealed).decode())


def _unwrap_key(bundle: Path, passphrase: str) -> tuple[bytes, bytes]:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from kijkocut.vault.errors import WrongPassphraseError

    try:
        key = BundleKey.model_validate_json((bundle / "key.json").read_bytes())
    except FileNotFoundError:
        raise NotFoundError(f"{bundle} is not a KijkoCut bundle (no key.json)") from None
    except ValueError:
        raise ServiceError(f"{bundle / 'key.json'} is damaged") from None
    key_id, raw = bytes.fromhex(key.key_id), base64.b64decode(key.wrapped)
    try:
        data_key = AESGCM(derive_user_key(passphrase, key.kdf)).decrypt(
            raw[:12], raw[12:], _WRAP_AAD + key_id
        )
    except InvalidTag:
        raise WrongPassphraseError(f"wrong bundle passphrase for {bundle}; nothing was imported") from None
    return key_id, data_key


def export_bundle(
    store: ProjectStore,
    project_id: str,
    folder: Path,
    passphrase: str,
    *,
    data_dir: Path,
    with_media: bool = False,
    params: KdfParams | None = None,
) -> Path:
    """Write (or refresh) the project's bundle in `folder`; returns the bundle's folder."""
    if not passphrase:
        raise ServiceError("a bundle passphrase is needed")
    project = store.snapshot(project_id)
    target = bundle_dir(folder, project.id)
    (target / "media").mkdir(parents=True, exist_ok=True)
    key_id, data_key = _bundle_key(target, passphrase, params)
    media = []
    for media_id, ref in project.media.items():
        entry = BundleMedia(
            media_id=media_id,
            name=Path(ref.path).name,
            content_hash=ref.content_hash,
            size=ref.info.size_bytes or 0,
        )
        source = resolve_media_path(ref.path, store.directory(project.id))
        if with_media and ref.content_hash and source.is_file():
            entry.file = f"media/{ref.content_hash}.kjk"
            packed = target / entry.file
            if not packed.exists():  # already carried by an earlier export (same content)
                _write_stream(source, packed, data_key, key_id)
        media.append(entry)
    atomic_write_bytes(target / "project.kjk", encrypt_bytes(project_file_bytes(project), data_key, key_id))
    manifest = Manifest(
        project_id=project.id, revision=project.revision, exported_at=time.time(), media=media
    )
    atomic_write_bytes(
        target / "manifest.kjk", encrypt_bytes(manifest.model_dump_json().encode(), data_key, key_id)
    )
    _record_sync(data_dir, project.id, project.revision)
    return target


def _bundle_key(target: Path, passphrase: str, params: KdfParams | None) -> tuple[bytes, bytes]:
    """The key of a bundle exported before with this passphrase (its media files stay valid), else a new one;
    a new key makes the media files of the old one useless, so they go."""
    from kijkocut.vault.errors import WrongPassphraseError

    if (target / "key.json").is_file():
        try:
            return _unwrap_key(target, passphrase)
        except (WrongPassphraseError, ServiceError):
            for stale in (target / "media").glob("*.kjk"):
                stale.unlink()
    key_id, data_key = os.urandom(16), os.urandom(32)
    wrapped = _wrap_key(passphrase, data_key, key_id, params or calibrate())
    atomic_write_bytes(target / "key.json", wrapped.model_dump_json().encode())
    return key_id, data_key


def _write_stream(source: Path, target: Path, data_key: bytes, key_id: bytes) -> None:
    partial = target.with_name(f".{target.name}.partial")
    with open(source, "rb") as reader, open(partial, "wb") as writer:
        encrypt_stream(reader, writer, data_key, key_id)
        writer.flush()
        os.fsync(writer.fileno())
    os.replace(partial, target)


def _read_bundle(bundle: Path, passphrase: str) -> tuple[Project, Manifest, bytes, bytes]:
    key_id, data_key = _unwrap_key(bundle, passphrase)

    def keys(wanted: bytes) -> bytes:
        if wanted != key_id:
            raise ServiceError(
                f"{bundle}: its files were encrypted with different keys (a sync in progress?)"
            )
        return data_key

    project = project_from_json(
        decrypt_bytes((bundle / "project.kjk").read_bytes(), keys, str(bundle / "project.kjk"))
    )
    manifest = Manifest.model_validate_json(
        decrypt_bytes((bundle / "manifest.kjk").read_bytes(), keys, str(bundle / "manifest.kjk"))
    )
    if manifest.project_id != project.id or manifest.revision != project.revision:
        raise ServiceError(
            f"{bundle} is incomplete (its files are from different exports); wait for the sync to finish"
        )
    return project, manifest, key_id, data_key


def _relink(
    project: Project,
    manifest: Manifest,
    bundle: Path,
    media_dirs: list[Path],
    project_dir: Path,
    unpack_dir: Path,
    data_key: bytes,
) -> tuple[Project, dict[str, str], dict[str, str], list[str]]:
    """Point the project's media at local files with the same content; unpack the rest from the bundle."""
    relinked: dict[str, str] = {}
    unpacked: dict[str, str] = {}
    missing: list[str] = []
    indexes = [index_folder(folder) for folder in media_dirs if folder.is_dir()]
    carried = {entry.media_id: entry for entry in manifest.media}
    media = dict(project.media)
    for media_id, ref in project.media.items():
        here = resolve_media_path(ref.path, project_dir)
        if here.is_file() and (not ref.content_hash or content_hash(here) == ref.content_hash):
            continue
        found = None
        for index in indexes:
            for candidate in index.by_size.get(ref.info.size_bytes or -1, []):
                if ref.content_hash and content_hash(candidate) == ref.content_hash:
                    found = candidate
                    break
            if found:
                break
        entry = carried.get(media_id)
        if found is not None:
            relinked[media_id] = str(found)
        elif entry is not None and entry.file:
            unpack_dir.mkdir(parents=True, exist_ok=True)
            found = unpack_dir / f"{ref.content_hash[:12]}-{Path(entry.name).name}"
            if not found.exists():
                partial = found.with_name(f".{found.name}.partial")
                with open(bundle / entry.file, "rb") as reader, open(partial, "wb") as writer:
                    decrypt_stream(reader, writer, lambda _id: data_key, str(bundle / entry.file))
                os.replace(partial, found)
            unpacked[media_id] = str(found)
        else:
            missing.append(media_id)
            continue
        media[media_id] = ref.model_copy(update={"path": str(found), "mtime_ns": found.stat().st_mtime_ns})
    return project.model_copy(update={"media": media}), relinked, unpacked, missing


def _touched(entries: list[HistoryEntry]) -> set[tuple[str, str]]:
    """What edits changed: each entity, and the track of each element and transition (two devices adding clips
    to one track could overlap)."""
    keys: set[tuple[str, str]] = set()
    for entry in entries:
        for change in entry.changes:
            keys.add((change.entity, change.id))
            if change.track_id:
                keys.add(("track", change.track_id))
    return keys


def merge(local: Project, remote: Project) -> Project | None:
    """The local project with the other device's edits since their common history replayed on top, when the two
    changed different things and the result is a valid timeline; None when they cannot be merged safely."""
    shared = 0
    for mine, theirs in zip(local.history.done, remote.history.done):
        if mine != theirs:
            break
        shared += 1
    local_new, remote_new = local.history.done[shared:], remote.history.done[shared:]
    if not remote_new or _touched(local_new) & _touched(remote_new):
        return None
    merged = local.model_copy(deep=True)
    try:
        for entry in remote_new:
            apply_changes(merged, entry.changes)
            merged.history.done.append(entry)
    except (KijkoCutError, KeyError, ValueError):
        return None
    merged.history.undone = []  # like any new edit, the merge ends what could be redone
    merged.revision = local.revision + len(remote_new)
    return None if project_problems(merged) else merged


def _same_edit(first: Project, second: Project) -> bool:
    """The same project apart from where each device keeps the media."""

    def placeless(project: Project) -> bytes:
        media = {k: m.model_copy(update={"path": "", "mtime_ns": None}) for k, m in project.media.items()}
        return project_file_bytes(project.model_copy(update={"media": media}))

    return placeless(first) == placeless(second)


def import_bundle(
    store: ProjectStore,
    bundle: Path,
    passphrase: str,
    *,
    data_dir: Path,
    media_dirs: list[Path] | None = None,
) -> ImportResult:
    """Bring a bundle's project into `store`: added, updated, or kept beside a local project that changed too."""
    project, manifest, _key_id, data_key = _read_bundle(bundle, passphrase)
    exists = store.file(project.id).is_file()
    local = store.snapshot(project.id) if exists else None
    synced = _synced_revision(data_dir, project.id)
    outcome, copy_id = "added", None
    if local is not None:
        local_moved = synced is None or local.revision != synced
        bundle_moved = synced is None or project.revision != synced
        if _same_edit(local, project):
            _record_sync(data_dir, project.id, project.revision)
            return ImportResult(project.id, "unchanged", {}, {}, [])
        if not bundle_moved:
            return ImportResult(project.id, "local is newer" if local_moved else "unchanged", {}, {}, [])
        merged = merge(local, project) if local_moved else None
        if merged is not None:
            project, outcome = merged, "merged"
        elif local_moved:
            copy_id = new_id("prj")
            project = project.model_copy(
                update={"id": copy_id, "name": f"{project.name} (other device, revision {project.revision})"}
            )
            outcome = "kept both"
        else:
            outcome = "updated"
    # Unpacked media go to the data directory's media folder (`kijkocut storage` lists them), by project.
    project, relinked, unpacked, missing = _relink(
        project,
        manifest,
        bundle,
        list(media_dirs or []),
        store.directory(project.id),
        data_dir / "media" / project.id,
        data_key,
    )
    if outcome in ("updated", "merged"):
        store.replace(project, base_revision=local.revision if local else None, origin="bundle")
    else:
        store.adopt(project, origin="bundle")
    if outcome != "kept both":
        _record_sync(data_dir, project.id, project.revision)
    return ImportResult(manifest.project_id, outcome, relinked, unpacked, missing, copy_id)
