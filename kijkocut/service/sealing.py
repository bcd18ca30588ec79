"""Project files encrypted at rest, read and written transparently by the project stores.

A project is encrypted when its file is (the KJKCRYPT header) or when its data directory asks for every project
to be (`kijkocut vault init --encrypt-all`, `kijkocut vault encrypt`); it then stays encrypted on every save.
The data key is the project's own (`Vault.key_for(project id)`), so a bundle can carry one project's key without
the others'. The vault is imported only when a file is encrypted or a data directory has keys: an install
without the crypto extra reads and writes plain projects as before."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from kijkocut import limits
from kijkocut.errors import ProjectFormatError
from kijkocut.model import Project
from kijkocut.project_io import load_project, project_file_bytes, project_from_json
from kijkocut.vault.header import is_sealed_file

if TYPE_CHECKING:
    from kijkocut.vault.keys import Vault


def default_vault(data_dir: Path | None = None) -> Vault | None:
    """The vault of `data_dir` (a front end's configured one), else of the default data directory; None
    without the crypto extra."""
    if not has_crypto_extra():
        return None
    from kijkocut.vault.keys import Vault
    from kijkocut.vault.location import keys_dir

    return Vault.for_data_dir(data_dir) if data_dir is not None else Vault(keys_dir())


@functools.cache
def has_crypto_extra() -> bool:
    """Asked once per process: a failed import is not remembered by Python, and trying again compiles the
    vault's modules anew (6 ms of every edit in a ComfyUI without the extra, which saves no bytecode)."""
    try:
        import kijkocut.vault.keys  # noqa: F401
    except ImportError:
        return False
    return True


def _require(vault: Vault | None) -> Vault:
    if vault is None:
        raise ProjectFormatError("encrypted projects need the crypto extra (pip install 'kijkocut[crypto]')")
    return vault


def read_project(path: Path, vault: Vault | None) -> Project:
    """The project in `path`, decrypted when it is sealed (VaultError: locked, tampered, wrong key)."""
    if not is_sealed_file(path):
        return load_project(path)
    from kijkocut.vault.stream import decrypt_bytes

    size = path.stat().st_size
    if size > limits.MAX_PROJECT_BYTES + 1024 * 1024:
        raise ProjectFormatError(f"{path}: the encrypted project file is too big ({size} bytes)")
    text = decrypt_bytes(path.read_bytes(), _require(vault).data_key, str(path))
    try:
        return project_from_json(text)
    except ProjectFormatError as exc:
        raise ProjectFormatError(f"{path}: {exc}") from None


def wants_sealing(path: Path, vault: Vault | None) -> bool:
    """Whether the next save of `path` is encrypted: it is now, or the data directory encrypts every project."""
    if is_sealed_file(path):
        return True
    return vault is not None and vault.exists() and vault.master().encrypt_new_projects


def project_bytes(project: Project, sealed: bool, vault: Vault | None) -> bytes:
    """What a save writes: the project's JSON, encrypted with its own data key when `sealed`."""
    plain = project_file_bytes(project)
    if not sealed:
        return plain
    from kijkocut.vault.stream import encrypt_bytes

    key_id, key = _require(vault).key_for(project.id)
    return encrypt_bytes(plain, key, key_id)
