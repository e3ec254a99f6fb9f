"""Writing files whole or not at all: exports to a path the user named, and the models and indexes ingest builds.

Everything written goes to a temporary name beside its target and replaces the target in one rename, so a crash
leaves the old file (or directory) or none, never half of one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class OutputPathError(ValueError):
    """An export cannot be written where it was asked to go."""


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


@contextmanager
def replaced_whole(path: Path, suffix: str = ".part") -> Iterator[Path]:
    """A temporary path beside `path` (its name + `suffix`) to write a file or build a directory at; when the block
    ends without an error it replaces `path`, and on an error it is removed and `path` is left as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + suffix)
    _remove(temporary)
    try:
        yield temporary
    except BaseException:
        _remove(temporary)
        raise
    if temporary.is_dir() and path.exists():  # a directory replaces only an empty one: the old one steps aside first,
        aside = path.with_name(path.name + ".old")  # so a crash between the renames leaves it under that name
        _remove(aside)
        os.replace(path, aside)
        os.replace(temporary, path)
        _remove(aside)
        return
    os.replace(temporary, path)


def write_output(data: bytes, path: Path, force: bool = False) -> None:
    """Write an export (memo, grades, report); never overwrites without `force`; clear errors."""
    if path.exists() and not force:
        raise OutputPathError(f"{path} already exists; use --force to overwrite it")
    if path.is_dir():
        raise OutputPathError(f"{path} is a directory")
    if not path.parent.is_dir():
        raise OutputPathError(f"the directory {path.parent} does not exist")
    try:
        with replaced_whole(path) as temporary:
            temporary.write_bytes(data)
    except OSError as error:
        raise OutputPathError(f"cannot write {path}: {error.strerror or error}") from error
