"""The ONNX graph check: external-data tensors are found wherever they hide, malformed bytes are refused."""

from __future__ import annotations

import pytest

from lmclassify.embeddings.onnx_check import MAX_DEPTH, external_tensors
from lmclassify.errors import ModelError


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, payload: bytes | int) -> bytes:
    if isinstance(payload, int):
        return _varint(number << 3) + _varint(payload)
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _tensor(name: str, external: bool) -> bytes:
    body = _field(8, name.encode()) + _field(9, b"\x00" * 16)  # name, raw_data
    return body + (_field(14, 1) + _field(13, _field(1, b"location") + _field(2, b"../secret")) if external else b"")


def _model(graph: bytes) -> bytes:
    return _field(1, 8) + _field(7, graph)  # ir_version, graph


def test_a_graph_with_inline_weights_passes():
    assert external_tensors(_model(_field(5, _tensor("w", False)) + _field(5, _tensor("b", False)))) == []


def test_an_external_initializer_is_found():
    assert external_tensors(_model(_field(5, _tensor("w", False)) + _field(5, _tensor("leak", True)))) == ["leak"]


def test_an_external_tensor_inside_a_subgraph_attribute_is_found():
    inner = _field(5, _tensor("deep", True))
    node = _field(4, b"If") + _field(5, _field(1, b"then_branch") + _field(6, inner))
    assert external_tensors(_model(_field(1, node))) == ["deep"]


def test_an_external_tensor_in_a_constant_node_is_found():
    node = _field(4, b"Constant") + _field(5, _field(1, b"value") + _field(5, _tensor("const", True)))
    assert external_tensors(_model(_field(1, node))) == ["const"]


@pytest.mark.parametrize(
    "data",
    [
        b"not an onnx graph",
        _field(7, b"")[:-1] + b"\x05",  # a length past the end
        _field(1, 8),  # no graph at all
        bytes([0x80] * 11),  # an overlong varint
    ],
)
def test_malformed_bytes_are_refused(data):
    with pytest.raises(ModelError):
        external_tensors(data)


def test_graphs_nested_too_deep_are_refused():
    graph = b""
    for _ in range(MAX_DEPTH + 2):
        graph = _field(1, _field(5, _field(6, graph)))
    with pytest.raises(ModelError, match="nested"):
        external_tensors(_model(graph))
