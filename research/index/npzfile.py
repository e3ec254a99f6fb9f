"""Arrays per jurisdiction in one compressed .npz file (keys `<jurisdiction>/<name>`): the layout of the models
`research ingest` trains from case notes (research.search.priors.chapters, research.search.priors.section_prior,
research.search.priors.note_neighbours), each written whole or not at all and stamped with a digest of what it
was built from."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from research.files import replaced_whole
from research.index.arrays import read_arrays


def save_by_jurisdiction(path: Path, arrays: dict[str, dict[str, np.ndarray]]) -> None:
    """Write `arrays` ({jurisdiction: {name: array}}) to one compressed .npz at `path`."""
    # allow_pickle is numpy's default, named so that the arrays unpacked below are not taken for it
    np.savez_compressed(path, allow_pickle=True,
                        **{f"{jurisdiction}/{name}": array
                           for jurisdiction, named in arrays.items() for name, array in named.items()})


def load_by_jurisdiction(path: Path, what: str, names: tuple[str, ...]) -> dict[str, dict[str, np.ndarray]]:
    """The arrays `names` of every jurisdiction in a file written by `save_by_jurisdiction`, read whole. `what`
    names the file in errors ("chapter model"): FileNotFoundError when it is missing, ValueError when it is not
    such a file or lacks an array."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"{what} {path} not found (`research ingest` trains it)")
    try:
        arrays = read_arrays(path)
        jurisdictions = sorted({key.split("/", 1)[0] for key in arrays})
        return {j: {name: arrays[f"{j}/{name}"] for name in names} for j in jurisdictions}
    except (ValueError, KeyError, OSError) as error:
        raise ValueError(f"{what} {path} is not a valid {what.split()[-1]} file: {error}") from error


def _stamp(path: Path) -> Path:
    return Path(path).with_suffix(".sha256")  # what the file was built from, as a digest


def is_current(path: Path, digest: str) -> bool:
    """Whether `path` exists and its stamp (written by `save_stamped`) names `digest`."""
    stamp = _stamp(path)
    return Path(path).is_file() and stamp.is_file() and stamp.read_text().strip() == digest


def save_stamped(model, path: Path, digest: str) -> None:
    """Write `model` (anything with a `save(path)` writing an .npz) to `path` whole or not at all, then stamp it
    with `digest` (of what it was built from) for `is_current`."""
    path = Path(path)
    with replaced_whole(path, ".partial.npz") as partial:  # numpy adds .npz to a name without it
        model.save(partial)
    _stamp(path).write_text(digest + "\n")
