import pytest

from lmclassify.io.atomic import write_atomically, write_text_atomically


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


def test_a_replaced_file_keeps_its_permission_bits(tmp_path):
    import os
    import stat

    target = tmp_path / "labelled.csv"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_text_atomically(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_writing_to_a_symbolic_link_replaces_the_file_it_points_to(tmp_path):
    real = tmp_path / "data" / "out.csv"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "out.csv"
    link.symlink_to(real)
    write_text_atomically(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
