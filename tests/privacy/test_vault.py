"""Encryption at rest: the stream format, the keys, encrypted projects in the stores, tampering and wrong
passphrases. Argon2id runs with small parameters here (the tuned ones take half a second a derivation); one test
checks the tuning itself."""

from __future__ import annotations

import io
import json
import os

import pytest

pytest.importorskip("cryptography")
pytest.importorskip("argon2")

from kijkocut.service.errors import ServiceError  # noqa: E402
from kijkocut.service.project_file import ProjectFileStore  # noqa: E402
from kijkocut.service.store import ProjectStore  # noqa: E402
from kijkocut.vault import stream  # noqa: E402
from kijkocut.vault.errors import LockedError, TamperedError, VaultError, WrongPassphraseError  # noqa: E402
from kijkocut.vault.keys import KdfParams, Vault, calibrate, derive_user_key  # noqa: E402

FAST = KdfParams(time_cost=1, memory_cost=1024, parallelism=1, salt="AAAAAAAAAAAAAAAAAAAAAA==")
KEY, KEY_ID = os.urandom(32), os.urandom(16)


def keys(key_id: bytes) -> bytes:
    assert key_id == KEY_ID
    return KEY


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 64 * 3 + 5])
def test_stream_round_trip_at_chunk_edges(size):
    plain = os.urandom(size)
    sealed = stream.encrypt_bytes(plain, KEY, KEY_ID, chunk_size=64)
    chunks = max(1, -(-size // 64))
    assert len(sealed) == stream.HEADER_SIZE + size + chunks * stream.TAG_SIZE
    assert stream.decrypt_bytes(sealed, keys, "f") == plain
    assert plain[:16] not in sealed[stream.HEADER_SIZE :] or size < 16


def tampered_versions(sealed: bytes) -> dict[str, bytes]:
    header, body = sealed[: stream.HEADER_SIZE], sealed[stream.HEADER_SIZE :]
    size = 64 + stream.TAG_SIZE
    chunks = [body[i : i + size] for i in range(0, len(body), size)]
    flipped = bytearray(sealed)
    flipped[stream.HEADER_SIZE + 70] ^= 1
    header_flip = bytearray(sealed)
    header_flip[12] ^= 0x40  # the key id
    return {
        "flipped byte": bytes(flipped),
        "flipped header": bytes(header_flip),
        "cut at a chunk boundary": header + b"".join(chunks[:2]),
        "cut inside a chunk": sealed[:-7],
        "chunks swapped": header + chunks[1] + chunks[0] + b"".join(chunks[2:]),
        "chunk dropped": header + chunks[0] + b"".join(chunks[2:]),
        "data appended": sealed + chunks[0],
    }


@pytest.mark.parametrize("how", list(tampered_versions(stream.encrypt_bytes(b"x" * 300, KEY, KEY_ID, 64))))
def test_any_change_to_an_encrypted_file_is_refused_naming_it(how):
    sealed = tampered_versions(stream.encrypt_bytes(os.urandom(300), KEY, KEY_ID, 64))[how]

    def lookup(key_id: bytes) -> bytes:
        if key_id != KEY_ID:
            raise LockedError("unknown key")
        return KEY

    with pytest.raises((TamperedError, LockedError)) as caught:
        stream.decrypt_bytes(sealed, lookup, "/data/projects/p/project.json")
    if how != "flipped header":
        assert isinstance(caught.value, TamperedError)
        assert "/data/projects/p/project.json" in str(caught.value)


def test_streaming_keeps_one_chunk_in_memory():
    """A reader that records its largest read: encryption never asks for more than one chunk."""

    class Source(io.BytesIO):
        largest = 0

        def read(self, size=-1):  # type: ignore[override]
            assert size != -1, "read everything at once"
            Source.largest = max(Source.largest, size)
            return super().read(size)

    sealed = io.BytesIO()
    stream.encrypt_stream(Source(os.urandom(10 * 4096)), sealed, KEY, KEY_ID, chunk_size=4096)
    assert Source.largest == 4096
    out = io.BytesIO()
    sealed.seek(0)
    stream.decrypt_stream(sealed, out, keys, "f")
    assert len(out.getvalue()) == 10 * 4096


# --- keys ------------------------------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    path = tmp_path / "data"
    for name in ("KIJKOCUT_PASSPHRASE", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIJKOCUT_DATA_DIR", str(path))
    return path


def new_vault(data_dir, passphrase="correct horse", **options) -> Vault:
    vault = Vault.for_data_dir(data_dir, env={})
    vault.init(passphrase, params=FAST, **options)
    return vault


def test_argon2id_is_tuned_to_about_half_a_second_and_the_parameters_are_stored(data_dir):
    import time

    params = calibrate(0.5)
    started = time.perf_counter()
    derive_user_key("x", params)
    took = time.perf_counter() - started
    assert 0.15 < took < 1.5, took  # a shared 2-core machine: loosely around the target
    vault = Vault.for_data_dir(data_dir, env={})
    vault.init("pass", params=params)
    stored = json.loads(vault.master_file.read_text())["kdf"]
    assert (stored["name"], stored["time_cost"], stored["memory_cost"]) == (
        "argon2id",
        params.time_cost,
        65536,
    )


def test_wrong_passphrase_is_a_clear_error_and_changes_nothing(data_dir):
    vault = new_vault(data_dir)
    vault.key_for("prj_a")
    before = {p: p.read_bytes() for p in vault.folder.rglob("*") if p.is_file()}
    other = Vault.for_data_dir(data_dir, env={})
    with pytest.raises(WrongPassphraseError, match="wrong passphrase"):
        other.unlock("battery staple")
    with pytest.raises(WrongPassphraseError):
        Vault.for_data_dir(data_dir, env={"KIJKOCUT_PASSPHRASE": "nope"}).change_passphrase("new one", FAST)
    assert {p: p.read_bytes() for p in vault.folder.rglob("*") if p.is_file()} == before


def test_changing_the_passphrase_rewraps_keys_and_rewrites_no_project(data_dir, tmp_path):
    vault = new_vault(data_dir)
    store = ProjectStore(tmp_path / "projects", vault=vault)
    project = store.create("Secret film")
    store.set_encrypted(project.id, True)
    sealed_before = store.file(project.id).read_bytes()
    vault.change_passphrase("second passphrase", FAST)
    assert store.file(project.id).read_bytes() == sealed_before
    with pytest.raises(WrongPassphraseError):
        Vault.for_data_dir(data_dir, env={}).unlock("correct horse")
    fresh = Vault.for_data_dir(data_dir, env={"KIJKOCUT_PASSPHRASE": "second passphrase"})
    assert ProjectStore(tmp_path / "projects", vault=fresh).get(project.id).name == "Secret film"
    assert [p.name for p in vault.folder.glob("gen-*")] == ["gen-2"]


def test_the_os_keyring_holds_the_user_key_when_there_is_one(data_dir, tmp_path, monkeypatch):
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 10  # type: ignore[assignment]
        secrets: dict = {}

        def get_password(self, service, username):
            return self.secrets.get((service, username))

        def set_password(self, service, username, password):
            self.secrets[(service, username)] = password

        def delete_password(self, service, username):
            self.secrets.pop((service, username), None)

    monkeypatch.setattr(keyring.core, "_keyring_backend", MemoryKeyring())
    vault = Vault.for_data_dir(data_dir, env={})
    vault.init(use_keyring=True)
    assert "user_key" not in vault.master_file.read_text() and len(MemoryKeyring.secrets) == 1
    store = ProjectStore(tmp_path / "projects", vault=vault)
    project = store.create("Keyring film")
    store.set_encrypted(project.id, True)
    again = ProjectStore(tmp_path / "projects", vault=Vault.for_data_dir(data_dir, env={}))
    assert again.get(project.id).name == "Keyring film"
    MemoryKeyring.secrets.clear()  # another machine, or the keyring entry removed
    with pytest.raises(ServiceError, match="locked"):
        ProjectStore(tmp_path / "projects", vault=Vault.for_data_dir(data_dir, env={})).get(project.id)


def test_without_a_keyring_init_says_to_use_a_passphrase(data_dir, monkeypatch):
    """keyring's own stand-in where the system has none (a headless box, this container)."""
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())
    with pytest.raises(VaultError, match="no keyring; choose a passphrase"):
        Vault.for_data_dir(data_dir, env={}).init(use_keyring=True)
    assert not (data_dir / "keys" / "master.json").exists()


# --- encrypted projects in the stores --------------------------------------------------------------------


def test_an_encrypted_project_is_edited_transparently_and_nothing_readable_is_on_disk(data_dir, tmp_path):
    vault = new_vault(data_dir)
    store = ProjectStore(tmp_path / "projects", vault=vault)
    project = store.create("Wedding of Anna and Joost")
    store.set_encrypted(project.id, True)
    store.rename(project.id, "Anna & Joost, final cut")
    raw = store.file(project.id).read_bytes()
    assert raw.startswith(stream.MAGIC) and b"Anna" not in raw and b"Joost" not in raw
    reopened = ProjectStore(
        tmp_path / "projects",
        vault=Vault.for_data_dir(data_dir, env={"KIJKOCUT_PASSPHRASE": "correct horse"}),
    )
    assert reopened.get(project.id).name == "Anna & Joost, final cut"
    assert reopened.undo(project.id).revision == 2  # the history is in the encrypted file too
    assert reopened.get(project.id).name == "Wedding of Anna and Joost"
    copy = reopened.duplicate(project.id)
    assert reopened.is_encrypted(copy.id)  # never written in plain
    reopened.set_encrypted(project.id, False)
    assert b"Anna" in store.file(project.id).read_bytes()


def test_a_locked_project_says_how_to_unlock_it(data_dir, tmp_path):
    vault = new_vault(data_dir)
    store = ProjectStore(tmp_path / "projects", vault=vault)
    project = store.create("Locked")
    store.set_encrypted(project.id, True)
    locked = ProjectStore(tmp_path / "projects", vault=Vault.for_data_dir(data_dir, env={}))
    with pytest.raises(ServiceError) as caught:
        locked.get(project.id)
    assert "kijkocut vault unlock" in str(caught.value) and project.id in str(caught.value)


def test_a_tampered_project_file_is_refused_naming_it(data_dir, tmp_path):
    vault = new_vault(data_dir)
    store = ProjectStore(tmp_path / "projects", vault=vault)
    project = store.create("Tampered")
    store.set_encrypted(project.id, True)
    path = store.file(project.id)
    raw = bytearray(path.read_bytes())
    raw[-20] ^= 1
    path.write_bytes(bytes(raw))
    fresh = ProjectStore(tmp_path / "projects", vault=vault)
    with pytest.raises(ServiceError) as caught:
        fresh.get(project.id)
    assert str(path) in str(caught.value) and "changed or damaged" in str(caught.value)
    assert path.read_bytes() == bytes(raw)  # left as found


def test_encrypt_every_project_of_a_data_directory(data_dir, tmp_path):
    vault = new_vault(data_dir, encrypt_new_projects=True)
    store = ProjectStore(tmp_path / "projects", vault=vault)
    project = store.create("Born encrypted")
    assert store.is_encrypted(project.id)


def test_a_project_file_anywhere_on_disk_is_encrypted_too(data_dir, tmp_path):
    vault = new_vault(data_dir)
    path = tmp_path / "film.json"
    store = ProjectFileStore(path, vault=vault)
    from kijkocut.model import Project

    project = store.adopt(Project(name="Loose file"))
    store.set_encrypted(project.id, True)
    assert path.read_bytes().startswith(stream.MAGIC)
    again = ProjectFileStore(path, vault=vault)
    assert again.get(again.project_id()).name == "Loose file"


def test_a_passphrase_changed_by_another_process_is_noticed_before_a_new_key_is_wrapped(data_dir, tmp_path):
    first = new_vault(data_dir)
    store = ProjectStore(tmp_path / "projects", vault=first)
    old = store.create("Before")
    store.set_encrypted(old.id, True)
    Vault.for_data_dir(data_dir, env={"KIJKOCUT_PASSPHRASE": "correct horse"}).change_passphrase(
        "changed", FAST
    )
    store.rename(old.id, "Still saves")  # its data key is unchanged: known to this process already
    new = store.create("After")
    with pytest.raises(LockedError, match="changed meanwhile"):
        store.set_encrypted(new.id, True)  # would be wrapped with the old key: refused instead
    assert not store.is_encrypted(new.id)
    reader = Vault.for_data_dir(data_dir, env={"KIJKOCUT_PASSPHRASE": "changed"})
    assert ProjectStore(tmp_path / "projects", vault=reader).get(old.id).name == "Still saves"


def test_encrypt_all_covers_the_projects_folder_not_loose_project_files(data_dir, tmp_path):
    from kijkocut.model import Project

    vault = new_vault(data_dir, encrypt_new_projects=True)
    loose = ProjectFileStore(tmp_path / "mine.json", vault=vault)
    loose.adopt(Project(name="Mine"))
    assert not (tmp_path / "mine.json").read_bytes().startswith(stream.MAGIC)
