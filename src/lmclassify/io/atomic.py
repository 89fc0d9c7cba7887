"""Write files so that a crash or a kill never leaves a half-written one: temporary file, fsync, rename.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
>>> write_atomically(target, lambda handle: handle.write(b"hello")).read_bytes()
b'hello'
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any


def sha256_of(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: str | Path, write: Callable[[IO[bytes]], Any]) -> Path:
    """Call ``write(handle)`` on a temporary file beside ``path``, then rename it over ``path``.

    If ``write`` raises, or the process dies, ``path`` keeps its previous content and the temporary file is
    removed (or, after a kill, left as an ignorable ``.tmp`` file). A file that is replaced keeps its permission
    bits (and its owner and group where the process may set them). When ``path`` is a symbolic link, the file it
    points to is replaced and the link stays a link.
    """
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        previous: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        previous = None
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed after closing
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if previous is None:
            os.chmod(handle.name, 0o666 & ~_current_umask())
        else:
            os.chmod(handle.name, stat.S_IMODE(previous.st_mode))
            with contextlib.suppress(OSError):  # only the owner's own group, or root, may change these
                os.chown(handle.name, previous.st_uid, previous.st_gid)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return path


def write_text_atomically(path: str | Path, text: str) -> Path:
    """Write ``text`` as UTF-8, atomically (see :func:`write_atomically`)."""
    data = text.encode("utf-8")
    return write_atomically(path, lambda handle: handle.write(data))


def write_json_atomically(path: str | Path, value: Any, **options: Any) -> Path:
    """Write ``value`` as indented JSON with a final newline, atomically; ``options`` go to :func:`json.dumps`."""
    return write_text_atomically(path, json.dumps(value, indent=2, **options) + "\n")


def _journal(folder: Path, stem: str) -> Path:
    return folder / f".{stem}.replacing.json"


def replace_together(folder: str | Path, stem: str, writers: dict[str, Callable[[IO[bytes]], Any]]) -> list[Path]:
    """Replace the files ``folder/<stem><suffix>`` (one per ``writers`` key, such as ``".npz"``) as one set.

    Every new file is written and flushed under a temporary name first; then a journal naming them is written,
    and only then are they renamed into place. A run that dies before the journal exists leaves the old set
    untouched; one that dies after it leaves a set that :func:`finish_replacing` (called before every model is
    read) completes. Either way, what is read is the old set or the new set, never a mixture.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> writers = {".a": lambda handle: handle.write(b"1"), ".b": lambda handle: handle.write(b"2")}
    >>> [path.name for path in replace_together(folder, "m", writers)]
    ['m.a', 'm.b']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    finish_replacing(folder, stem)
    pairs: list[tuple[Path, Path]] = []
    try:
        for suffix, write in writers.items():
            final = folder / f"{stem}{suffix}"
            handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed after closing
                dir=folder, prefix=f".{final.name}.", suffix=".new", delete=False
            )
            pairs.append((Path(handle.name), final))
            with handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(handle.name, 0o666 & ~_current_umask())
        write_json_atomically(_journal(folder, stem), [[new.name, final.name] for new, final in pairs])
    except BaseException:
        for new, _ in pairs:
            new.unlink(missing_ok=True)
        raise
    finish_replacing(folder, stem)
    return [final for _, final in pairs]


def finish_replacing(folder: str | Path, stem: str) -> None:
    """Complete a :func:`replace_together` that was interrupted after its journal was written (rename what is
    left to rename), and remove temporary files of one interrupted before that. Does nothing, cheaply, when
    there is nothing to finish; where the folder cannot be written (an installed package), it leaves it as is."""
    folder = Path(folder)
    journal = _journal(folder, stem)
    try:
        if journal.exists():
            for new, final in json.loads(journal.read_text(encoding="utf-8")):
                with contextlib.suppress(FileNotFoundError):  # renamed already, by this run or another reader
                    os.replace(folder / new, folder / final)
            journal.unlink(missing_ok=True)
        for stale in folder.glob(f".{stem}.*.new"):
            stale.unlink(missing_ok=True)
    except (OSError, ValueError):
        return
