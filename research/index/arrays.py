"""numpy's .npy and .npz formats read without the `ast` module.

numpy's own reader parses each array's header (a Python dict literal) with `ast.literal_eval`. On CPython before
3.13 the AST constructor keeps its recursion depth in state that all threads share (CPython gh-106905): an array
read in one thread while another thread parses Python source fails either of them with "AST constructor recursion
depth mismatch". The app reads the indexes in a background warm-up thread and on a visitor's first question while
Streamlit parses the page scripts of other visitors, so the indexes' arrays are read here instead; the headers
numpy writes are simple enough for one regular expression."""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path
from typing import IO, Literal

import numpy as np

_MAGIC = b"\x93NUMPY"
# numpy writes the keys sorted, each followed by ", ", and pads the header with spaces to an aligned length
_HEADER = re.compile(r"\{'descr': '(?P<descr>[^']+)', 'fortran_order': (?P<fortran_order>True|False), "
                     r"'shape': \((?P<shape>[0-9, ]*)\), \}\s*")


def _header(stream: IO[bytes], name: str) -> tuple[np.dtype, tuple[int, ...], Literal["C", "F"]]:
    """The dtype, shape and memory order (C or Fortran) of the array whose .npy bytes `stream` is at the start of."""
    magic = stream.read(8)
    if len(magic) < 8 or not magic.startswith(_MAGIC):
        raise ValueError(f"{name} is not a .npy array")
    major = magic[6]
    if major not in (1, 2, 3):
        raise ValueError(f"{name} has .npy format version {major}.{magic[7]}, not one this reader knows")
    length_format = "<H" if major == 1 else "<I"
    (length,) = struct.unpack(length_format, stream.read(struct.calcsize(length_format)))
    header = stream.read(length).decode("utf-8" if major == 3 else "latin1")
    match = _HEADER.fullmatch(header)
    if match is None:
        raise ValueError(f"{name} has an array header this reader does not handle: {header.strip()!r}")
    dtype = np.dtype(match["descr"])
    if dtype.hasobject:
        raise ValueError(f"{name} holds Python objects, which are never read (they would need unpickling)")
    shape = tuple(int(size) for size in match["shape"].split(",") if size.strip())
    return dtype, shape, "F" if match["fortran_order"] == "True" else "C"


def read_array(path: Path, mmap: bool = False) -> np.ndarray:
    """The array of the .npy file `path`, memory-mapped read-only when `mmap` (else read into memory). ValueError
    for a file that is not such an array or is shorter than its header says."""
    with open(path, "rb") as stream:
        dtype, shape, order = _header(stream, str(path))
        offset = stream.tell()
        count = int(np.prod(shape))
        if Path(path).stat().st_size < offset + count * dtype.itemsize:
            raise ValueError(f"{path} is shorter than its array header says")
        if mmap:
            return np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape, order=order)
        return np.fromfile(stream, dtype=dtype, count=count).reshape(shape, order=order)


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    """The arrays of the .npz file `path` (as numpy's `savez` and `savez_compressed` write it), by name. ValueError
    for a file that is not such an archive."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise ValueError(f"{path} is not an .npz archive: {error}") from error
    arrays = {}
    with archive:
        for member in archive.namelist():
            if not member.endswith(".npy"):
                continue
            with archive.open(member) as stream:
                name = f"{path}:{member}"
                dtype, shape, order = _header(stream, name)
                data = bytearray(stream.read())  # a bytearray keeps the array writable, as numpy's reader does
            count = int(np.prod(shape))
            if len(data) < count * dtype.itemsize:
                raise ValueError(f"{name} is shorter than its array header says")
            arrays[member.removesuffix(".npy")] = np.frombuffer(data, dtype=dtype, count=count).reshape(
                shape, order=order)
    return arrays
