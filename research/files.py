"""Writing exports (memos, grades, eval sets, reports) to a path the user named."""

from __future__ import annotations

from pathlib import Path


class OutputPathError(ValueError):
    """An export cannot be written where it was asked to go."""


def write_output(data: bytes, path: Path, force: bool = False) -> None:
    """Write an export (memo, grades, report); never overwrites without `force`; clear errors."""
    if path.exists() and not force:
        raise OutputPathError(f"{path} already exists; use --force to overwrite it")
    if path.is_dir():
        raise OutputPathError(f"{path} is a directory")
    if not path.parent.is_dir():
        raise OutputPathError(f"the directory {path.parent} does not exist")
    try:
        temporary = path.with_name(path.name + ".part")
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError as error:
        raise OutputPathError(f"cannot write {path}: {error.strerror or error}") from error
