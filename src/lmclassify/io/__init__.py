"""Input and output: file readers and writers, document files, atomic writes, progress."""
