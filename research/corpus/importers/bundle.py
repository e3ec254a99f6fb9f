"""What an import reads: one file, a directory, or an archive (.tar, .tar.gz, .tgz, .zip), as named members.

Members are opened one at a time and read as streams (compressed members as they are: a reader decompresses), so
an archive of thousands of files is never held in memory; a corrupt archive or an unreadable member is an
ImportFailure naming the file (and the member).
"""

from __future__ import annotations

import gzip
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO


class ImportFailure(ValueError):
    """An import cannot go on; the message names the file and the place in it."""


@dataclass(frozen=True)
class Member:
    """One file of a bundle: its name inside the bundle and a way to open it."""

    name: str
    open: Callable[[], IO[bytes]]


class Bundle:
    """The files an import reads, whatever holds them."""

    def __init__(self, path: Path):
        if not path.exists():
            raise ImportFailure(f"{path}: no such file or directory")
        self.path = path

    @property
    def kind(self) -> str:
        """'directory', 'tar', 'zip' or 'file'."""
        if self.path.is_dir():
            return "directory"
        if tarfile.is_tarfile(self.path):
            return "tar"
        if zipfile.is_zipfile(self.path):
            return "zip"
        if self.path.suffix in (".tgz",) or self.path.name.endswith(".tar.gz"):
            raise ImportFailure(f"{self.path}: not a readable tar archive (corrupt or truncated?)")
        return "file"

    def members(self, wanted: Callable[[str], bool] = lambda name: True) -> Iterator[Member]:
        """The bundle's files whose names `wanted` accepts, in the bundle's order (a directory's sorted)."""
        kind = self.kind
        if kind == "directory":
            for path in sorted(p for p in self.path.rglob("*") if p.is_file()):
                name = path.relative_to(self.path).as_posix()
                if wanted(name):
                    yield Member(name, _opener(path))
        elif kind == "tar":
            yield from self._tar_members(wanted)
        elif kind == "zip":
            with zipfile.ZipFile(self.path) as archive:
                for info in archive.infolist():
                    if not info.is_dir() and wanted(info.filename):
                        yield Member(info.filename, _zip_opener(archive, info.filename, self.path))
        elif wanted(self.path.name):
            yield Member(self.path.name, _opener(self.path))

    def _tar_members(self, wanted: Callable[[str], bool]) -> Iterator[Member]:
        try:
            with tarfile.open(self.path, "r:*") as archive:
                for info in archive:
                    if info.isfile() and wanted(info.name):
                        data = archive.extractfile(info)
                        if data is None:
                            continue
                        yield Member(info.name, _held(data))
        except (tarfile.TarError, EOFError, OSError, gzip.BadGzipFile) as exc:
            raise ImportFailure(f"{self.path}: corrupt or truncated archive ({exc})") from exc


def _opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: open(path, "rb")  # noqa: SIM115


def _zip_opener(archive: zipfile.ZipFile, name: str, path: Path) -> Callable[[], IO[bytes]]:
    def open_member() -> IO[bytes]:
        try:
            return archive.open(name)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ImportFailure(f"{path}: {name}: unreadable ({exc})") from exc
    return open_member


def _held(stream: IO[bytes]) -> Callable[[], IO[bytes]]:
    """A tar member's stream (readable once, while the archive is at that member)."""
    return lambda: stream
