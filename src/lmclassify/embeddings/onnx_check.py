"""Look inside an ONNX graph before onnxruntime runs it: refuse tensors whose data would be read from files.

An ONNX tensor may keep its data in an *external file*, named by a path inside the graph; onnxruntime would read
that file (relative to the working directory, for a graph given as bytes). A trained encoder never needs one, so
a graph with such a tensor is refused, as is anything that is not a well-formed protocol-buffer graph. The walk
reads the protobuf wire format directly (no ``onnx`` package): the model's graph, every node's attribute graphs
and tensors, and every initializer.

>>> external_tensors(bytes([0x3A, 0x00]))  # a ModelProto with an empty graph
[]
"""

from __future__ import annotations

from collections.abc import Iterator

from lmclassify.errors import ModelError

# field numbers of onnx.proto
_MODEL_GRAPH, _MODEL_FUNCTIONS = 7, 25
_GRAPH_NODE, _GRAPH_INITIALIZER, _GRAPH_SPARSE_INITIALIZER = 1, 5, 15
_FUNCTION_NODE = 7
_NODE_ATTRIBUTE = 5
_ATTRIBUTE_TENSOR, _ATTRIBUTE_GRAPH, _ATTRIBUTE_TENSORS, _ATTRIBUTE_GRAPHS = 5, 6, 10, 11
_ATTRIBUTE_SPARSE_TENSOR, _ATTRIBUTE_SPARSE_TENSORS = 22, 23
_SPARSE_VALUES, _SPARSE_INDICES = 1, 2
_TENSOR_NAME, _TENSOR_EXTERNAL_DATA, _TENSOR_DATA_LOCATION = 8, 13, 14
_EXTERNAL = 1
#: Deepest nesting of graphs inside node attributes that is walked (If/Loop bodies).
MAX_DEPTH = 32


def _varint(data: memoryview, position: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        if position >= len(data) or shift > 63:
            raise ModelError("a truncated or overlong varint")
        byte = data[position]
        value |= (byte & 0x7F) << shift
        position += 1
        if byte < 0x80:
            return value, position
        shift += 7


def _fields(data: memoryview) -> Iterator[tuple[int, int, int | memoryview]]:
    """``(field, wire type, value)`` of each field of one message; length-delimited values as views."""
    position = 0
    while position < len(data):
        tag, position = _varint(data, position)
        field, wire = tag >> 3, tag & 7
        if wire == 0:
            value, position = _varint(data, position)
            yield field, wire, value
        elif wire == 2:
            length, position = _varint(data, position)
            if position + length > len(data):
                raise ModelError("a field runs past the end of its message")
            yield field, wire, data[position : position + length]
            position += length
        elif wire in (1, 5):
            position += 8 if wire == 1 else 4
            if position > len(data):
                raise ModelError("a fixed-width field runs past the end of its message")
        else:
            raise ModelError(f"wire type {wire} is not used by ONNX")


def _messages(data: memoryview, wanted: set[int]) -> Iterator[tuple[int, memoryview]]:
    for field, wire, value in _fields(data):
        if field in wanted and wire == 2 and isinstance(value, memoryview):
            yield field, value


def _tensor(data: memoryview, found: list[str]) -> None:
    name, external = "", False
    for field, _, value in _fields(data):
        if field == _TENSOR_NAME and isinstance(value, memoryview):
            name = bytes(value).decode("utf-8", "replace")
        elif field == _TENSOR_EXTERNAL_DATA or (field == _TENSOR_DATA_LOCATION and value == _EXTERNAL):
            external = True
    if external:
        found.append(name or "<unnamed>")


def _sparse(data: memoryview, found: list[str]) -> None:
    for _, tensor in _messages(data, {_SPARSE_VALUES, _SPARSE_INDICES}):
        _tensor(tensor, found)


def _nodes(data: memoryview, node_field: int, found: list[str], depth: int) -> None:
    for _, node in _messages(data, {node_field}):
        for _, attribute in _messages(node, {_NODE_ATTRIBUTE}):
            for field, value in _messages(
                attribute,
                {
                    _ATTRIBUTE_TENSOR,
                    _ATTRIBUTE_TENSORS,
                    _ATTRIBUTE_GRAPH,
                    _ATTRIBUTE_GRAPHS,
                    _ATTRIBUTE_SPARSE_TENSOR,
                    _ATTRIBUTE_SPARSE_TENSORS,
                },
            ):
                if field in (_ATTRIBUTE_TENSOR, _ATTRIBUTE_TENSORS):
                    _tensor(value, found)
                elif field in (_ATTRIBUTE_SPARSE_TENSOR, _ATTRIBUTE_SPARSE_TENSORS):
                    _sparse(value, found)
                else:
                    _graph(value, found, depth + 1)


def _graph(data: memoryview, found: list[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ModelError(f"graphs nested more than {MAX_DEPTH} deep")
    for field, value in _messages(data, {_GRAPH_INITIALIZER, _GRAPH_SPARSE_INITIALIZER}):
        (_tensor if field == _GRAPH_INITIALIZER else _sparse)(value, found)
    _nodes(data, _GRAPH_NODE, found, depth)


def external_tensors(graph: bytes) -> list[str]:
    """The names of the tensors in an ONNX model whose data lives in external files (empty for a usable graph).

    Raises :class:`~lmclassify.errors.ModelError` (its message says what is malformed, not which file) when
    ``graph`` is not a well-formed ONNX model.
    """
    data = memoryview(graph)
    found: list[str] = []
    graphs = 0
    for field, value in _messages(data, {_MODEL_GRAPH, _MODEL_FUNCTIONS}):
        if field == _MODEL_GRAPH:
            graphs += 1
            _graph(value, found, 0)
        else:
            _nodes(value, _FUNCTION_NODE, found, 0)
    if graphs != 1:
        raise ModelError(f"an ONNX model holds one graph, this holds {graphs}")
    return found
