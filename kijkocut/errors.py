"""Error types shared by the engine. Every message names the thing that was wrong."""


class KijkoCutError(Exception):
    """Base class for every error the engine raises on purpose."""


class ProjectFormatError(KijkoCutError):
    """A project file or dict does not parse: the message names the field."""


class ProjectValidationError(KijkoCutError):
    """A project parses but is not a valid timeline (overlaps, bad ranges, unknown media...)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid timeline:\n- " + "\n- ".join(problems))


class EditError(KijkoCutError):
    """An edit operation cannot be applied; the project is unchanged."""


class MediaError(KijkoCutError):
    """A media file is missing, corrupt, truncated, empty or unsupported."""

    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class RenderCancelled(KijkoCutError):
    """The caller cancelled a render or export; nothing was written at the destination."""


class PathNotAllowedError(KijkoCutError):
    """A path outside the folders the caller may use. The message names the path as it was given and the
    allowed folders, never anything read from a file."""


class MediaMissingError(KijkoCutError):
    """Media files the timeline uses are gone (moved, renamed or deleted since import); lists every one."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(
            "media missing (moved, renamed or deleted since import): "
            + "; ".join(missing)
            + ". If they moved, relink them: the relink_media action searches a folder for them by "
            "name and content"
        )


class MediaChangedError(KijkoCutError):
    """Media files changed since import so that the timeline can no longer be rendered as edited."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class ExportTargetError(KijkoCutError):
    """An export cannot be written where asked (protected file, folder, permissions, full or read-only disk)."""


class OutputFolderMissingError(ExportTargetError):
    """The export's folder does not exist and the caller did not ask for it to be created."""

    def __init__(self, folder: str):
        self.folder = folder
        super().__init__(f"the output folder {folder} does not exist")
