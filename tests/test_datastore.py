"""Where files are looked for: the pack check and the read-only mode of locate."""

import pytest

from course_utils import data, datastore


@pytest.fixture
def pack(tmp_path):
    root = tmp_path / "data"
    for relpath in ("mnist/train-labels-idx1-ubyte.gz", "text/fleurs_mal.txt",
                    "text/tinyshakespeare/input.txt"):
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_bytes(b"x")
    return root


@pytest.mark.parametrize("relative, problem", [
    (".", None),
    ("mnist", "one level too deep): set COURSE_DATA_DIR={root}"),
    ("text", "one level too deep): set COURSE_DATA_DIR={root}"),
    ("text/tinyshakespeare", "one level too deep): set COURSE_DATA_DIR={root}"),
    ("nowhere", "does not exist"),
    ("text/fleurs_mal.txt", "is a file, not a folder"),
])
def test_pack_problem(pack, relative, problem):
    found = datastore.pack_problem(pack / relative)
    if problem is None:
        assert found is None
    else:
        assert found.startswith(f"COURSE_DATA_DIR={pack / relative} ")
        assert problem.format(root=pack) in found


def test_a_folder_holding_one_dataset_s_files_is_reported(tmp_path):
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(b"x")
    assert "holds data files directly" in datastore.pack_problem(tmp_path)


def test_an_empty_folder_is_a_pack_that_lacks_files(tmp_path):
    assert datastore.pack_problem(tmp_path) is None


def test_locate_without_download_writes_nothing(isolated_data):
    entry = data.REGISTRY["mnist"]["train-labels-idx1-ubyte.gz"]
    with pytest.raises(data.DataUnavailableError, match="is missing"):
        datastore.locate(entry, download=False)
    assert not isolated_data.exists()


def test_a_relative_pack_path_is_explained(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    problem = datastore.pack_problem(datastore.Path("../shared/data"))
    assert "does not exist (a relative path" in problem and str(tmp_path) in problem
