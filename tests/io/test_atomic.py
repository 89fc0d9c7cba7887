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


def _writer(data: bytes):
    return lambda handle: handle.write(data)


def _writers(tag: bytes) -> dict:
    return {suffix: _writer(tag + suffix.encode()) for suffix in (".npz", ".json")}


def _contents(folder) -> dict:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_a_set_replaced_together_is_never_read_half_old_half_new(tmp_path, monkeypatch):
    import os

    from lmclassify.io import atomic

    atomic.replace_together(tmp_path, "default", _writers(b"old"))
    real_replace = os.replace
    calls = []

    def die_after_the_first_rename(source, target):
        calls.append(target)
        if len(calls) == 2:  # the journal was renamed into place, then the first file: now the process "dies"
            raise KeyboardInterrupt
        real_replace(source, target)

    monkeypatch.setattr(atomic.os, "replace", die_after_the_first_rename)
    with pytest.raises(KeyboardInterrupt):
        atomic.replace_together(tmp_path, "default", _writers(b"new"))
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    atomic.finish_replacing(tmp_path, "default")  # what every reader does first
    assert _contents(tmp_path) == {"default.json": b"new.json", "default.npz": b"new.npz"}


def test_a_run_that_dies_before_its_journal_leaves_the_old_set_and_no_temporary_files(tmp_path):
    from lmclassify.io import atomic

    atomic.replace_together(tmp_path, "default", _writers(b"old"))

    def fail(handle):
        raise MemoryError("died while writing the second file")

    with pytest.raises(MemoryError):
        atomic.replace_together(tmp_path, "default", {".npz": lambda handle: handle.write(b"new"), ".json": fail})
    assert _contents(tmp_path) == {"default.json": b"old.json", "default.npz": b"old.npz"}


def test_temporary_files_of_a_killed_run_are_removed_by_the_next_reader(tmp_path):
    from lmclassify.io import atomic

    atomic.replace_together(tmp_path, "default", _writers(b"old"))
    (tmp_path / ".default.npz.abc123.new").write_bytes(b"half written")
    atomic.finish_replacing(tmp_path, "default")
    assert _contents(tmp_path) == {"default.json": b"old.json", "default.npz": b"old.npz"}
