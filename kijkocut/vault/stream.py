"""The encrypted file format: chunked AES-256-GCM, so a file of any size is encrypted and decrypted with flat
memory, and truncation, reordering or any changed byte is detected.

    header   MAGIC (8) | version (1) | chunk size (4, big endian) | key id (16) | salt (16)
    chunks   AES-GCM(subkey, nonce, plaintext chunk, aad=header): ciphertext + 16-byte tag each

The subkey is HKDF-SHA256(data key, salt) with a fresh random salt per file, so nonces never repeat across files;
the nonce is 7 zero bytes, the chunk index (4) and a final flag (1), the STREAM construction (Hoang et al.
2015): a chunk moved elsewhere or a file cut at a chunk boundary fails authentication. The header is the
associated data of every chunk, so its fields cannot be changed either. An empty file is one empty final
chunk."""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kijkocut.vault.errors import TamperedError, VaultError
from kijkocut.vault.header import MAGIC

VERSION = 1
_HEADER = struct.Struct(">8sBI16s16s")
HEADER_SIZE = _HEADER.size
TAG_SIZE = 16
DEFAULT_CHUNK = 256 * 1024
MAX_CHUNK = 16 * 1024 * 1024
MAX_CHUNKS = 2**32 - 1

KeyLookup = Callable[[bytes], bytes]  # key id -> 32-byte data key (raises LockedError when it cannot)


def is_encrypted_header(first_bytes: bytes) -> bool:
    return first_bytes[: len(MAGIC)] == MAGIC


def _subkey(data_key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"kijkocut stream v1").derive(
        data_key
    )
    return AESGCM(derived)


def _nonce(index: int, final: bool) -> bytes:
    return b"\0" * 7 + struct.pack(">IB", index, 1 if final else 0)


def encrypt_stream(
    source: BinaryIO, target: BinaryIO, data_key: bytes, key_id: bytes, chunk_size: int = DEFAULT_CHUNK
) -> None:
    """Encrypt everything `source` yields into `target`, one chunk in memory at a time."""
    if not 0 < chunk_size <= MAX_CHUNK:
        raise VaultError(f"chunk size must be 1..{MAX_CHUNK} bytes")
    salt = os.urandom(16)
    header = _HEADER.pack(MAGIC, VERSION, chunk_size, key_id, salt)
    cipher = _subkey(data_key, salt)
    target.write(header)
    index = 0
    chunk = source.read(chunk_size)
    while True:
        following = source.read(chunk_size) if chunk else b""
        final = not following
        if index > MAX_CHUNKS:
            raise VaultError("file too large for one encrypted stream")
        target.write(cipher.encrypt(_nonce(index, final), chunk, header))
        if final:
            return
        chunk, index = following, index + 1


def read_header(source: BinaryIO, name: str) -> tuple[bytes, int, bytes, bytes]:
    """(header bytes, chunk size, key id, salt) of an encrypted file."""
    header = source.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE or not is_encrypted_header(header):
        raise TamperedError(name, "not an encrypted KijkoCut file, or its header is cut short")
    magic, version, chunk_size, key_id, salt = _HEADER.unpack(header)
    if version != VERSION:
        raise VaultError(
            f"{name}: encrypted with format version {version}; this KijkoCut reads version {VERSION}"
        )
    if not 0 < chunk_size <= MAX_CHUNK:
        raise TamperedError(name, "the header's chunk size is impossible")
    return header, chunk_size, key_id, salt


def decrypt_stream(source: BinaryIO, target: BinaryIO, keys: KeyLookup, name: str) -> None:
    """Decrypt `source` into `target` chunk by chunk. Raises TamperedError naming `name` on any failed chunk or a
    missing final chunk; what was written to `target` before then must be thrown away by the caller."""
    header, chunk_size, key_id, salt = read_header(source, name)
    cipher = _subkey(keys(key_id), salt)
    sealed_size = chunk_size + TAG_SIZE
    index = 0
    sealed = source.read(sealed_size)
    while True:
        if len(sealed) < TAG_SIZE:
            raise TamperedError(name, f"it ends inside chunk {index} (cut short)")
        following = source.read(sealed_size) if len(sealed) == sealed_size else b""
        final = not following
        try:
            target.write(cipher.decrypt(_nonce(index, final), sealed, header))
        except InvalidTag:
            where = f"its last chunk ({index}): changed, or cut short" if final else f"chunk {index}"
            raise TamperedError(name, f"authentication failed at {where}") from None
        if final:
            return
        sealed, index = following, index + 1


def encrypt_bytes(plaintext: bytes, data_key: bytes, key_id: bytes, chunk_size: int = DEFAULT_CHUNK) -> bytes:
    import io

    out = io.BytesIO()
    encrypt_stream(io.BytesIO(plaintext), out, data_key, key_id, chunk_size)
    return out.getvalue()


def decrypt_bytes(sealed: bytes, keys: KeyLookup, name: str) -> bytes:
    import io

    out = io.BytesIO()
    decrypt_stream(io.BytesIO(sealed), out, keys, name)
    return out.getvalue()


def key_id_of(path: str | os.PathLike[str]) -> bytes:
    with open(path, "rb") as handle:
        return read_header(handle, str(path))[2]
