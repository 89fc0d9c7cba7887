"""Documents to analyse are read only from regular files and only up to a size limit; nothing blocks or floods."""

from __future__ import annotations

import os
import signal

import pytest

from lmclassify import DocumentError
from lmclassify.io import documents
from lmclassify.io.documents import read_document


@pytest.fixture
def no_hang():
    """Fail instead of hanging if reading blocks."""

    def stuck(*_):
        raise AssertionError("reading the document blocked")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_a_fifo_is_refused_without_blocking(tmp_path, no_hang):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(DocumentError, match="not a regular file"):
        read_document(str(fifo))


def test_a_link_to_a_device_is_refused(tmp_path, no_hang):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(DocumentError, match="not a regular file"):
        read_document(str(link))


def test_a_document_over_the_limit_is_refused_without_reading_it_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", 1000)
    big = tmp_path / "big.md"
    big.write_text("Plan the budget. " * 100)
    with pytest.raises(DocumentError, match="longer than 1,000 bytes"):
        read_document(str(big))
    small = tmp_path / "small.md"
    small.write_text("Plan the budget.")
    assert read_document(str(small)) == "Plan the budget."


def test_a_link_to_a_regular_file_is_read(tmp_path):
    target = tmp_path / "letter.txt"
    target.write_text("Inspire the team.")
    (tmp_path / "link.txt").symlink_to(target)
    assert read_document(str(tmp_path / "link.txt")) == "Inspire the team."
