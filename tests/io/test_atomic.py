import pytest

from lmclassify.io.atomic import write_atomically


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "model.bin"
    target.write_bytes(b"old")

    def failing(handle):
        handle.write(b"half of the new")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(target, failing)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.bin"]


def test_creates_folders_and_readable_files(tmp_path):
    target = write_atomically(tmp_path / "a" / "b.txt", lambda handle: handle.write(b"new"))
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o044  # group/other may read, as for any file the user writes
