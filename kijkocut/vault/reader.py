"""Random access to an encrypted file without decrypting it whole: a seekable, read-only file object that
decrypts the chunk a read lands in (each one authenticated on its own, with its index and final flag, see
`stream`), keeping the last few. FFmpeg seeks around a video as it demuxes it; this is what lets an encrypted
preview proxy be scrubbed like a plain one, with memory bounded by a few chunks."""

from __future__ import annotations

import io
import os
from collections import OrderedDict

from cryptography.exceptions import InvalidTag

from kijkocut.vault.errors import TamperedError
from kijkocut.vault.stream import HEADER_SIZE, TAG_SIZE, KeyLookup, _nonce, _subkey, read_header

KEPT_CHUNKS = 4


class SealedReader(io.RawIOBase):
    def __init__(self, path: str | os.PathLike[str], keys: KeyLookup) -> None:
        self.name = str(path)
        self._file = open(path, "rb")  # noqa: SIM115 (closed with the reader)
        try:
            self._header, self._chunk, key_id, salt = read_header(self._file, self.name)
            self._cipher = _subkey(keys(key_id), salt)
            body = os.fstat(self._file.fileno()).st_size - HEADER_SIZE
            sealed_chunk = self._chunk + TAG_SIZE
            self._count = max(1, -(-body // sealed_chunk))
            self.size = body - TAG_SIZE * self._count
            if self.size < 0 or body - (self._count - 1) * sealed_chunk < TAG_SIZE:
                raise TamperedError(self.name, "it is cut short")
        except BaseException:
            self._file.close()
            raise
        self._position = 0
        self._kept: OrderedDict[int, bytes] = OrderedDict()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._position = base + offset
        return self._position

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        wanted = min(len(buffer), max(0, self.size - self._position))
        done = 0
        while done < wanted:
            index, offset = divmod(self._position, self._chunk)
            piece = self._plain_chunk(index)[offset : offset + wanted - done]
            buffer[done : done + len(piece)] = piece
            done += len(piece)
            self._position += len(piece)
        return done

    def _plain_chunk(self, index: int) -> bytes:
        if index in self._kept:
            self._kept.move_to_end(index)
            return self._kept[index]
        self._file.seek(HEADER_SIZE + index * (self._chunk + TAG_SIZE))
        sealed = self._file.read(self._chunk + TAG_SIZE)
        final = index == self._count - 1
        try:
            plain = self._cipher.decrypt(_nonce(index, final), sealed, self._header)
        except InvalidTag:
            raise TamperedError(self.name, f"authentication failed at chunk {index}") from None
        self._kept[index] = plain
        if len(self._kept) > KEPT_CHUNKS:
            self._kept.popitem(last=False)
        return plain

    def close(self) -> None:
        self._file.close()
        super().close()


_default_vault = None


def open_sealed(path: str | os.PathLike[str]) -> SealedReader:
    """A sealed media file (a preview proxy) of the default data directory, opened for reading. One vault per
    process, so the user's key is derived once (LockedError says how to unlock)."""
    global _default_vault
    if _default_vault is None:
        from kijkocut.vault.keys import Vault
        from kijkocut.vault.location import keys_dir

        _default_vault = Vault(keys_dir())
    return SealedReader(path, _default_vault.data_key)
