"""A ComfyUI without the crypto extra (the default install): projects are edited and saved as plain files, and
the missing extra is found once, not looked for again on every save."""

from __future__ import annotations

import importlib.abc
import sys

from kijkocut.edit.commands import AddMarker
from kijkocut.project_io import load_project
from kijkocut.service import sealing
from kijkocut.service.store import ProjectStore


class _NoCrypto(importlib.abc.MetaPathFinder):
    """Makes `cryptography` unimportable and counts the tries."""

    def __init__(self) -> None:
        self.tries = 0

    def find_spec(self, name, path, target=None):
        if name == "cryptography" or name.startswith("cryptography."):
            self.tries += 1
            raise ImportError(f"No module named {name!r} (hidden by the test)")
        return None


def test_edits_without_the_crypto_extra_look_for_it_once(tmp_path, monkeypatch):
    finder = _NoCrypto()
    monkeypatch.setattr(sys, "meta_path", [finder, *sys.meta_path])
    for name in [m for m in sys.modules if m.startswith(("cryptography", "kijkocut.vault.keys"))]:
        monkeypatch.delitem(sys.modules, name)
    sealing.has_crypto_extra.cache_clear()
    try:
        store = ProjectStore(tmp_path / "projects")
        project = store.create("Plain")
        for second in range(5):
            store.apply(project.id, [AddMarker(time=second)])
        assert store.vault() is None
        assert len(load_project(store.file(project.id)).markers) == 5
        assert finder.tries == 1
    finally:
        sealing.has_crypto_extra.cache_clear()  # the other tests have the extra
