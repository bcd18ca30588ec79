"""Where files may come from: the folders a front end lets a client or a project name (`PathPolicy`), the one
check that keeps a path inside them (`confine`: the real path, then the common path with each folder), and
every file path a project stores (`project_paths`), so a new path field is found in one place.

Front ends build the policy (MCP: the workspace and media folders; nodes: ComfyUI's folders; CLI: the
project's folder, the home folder and KIJKOCUT_MEDIA_DIRS) and hand it to the renderers, which then open
nothing it refuses. Errors name the path as it was given and the allowed folders, never anything read from a
file."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kijkocut.effects.catalog import EFFECTS
from kijkocut.errors import PathNotAllowedError

if TYPE_CHECKING:
    from kijkocut.model import Effect, Project

StrPath = str | os.PathLike[str]
PathKind = Literal["media", "effect", "font"]

# System font folders: a title's font file may come from these as well as from a policy's readable folders.
FONT_DIRS = [
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts"),
    Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts",
]
FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc", ".otc", ".pfa", ".pfb", ".woff", ".woff2", ".dfont"})
SHOWN_CHARS = 200
MEDIA_DIRS_VARIABLE = "KIJKOCUT_MEDIA_DIRS"  # extra folders media may be read from (os.pathsep-separated)


def shown(path: str) -> str:
    """A path as the caller gave it, quoted (control characters escaped) and cut short."""
    return repr(path if len(path) <= SHOWN_CHARS else path[:SHOWN_CHARS] + "...")


def _within(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # different drives on Windows
        return False


def confine(path: StrPath, roots: Iterable[StrPath], *, base: StrPath | None = None) -> Path:
    """The real path of `path` when, with every symlink followed, it lies inside one of `roots`; otherwise
    PathNotAllowedError. A relative path is taken from `base` and '~' is the home folder; a '..' component
    (with '/' or '\\' separators) or a NUL is refused outright rather than normalised away, so callers learn
    to name files plainly. The file need not exist."""
    text = os.fspath(path)
    if not isinstance(text, str):
        raise PathNotAllowedError("a path must be text")
    if "\x00" in text:
        raise PathNotAllowedError(f"{shown(text)} contains a NUL character")
    if not text:
        raise PathNotAllowedError("no path given")
    if ".." in re.split(r"[\\/]+", text):
        raise PathNotAllowedError(
            f"{shown(text)}: '..' is not allowed; name the file inside an allowed folder"
        )
    real_roots = [os.path.realpath(root) for root in roots]
    candidate = os.path.expanduser(text)
    if not os.path.isabs(candidate):
        if base is None:
            inside = ", ".join(real_roots) or "an allowed folder"
            raise PathNotAllowedError(
                f"{shown(text)} is relative and there is no folder to take it from; "
                f"give an absolute path inside {inside}"
            )
        candidate = os.path.join(base, candidate)
    real = os.path.realpath(candidate)
    if not any(_within(real, root) for root in real_roots):
        allowed = ", ".join(real_roots) or "none"
        raise PathNotAllowedError(f"{shown(text)} is outside the allowed folders ({allowed})")
    return Path(real)


def _real_folders(folders: Iterable[StrPath]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(os.path.realpath(folder) for folder in folders))


@dataclass(frozen=True)
class PathPolicy:
    """The folders a front end lets a project or a client name, as real paths: files are read from `readable`
    (font files also from `font_dirs`) and written in `writable`; relative paths of a project that has no
    folder of its own are taken from `base`."""

    readable: tuple[str, ...]
    writable: tuple[str, ...] = ()
    font_dirs: tuple[str, ...] = ()
    base: str | None = None

    @classmethod
    def of(
        cls,
        readable: Iterable[StrPath],
        writable: Iterable[StrPath] = (),
        *,
        base: StrPath | None = None,
        system_fonts: bool = True,
    ) -> PathPolicy:
        fonts = _real_folders(FONT_DIRS) if system_fonts else ()
        return cls(
            _real_folders(readable),
            _real_folders(writable),
            fonts,
            None if base is None else os.path.realpath(base),
        )

    def roots(self, kind: PathKind | Literal["write"]) -> tuple[str, ...]:
        if kind == "write":
            return self.writable
        return self.readable + self.font_dirs if kind == "font" else self.readable

    def confine(
        self, path: StrPath, kind: PathKind | Literal["write"] = "media", *, base: StrPath | None = None
    ) -> Path:
        """`confine` to the folders for this kind of file; relative paths from `base`, else the policy's."""
        return confine(path, self.roots(kind), base=self.base if base is None else base)


def user_policy(project_dir: StrPath, env: Mapping[str, str] | None = None) -> PathPolicy:
    """For someone rendering their own project (the CLI): files in the project's folder, the home folder and
    the folders in KIJKOCUT_MEDIA_DIRS; so a downloaded project cannot read /etc or /proc."""
    env = os.environ if env is None else env
    extra = [folder for folder in env.get(MEDIA_DIRS_VARIABLE, "").split(os.pathsep) if folder.strip()]
    return PathPolicy.of(
        [project_dir, Path.home(), *(os.path.expanduser(f.strip()) for f in extra)], base=project_dir
    )


# --- the paths a project stores --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectPath:
    """One file path stored in a project: what it is for, where it sits (for messages) and its text."""

    kind: PathKind
    where: str
    value: str


def effect_file_params(kind: str) -> list[str]:
    """The parameters of an effect kind that name files (marked `file` in the effect catalogue)."""
    spec = EFFECTS.get(kind)
    return [name for name, param in spec.params.items() if param.file] if spec else []


def is_font_file(font: str | None) -> bool:
    """Whether a title's font names a file (it has a folder part, starts with '~' or ends in a font suffix)
    rather than a family, which is looked up in the system font folders only."""
    if not font:
        return False
    return "/" in font or "\\" in font or font.startswith("~") or Path(font).suffix.lower() in FONT_SUFFIXES


def _set_param(effect: Effect, name: str, value: str) -> None:
    effect.params = {**effect.params, name: value}


def _slots(project: Project) -> Iterator[tuple[ProjectPath, Callable[[str], None]]]:
    """Every stored file path with a function that replaces it, in a fixed order. The one place that knows
    where paths live: media references, file-valued effect parameters and title fonts."""
    for media_id, ref in project.media.items():
        yield ProjectPath("media", f"media {media_id}", ref.path), partial(setattr, ref, "path")
    for track in project.tracks:
        for element in track.elements:
            for effect in element.effects:
                for name in effect_file_params(effect.kind):
                    value = effect.params.get(name)
                    if isinstance(value, str) and value:
                        where = f"element {element.id}, effect {effect.id} ({effect.kind}) {name}"
                        yield ProjectPath("effect", where, value), partial(_set_param, effect, name)
            style = getattr(element, "style", None)
            if style is not None and is_font_file(style.font):
                yield (
                    ProjectPath("font", f"element {element.id} style.font", style.font),
                    partial(setattr, style, "font"),
                )


def project_paths(project: Project) -> list[ProjectPath]:
    """Every file path the project stores (font family names are not paths and are left out)."""
    return [path for path, _ in _slots(project)]


def confine_project_path(policy: PathPolicy, path: ProjectPath, base: StrPath | None = None) -> Path:
    """One stored path confined, or PathNotAllowedError that also says where in the project it sits."""
    try:
        return policy.confine(path.value, path.kind, base=base)
    except PathNotAllowedError as exc:
        raise PathNotAllowedError(f"{path.where}: {exc}") from None


def confined_project(project: Project, policy: PathPolicy, project_dir: StrPath | None = None) -> Project:
    """The project with every stored file path replaced by its real path inside the policy's folders
    (relative paths taken from `project_dir`, else the policy's base), or PathNotAllowedError naming the first
    path that is not. Returns the project itself when nothing changes, else a copy without the history: the
    caller then opens exactly the files that were checked."""
    from kijkocut.model import History

    base = project_dir if project_dir is not None else policy.base
    changed: dict[int, str] = {}
    for index, (path, _) in enumerate(_slots(project)):
        real = str(confine_project_path(policy, path, base))
        if real != path.value:
            changed[index] = real
    if not changed:
        return project
    copy = project.model_copy(update={"history": History()}).model_copy(deep=True)
    for index, (_, replace) in enumerate(_slots(copy)):
        if index in changed:
            replace(changed[index])
    return copy
