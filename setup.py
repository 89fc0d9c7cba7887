"""Build steps that pyproject.toml cannot express: the optional C extension and the bundled data files.

The extension (``lmclassify.runtime._fastscore``) makes classification fast; if it cannot be compiled the build goes on
without it and lmclassify uses its pure-Python path, which gives the same results. The corpus, the challenge set,
the codebook, the lexicon and the two bundled models live in the top-level ``data/`` and ``models/`` folders and are
copied into the wheel as ``lmclassify/data/...`` (with the whole documents under ``data/documents``) and
``lmclassify/models/...``.
"""

from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

BUNDLED_FILES = {
    "data/corpus.csv": "lmclassify/data/corpus.csv",
    "data/challenge.csv": "lmclassify/data/challenge.csv",
    "data/codebook.json": "lmclassify/data/codebook.json",
    "data/lexicon.csv": "lmclassify/data/lexicon.csv",
    "data/documents/documents.csv": "lmclassify/data/documents/documents.csv",
    "data/documents/units.csv": "lmclassify/data/documents/units.csv",
    "models/default.npz": "lmclassify/models/default.npz",
    "models/default.json": "lmclassify/models/default.json",
    "models/accurate.npz": "lmclassify/models/accurate.npz",
    "models/accurate.json": "lmclassify/models/accurate.json",
}
BUNDLED_FILES.update(
    {path.as_posix(): f"lmclassify/{path.as_posix()}" for path in sorted(Path("data/documents/texts").glob("*.txt"))}
)


class BuildPyWithBundledFiles(build_py):
    """Copy the bundled data and model files into the built package (editable installs read them in place)."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for source, target in BUNDLED_FILES.items():
            destination = Path(self.build_lib) / target
            destination.parent.mkdir(parents=True, exist_ok=True)
            self.copy_file(source, str(destination))

    def get_outputs(self, include_bytecode=True):
        outputs = super().get_outputs(include_bytecode)
        if getattr(self, "editable_mode", False):
            return outputs
        return outputs + [str(Path(self.build_lib) / target) for target in BUNDLED_FILES.values()]


setup(
    ext_modules=[Extension("lmclassify.runtime._fastscore", ["src/lmclassify/runtime/_fastscore.c"], optional=True)],
    cmdclass={"build_py": BuildPyWithBundledFiles},
)
