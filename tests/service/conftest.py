from __future__ import annotations

from pathlib import Path

import pytest

from kijkocut.samples import write_image, write_video


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("service-media")
    write_video(folder / "a.mp4", seconds=3, width=160, height=90)
    write_video(folder / "b.mp4", seconds=2, width=160, height=90)
    write_image(folder / "still.png", 64, 48)
    (folder / "notes.txt").write_text("not media")
    return folder


def confine_to(folder: Path):
    """A front end's path rule for tests: names relative to `folder`, nothing outside it."""
    import os

    from kijkocut.service.errors import ServiceError

    def resolve(name: str) -> Path:
        real = os.path.realpath(os.path.join(folder, name))
        if os.path.commonpath([real, os.path.realpath(folder)]) != os.path.realpath(folder):
            raise ServiceError(f"{name!r} is outside the allowed folder")
        return Path(real)

    return resolve
