"""research.index.arrays reads numpy's .npy and .npz files as numpy does, without parsing Python source: numpy's
own header parse (ast.literal_eval) can fail on CPython 3.11 while another thread parses a Streamlit page."""

import ast

import numpy as np
import pytest

from research.index.arrays import read_array, read_arrays

ARRAYS = {
    "vectors": np.arange(12, dtype=np.float32).reshape(3, 4),
    "ids": np.array([7, -1, 2**40], dtype=np.int64),
    "fortran": np.asfortranarray(np.arange(6, dtype=np.int32).reshape(2, 3)),
    "scalar": np.array(2.5),
    "empty": np.zeros((0, 384), dtype=np.float32),
    "names": np.array(["US-DC", "US-HI", "Colorado"]),
    "flags": np.array([True, False]),
    "big-endian": np.arange(3, dtype=">u2"),
}


@pytest.fixture
def no_python_parsing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("Python source was parsed")
    monkeypatch.setattr(ast, "parse", refuse)


@pytest.mark.parametrize("mmap", [False, True])
@pytest.mark.parametrize("name", ARRAYS)
def test_an_npy_file_reads_as_numpy_reads_it(tmp_path, no_python_parsing, name, mmap):
    path = tmp_path / "a.npy"
    np.save(path, ARRAYS[name])
    array = read_array(path, mmap=mmap)
    assert array.dtype == ARRAYS[name].dtype and array.shape == ARRAYS[name].shape
    assert np.array_equal(array, ARRAYS[name])
    assert array.flags.f_contiguous == ARRAYS[name].flags.f_contiguous
    assert isinstance(array, np.memmap) == mmap


@pytest.mark.parametrize("save", [np.savez, np.savez_compressed])
def test_an_npz_archive_reads_as_numpy_reads_it_into_writable_arrays(tmp_path, no_python_parsing, save):
    path = tmp_path / "a.npz"
    save(path, **ARRAYS)
    arrays = read_arrays(path)
    assert set(arrays) == set(ARRAYS)
    for name, expected in ARRAYS.items():
        assert arrays[name].dtype == expected.dtype and np.array_equal(arrays[name], expected)
    arrays["vectors"][0, 0] = 1.0  # a model may adjust what it read


def test_files_that_are_not_plain_arrays_are_refused_with_the_file_named(tmp_path):
    text = tmp_path / "notes.npy"
    text.write_text("not an array")
    with pytest.raises(ValueError, match="notes.npy is not a .npy array"):
        read_array(text)
    objects = tmp_path / "objects.npy"
    np.save(objects, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="objects.npy holds Python objects, which are never read"):
        read_array(objects)
    records = tmp_path / "records.npy"
    np.save(records, np.zeros(2, dtype=[("x", "<i4"), ("y", "<f8")]))
    with pytest.raises(ValueError, match="records.npy has an array header this reader does not handle"):
        read_array(records)
    short = tmp_path / "short.npy"
    np.save(short, np.arange(100))
    short.write_bytes(short.read_bytes()[:-8])
    with pytest.raises(ValueError, match="short.npy is shorter than its array header says"):
        read_array(short)
    not_zip = tmp_path / "model.npz"
    not_zip.write_bytes(b"PK but not really")
    with pytest.raises(ValueError, match="model.npz is not an .npz archive"):
        read_arrays(not_zip)


def test_answering_over_a_fresh_index_parses_no_python_source(invented_index_env, monkeypatch):
    """What the app's warm-up thread does (models, lexical indexes, the statement indexes a statement searches)."""
    from research.wiring import default_index

    default_index().ingest(progress=False)
    default_index.cache_clear()
    index = default_index()
    monkeypatch.setattr(ast, "parse", lambda *args, **kwargs: pytest.fail("Python source was parsed"))
    assert index.warm_up()
    assert index.retriever().search("The landlord shall return the security deposit within 45 days.")
