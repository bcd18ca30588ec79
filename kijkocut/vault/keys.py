"""The keys of a data directory: one random data key per project, each wrapped (AES-GCM) by the user's key,
which comes from a passphrase (Argon2id, parameters stored, tuned to about half a second) or the OS keyring.

    <data dir>/keys/master.json        which generation is current, the KDF parameters or keyring entry, a check
    <data dir>/keys/gen-N/<id>.json    the data keys wrapped by generation N's user key

Changing the passphrase rewraps only: it writes every key of generation N+1 in a new folder, then replaces
master.json in one rename, then removes generation N. A process killed at any point leaves a complete
generation that master.json names, so the old passphrase (before the rename) or the new one (after) opens
everything; a half-written generation is removed the next time keys change."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import BaseModel, Field

from kijkocut.project_io import atomic_write_bytes
from kijkocut.vault.errors import UNLOCK_HINT, LockedError, VaultError, WrongPassphraseError

try:
    import fcntl
except ImportError:  # Windows: no cross-process lock; one process changes keys at a time there
    fcntl = None  # type: ignore[assignment]

PASSPHRASE_VARIABLE = "KIJKOCUT_PASSPHRASE"
KEYRING_SERVICE = "kijkocut"
TARGET_SECONDS = 0.5
_CHECK = b"kijkocut: the user key opens this data directory"
KEY_ID_BYTES = 16


class KdfParams(BaseModel):
    name: Literal["argon2id"] = "argon2id"
    time_cost: int = Field(ge=1, le=64)
    memory_cost: int = Field(ge=8, le=4 * 1024 * 1024, description="KiB")
    parallelism: int = Field(ge=1, le=16)
    salt: str  # base64, 16 bytes


class Master(BaseModel):
    version: Literal[1] = 1
    generation: int = Field(ge=1)
    source: Literal["passphrase", "keyring"]
    kdf: KdfParams | None = None
    keyring_user: str | None = None
    check: str  # base64 nonce + AES-GCM(user key, _CHECK): tells a wrong passphrase from a damaged key file
    encrypt_new_projects: bool = False


class WrappedKey(BaseModel):
    key_id: str  # hex
    label: str  # the project id it was made for
    wrapped: str  # base64 nonce + AES-GCM(user key, data key, aad=key id)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> str:
    nonce = os.urandom(12)
    return _b64(nonce + AESGCM(key).encrypt(nonce, plaintext, aad))


def _open(key: bytes, sealed: str, aad: bytes) -> bytes:
    raw = _unb64(sealed)
    return AESGCM(key).decrypt(raw[:12], raw[12:], aad)


def derive_user_key(passphrase: str, params: KdfParams) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        passphrase.encode("utf-8"),
        _unb64(params.salt),
        time_cost=params.time_cost,
        memory_cost=params.memory_cost,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def calibrate(target_seconds: float = TARGET_SECONDS, memory_kib: int = 64 * 1024) -> KdfParams:
    """Argon2id parameters that take about `target_seconds` here: 64 MiB, passes scaled from one timed pass."""
    params = KdfParams(time_cost=1, memory_cost=memory_kib, parallelism=2, salt=_b64(os.urandom(16)))
    started = time.perf_counter()
    derive_user_key("calibration", params)
    one_pass = max(time.perf_counter() - started, 1e-3)
    passes = max(1, min(64, round(target_seconds / one_pass)))
    return params.model_copy(update={"time_cost": passes, "salt": _b64(os.urandom(16))})


def _keyring():  # type: ignore[no-untyped-def]
    """The OS keyring, or None where there is none (a headless Linux box, a container)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    return None if isinstance(backend, fail.Keyring) or backend.priority <= 0 else keyring


def keyring_available() -> bool:
    return _keyring() is not None


@dataclass
class Vault:
    folder: Path
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)
    _user_key: bytes | None = None
    _data_keys: dict[bytes, bytes] = field(default_factory=dict)
    _labels: dict[str, bytes] = field(default_factory=dict)  # label -> key id, once looked up or made

    @classmethod
    def for_data_dir(cls, data_dir: Path, env: Mapping[str, str] | None = None) -> Vault:
        return cls(Path(data_dir) / "keys", os.environ if env is None else env)

    # --- state ----------------------------------------------------------------------------------------------

    @property
    def master_file(self) -> Path:
        return self.folder / "master.json"

    def exists(self) -> bool:
        return self.master_file.is_file()

    def master(self) -> Master:
        try:
            return Master.model_validate_json(self.master_file.read_bytes())
        except FileNotFoundError:
            raise VaultError(
                f"no keys in {self.folder}: `kijkocut vault init` sets up encryption for this data directory"
            ) from None
        except ValueError:
            raise VaultError(f"{self.master_file} is damaged (not a KijkoCut key file)") from None

    def generation_dir(self, generation: int) -> Path:
        return self.folder / f"gen-{generation}"

    @contextlib.contextmanager
    def _changing(self) -> Iterator[None]:
        """One process at a time creates keys or rewraps them."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _write_master(self, master: Master) -> None:
        atomic_write_bytes(self.master_file, master.model_dump_json(indent=2).encode())

    # --- set-up ---------------------------------------------------------------------------------------------

    def init(
        self,
        passphrase: str | None = None,
        *,
        use_keyring: bool = False,
        params: KdfParams | None = None,
        encrypt_new_projects: bool = False,
    ) -> Master:
        """Create this data directory's user key: from `passphrase`, or a random one kept in the OS keyring."""
        with self._changing():
            if self.exists():
                raise VaultError(f"{self.folder} already has keys; `kijkocut vault passphrase` changes them")
            if use_keyring:
                ring = _keyring()
                if ring is None:
                    raise VaultError("this system has no keyring; choose a passphrase instead")
                user_key = os.urandom(32)
                user = self._keyring_user()
                ring.set_password(KEYRING_SERVICE, user, _b64(user_key))
                master = Master(
                    generation=1,
                    source="keyring",
                    keyring_user=user,
                    check=_seal(user_key, _CHECK, b"check"),
                    encrypt_new_projects=encrypt_new_projects,
                )
            else:
                if not passphrase:
                    raise VaultError("a passphrase is needed (or --keyring where the system has one)")
                params = params or calibrate()
                user_key = derive_user_key(passphrase, params)
                master = Master(
                    generation=1,
                    source="passphrase",
                    kdf=params,
                    check=_seal(user_key, _CHECK, b"check"),
                    encrypt_new_projects=encrypt_new_projects,
                )
            self.generation_dir(1).mkdir(parents=True, exist_ok=True, mode=0o700)
            self._write_master(master)
        self._user_key = user_key
        return master

    def _keyring_user(self) -> str:
        return "data-dir-" + hashlib.sha256(str(self.folder.resolve()).encode()).hexdigest()[:16]

    def set_encrypt_new_projects(self, value: bool) -> None:
        with self._changing():
            self._write_master(self.master().model_copy(update={"encrypt_new_projects": value}))

    # --- unlocking ------------------------------------------------------------------------------------------

    def unlock(self, passphrase: str | None = None) -> None:
        """Find the user key: the passphrase given, else $KIJKOCUT_PASSPHRASE, else the OS keyring (for a keyring
        data directory), else a session `kijkocut vault unlock` left in memory-backed storage."""
        if self._user_key is not None and passphrase is None:
            return
        master = self.master()
        user_key = self._find_user_key(master, passphrase)
        if user_key is None:
            raise LockedError(f"the keys in {self.folder} are locked: {UNLOCK_HINT}")
        try:
            _open(user_key, master.check, b"check")
        except (InvalidTag, ValueError):
            raise WrongPassphraseError(
                "wrong passphrase for the keys in " + str(self.folder) + "; nothing was changed"
            ) from None
        self._user_key = user_key

    def _find_user_key(self, master: Master, passphrase: str | None) -> bytes | None:
        passphrase = passphrase or self.env.get(PASSPHRASE_VARIABLE) or None
        if master.source == "passphrase":
            assert master.kdf is not None
            if passphrase:
                return derive_user_key(passphrase, master.kdf)
            return read_session(self)
        ring = _keyring()
        stored = ring.get_password(KEYRING_SERVICE, master.keyring_user or "") if ring else None
        return _unb64(stored) if stored else None

    def is_unlocked(self) -> bool:
        return self._user_key is not None

    def lock(self) -> None:
        self._user_key = None
        self._data_keys.clear()
        self._labels.clear()

    def user_key(self) -> bytes:
        if self._user_key is None:
            self.unlock()
        assert self._user_key is not None
        return self._user_key

    # --- data keys ------------------------------------------------------------------------------------------

    def _key_file(self, generation: int, key_id: bytes) -> Path:
        return self.generation_dir(generation) / f"{key_id.hex()}.json"

    def data_key(self, key_id: bytes) -> bytes:
        """The data key a file's header names (KeyLookup for `kijkocut.vault.stream`)."""
        if key_id in self._data_keys:
            return self._data_keys[key_id]
        master = self.master()
        user_key = self._current_user_key(master)
        path = self._key_file(master.generation, key_id)
        try:
            wrapped = WrappedKey.model_validate_json(path.read_bytes())
            key = _open(user_key, wrapped.wrapped, key_id)
        except FileNotFoundError:
            raise LockedError(
                f"the key {key_id.hex()} is not among the keys in {self.folder} (a file encrypted in another "
                "data directory: import it as a bundle)"
            ) from None
        except (InvalidTag, ValueError):
            raise VaultError(f"{path} is damaged: its key cannot be unwrapped") from None
        self._data_keys[key_id] = key
        return key

    def _current_user_key(self, master: Master) -> bytes:
        """The user key, checked against master.json as it is now: another process may have changed the
        passphrase since this one unlocked (its data keys stay valid; wrapping a new one needs the new key)."""
        user_key = self.user_key()
        try:
            _open(user_key, master.check, b"check")
        except (InvalidTag, ValueError):
            self._user_key = None
            raise LockedError(f"the passphrase of {self.folder} changed meanwhile: {UNLOCK_HINT}") from None
        return user_key

    def key_for(self, label: str) -> tuple[bytes, bytes]:
        """(key id, data key) of the project `label`, made on first use."""
        if label in self._labels:
            key_id = self._labels[label]
            return key_id, self._data_keys[key_id]
        with self._changing():
            master = self.master()
            user_key = self._current_user_key(master)
            for path in sorted(self.generation_dir(master.generation).glob("*.json")):
                wrapped = WrappedKey.model_validate_json(path.read_bytes())
                if wrapped.label == label:
                    key_id = bytes.fromhex(wrapped.key_id)
                    self._labels[label] = key_id
                    return key_id, self.data_key(key_id)
            key_id, key = os.urandom(KEY_ID_BYTES), os.urandom(32)
            self.add_key(key_id, key, label, user_key, master.generation)
        self._labels[label] = key_id
        return key_id, key

    def add_key(
        self,
        key_id: bytes,
        key: bytes,
        label: str,
        user_key: bytes | None = None,
        generation: int | None = None,
    ) -> None:
        """Store a data key (a new project's, or one a bundle brought) wrapped by the user key."""
        user_key = user_key or self.user_key()
        generation = generation or self.master().generation
        wrapped = WrappedKey(key_id=key_id.hex(), label=label, wrapped=_seal(user_key, key, key_id))
        atomic_write_bytes(self._key_file(generation, key_id), wrapped.model_dump_json().encode())
        self._data_keys[key_id] = key

    def labels(self) -> dict[str, str]:
        """key id (hex) -> label of every stored key."""
        folder = self.generation_dir(self.master().generation)
        return {
            w.key_id: w.label
            for w in (WrappedKey.model_validate_json(p.read_bytes()) for p in sorted(folder.glob("*.json")))
        }

    # --- changing the user key ------------------------------------------------------------------------------

    def change_passphrase(self, new_passphrase: str, params: KdfParams | None = None) -> Master:
        """Rewrap every data key under a new passphrase (the data files are not touched)."""
        if not new_passphrase:
            raise VaultError("the new passphrase is empty")
        old_key = self.user_key()
        new_params = params or calibrate()
        new_key = derive_user_key(new_passphrase, new_params)
        with self._changing():
            master = self.master()
            old_dir, new_generation = self.generation_dir(master.generation), master.generation + 1
            new_dir = self.generation_dir(new_generation)
            shutil.rmtree(new_dir, ignore_errors=True)  # left by a rekey that was killed before its switch
            new_dir.mkdir(parents=True, mode=0o700)
            for path in sorted(old_dir.glob("*.json")):
                wrapped = WrappedKey.model_validate_json(path.read_bytes())
                key_id = bytes.fromhex(wrapped.key_id)
                key = _open(old_key, wrapped.wrapped, key_id)
                rewrapped = wrapped.model_copy(update={"wrapped": _seal(new_key, key, key_id)})
                atomic_write_bytes(new_dir / path.name, rewrapped.model_dump_json().encode())
            _fsync_dir(new_dir)
            updated = master.model_copy(
                update={
                    "generation": new_generation,
                    "source": "passphrase",
                    "kdf": new_params,
                    "keyring_user": None,
                    "check": _seal(new_key, _CHECK, b"check"),
                }
            )
            self._write_master(updated)  # the switch: one rename
            _fsync_dir(self.folder)
            shutil.rmtree(old_dir, ignore_errors=True)
            self._sweep(new_generation)
        self._user_key = new_key
        forget_session(self)
        return updated

    def _sweep(self, current: int) -> None:
        for folder in self.folder.glob("gen-*"):
            if folder.name != f"gen-{current}":
                shutil.rmtree(folder, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- sessions: `kijkocut vault unlock` for the commands that follow -------------------------------------------


def _session_file(vault: Vault) -> Path | None:
    """A file in the user's memory-backed runtime folder ($XDG_RUNTIME_DIR), never on disk."""
    runtime = vault.env.get("XDG_RUNTIME_DIR")
    if not runtime or not Path(runtime).is_dir():
        return None
    digest = hashlib.sha256(str(vault.folder.resolve()).encode()).hexdigest()[:16]
    return Path(runtime) / "kijkocut" / f"session-{digest}.json"


def save_session(vault: Vault, seconds: float) -> Path:
    path = _session_file(vault)
    if path is None:
        raise VaultError(
            "no memory-backed runtime folder ($XDG_RUNTIME_DIR) to keep an unlocked session in; "
            f"set {PASSPHRASE_VARIABLE} for each command instead"
        )
    path.parent.mkdir(mode=0o700, exist_ok=True)
    doc = {"user_key": _b64(vault.user_key()), "expires": time.time() + seconds}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(doc, handle)
    return path


def read_session(vault: Vault) -> bytes | None:
    path = _session_file(vault)
    if path is None:
        return None
    try:
        doc = json.loads(path.read_text())
        if float(doc["expires"]) < time.time():
            path.unlink(missing_ok=True)
            return None
        return _unb64(doc["user_key"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def forget_session(vault: Vault) -> None:
    path = _session_file(vault)
    if path is not None:
        path.unlink(missing_ok=True)


def new_key_id() -> bytes:
    return secrets.token_bytes(KEY_ID_BYTES)
