"""The per-jurisdiction .npz files of the models built from case notes: clear errors on load, whole-or-nothing writes
with a stamp of what they were built from."""

import numpy as np
import pytest

from research.index.npzfile import is_current, save_by_jurisdiction, save_stamped
from research.search.priors.chapters import ChapterClassifier
from research.search.priors.note_neighbours import NoteNeighbours
from research.search.priors.section_prior import SectionPrior


@pytest.mark.parametrize("model, what", [
    (ChapterClassifier, "chapter model"),
    (SectionPrior, "section prior"),
    (NoteNeighbours, "case-note neighbours"),
])
@pytest.mark.parametrize("content, error, message", [
    (None, FileNotFoundError, "not found \\(`research ingest` trains it\\)"),
    (b"not a zip file", ValueError, "is not a valid"),
    ("an npz without the model's arrays", ValueError, "is not a valid"),
])
def test_load_names_the_file_and_what_is_wrong(tmp_path, model, what, content, error, message):
    path = tmp_path / "model.npz"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        save_by_jurisdiction(path, {"US-HI": {"unrelated": np.zeros(2)}})
    with pytest.raises(error, match=f"{what} .*model.npz.* {message}" if content is None else f"{what} .*{message}"):
        model.load(path)


class Saved:
    """A stand-in model: writes one array, or fails half way as a crash would."""

    def __init__(self, fail=False):
        self.fail = fail

    def save(self, path):
        save_by_jurisdiction(path, {"US-HI": {"x": np.arange(3)}})
        if self.fail:
            raise OSError("disk full")


def test_a_stamped_file_is_current_only_for_its_digest_and_a_failed_write_leaves_the_old_one(tmp_path):
    path = tmp_path / "models" / "m.npz"
    assert not is_current(path, "d1")
    save_stamped(Saved(), path, "d1")
    assert is_current(path, "d1") and not is_current(path, "d2")
    with pytest.raises(OSError):
        save_stamped(Saved(fail=True), path, "d2")
    assert is_current(path, "d1") and not is_current(path, "d2")  # the old file and its stamp stand
