"""A compiled model's parts, checked and ready to score: feature blocks, heads, weights and per-kind offsets.

>>> from lmclassify.model.format import read_model
>>> from lmclassify.resources import default_model_path
>>> parts = ModelParts.from_file(read_model(default_model_path()))
>>> [block.name for block in parts.blocks], parts.labels
(['word', 'char', 'lexicon'], ('management', 'leadership', 'neither'))
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from lmclassify.errors import ModelError
from lmclassify.features.analyzer import Analyzer
from lmclassify.features.blocks import BlockKind, analyzer_of, kind_of
from lmclassify.model.format import ModelFile

#: What a malformed model can raise while it is taken apart; each becomes a ModelError naming the file.
MODEL_FAULTS = (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError, OverflowError, re.error)


@dataclass(frozen=True, eq=False)
class CompiledBlock:
    """One feature block of a compiled model.

    Each term maps to a column of the block (several terms may share one: a lexicon block counts all the terms of
    a function in one column). Counts are optionally log-scaled, multiplied by the column's idf, L2-normalised
    within the block (``normalised``) and multiplied by the block's ``weight``. ``offset`` is the block's first
    column among all the model's features.
    """

    name: str
    kind: BlockKind
    analyzer: Analyzer
    sublinear_tf: bool
    normalised: bool
    weight: float
    terms: str  # every term, separated by line breaks
    columns: np.ndarray  # the block's column of each term
    n_columns: int
    offset: int

    @cached_property
    def vocabulary(self) -> dict[str, int]:
        """Term -> the model's feature column (built on first use: the C scorer has its own table)."""
        return {term: self.offset + column for term, column in zip(self.terms.split("\n"), self.columns.tolist())}

    def extension_spec(self) -> tuple[Any, ...]:
        """The block as the C scorer (:mod:`lmclassify.runtime._fastscore`) takes it."""
        return (
            self.analyzer.kind,
            self.analyzer.min_n,
            self.analyzer.max_n,
            self.analyzer.shortest_token,
            self.sublinear_tf,
            self.normalised,
            self.weight,
            self.terms,
            self.columns,
            self.n_columns,
        )


@dataclass(frozen=True)
class Head:
    """A linear head: its classes, the columns ``[start, stop)`` of the weight matrix it owns, its temperature."""

    classes: tuple[str, ...]
    start: int
    stop: int
    temperature: float = 1.0

    @property
    def columns(self) -> slice:
        """The head's columns as a slice."""
        return slice(self.start, self.stop)

    def column_of(self, name: str) -> int:
        """The output column of one class."""
        return self.start + self.classes.index(name)


@dataclass(frozen=True, eq=False)
class ModelParts:
    """Everything a compiled model scores with; built by :meth:`from_file`, which checks every part."""

    blocks: tuple[CompiledBlock, ...]
    heads: Mapping[str, Head]
    labels: tuple[str, ...]
    idf: np.ndarray
    weights: np.ndarray  # features x outputs
    intercepts: np.ndarray
    kind_offsets: Mapping[str, np.ndarray] = field(default_factory=dict)

    @property
    def n_features(self) -> int:
        return int(self.weights.shape[0])

    @property
    def n_outputs(self) -> int:
        return len(self.intercepts)

    @property
    def label_columns(self) -> list[int]:
        """The output column of each label, in :attr:`labels` order."""
        return [self.heads["label"].column_of(label) for label in self.labels]

    @property
    def function_heads(self) -> dict[str, Head]:
        """The function head of each label that has one."""
        return {name.split(":", 1)[1]: head for name, head in self.heads.items() if name.startswith("function:")}

    @classmethod
    def from_file(cls, model: ModelFile) -> ModelParts:
        """Check and assemble the parts; :class:`ModelError` names the file and the first problem."""
        try:
            parts = cls._assemble(model.arrays, model.metadata, model.source)
        except ModelError:
            raise
        except MODEL_FAULTS as error:
            raise ModelError(f"{model.source}: the model is incomplete or invalid ({error!r}); retrain it") from None
        parts.check_values(model.source)
        return parts

    def check_values(self, source: str) -> None:
        """Refuse values no trained model has: non-finite numbers, temperatures that are not positive, labels
        that repeat or that the label head does not have."""
        for name, values in (("weights", self.weights), ("intercepts", self.intercepts), ("idf", self.idf)):
            if not np.all(np.isfinite(values)):
                raise ModelError(f"{source}: the model's {name} include values that are not finite numbers")
        for block in self.blocks:
            if not math.isfinite(block.weight) or block.weight < 0:
                raise ModelError(f"{source}: block {block.name!r} has weight {block.weight}, not a finite number >= 0")
        for name, head in self.heads.items():
            if not math.isfinite(head.temperature) or head.temperature <= 0:
                raise ModelError(f"{source}: head {name!r} has temperature {head.temperature}, not a number > 0")
            if len(set(head.classes)) != len(head.classes):
                raise ModelError(f"{source}: head {name!r} names a class twice: {list(head.classes)}")
        if len(set(self.labels)) != len(self.labels) or set(self.labels) != set(self.heads["label"].classes):
            raise ModelError(f"{source}: the labels {list(self.labels)} do not match the label head's classes")

    @classmethod
    def _assemble(cls, arrays: Mapping[str, np.ndarray], metadata: Mapping[str, Any], source: str) -> ModelParts:
        blocks: list[CompiledBlock] = []
        idf_parts = []
        offset = 0
        for index, spec in enumerate(metadata["blocks"]):
            terms = np.asarray(arrays[f"block{index}_terms"], dtype=np.uint8).reshape(-1).tobytes().decode("utf-8")
            n_terms = terms.count("\n") + 1
            idf = np.asarray(arrays[f"block{index}_idf"], dtype=np.float64)
            columns = np.ascontiguousarray(arrays.get(f"block{index}_columns", np.arange(n_terms)), dtype=np.int64)
            if n_terms != len(columns) or (len(columns) and not 0 <= columns.min() <= columns.max() < len(idf)):
                raise ModelError(f"{source}: block {index} maps {n_terms} terms onto {len(idf)} idf weights")
            blocks.append(
                CompiledBlock(
                    name=str(spec.get("name", f"block{index}")),
                    kind=kind_of(spec),
                    analyzer=analyzer_of(spec),
                    sublinear_tf=bool(spec["sublinear_tf"]),
                    normalised=spec.get("norm", "l2") == "l2",
                    weight=float(spec.get("weight", 1.0)),
                    terms=terms,
                    columns=columns,
                    n_columns=len(idf),
                    offset=offset,
                )
            )
            idf_parts.append(idf)
            offset += len(idf)
        weights = np.ascontiguousarray(arrays["weights"], dtype=np.float64)
        intercepts = np.ascontiguousarray(arrays["intercepts"], dtype=np.float64)
        if weights.ndim != 2 or weights.shape != (offset, len(intercepts)):
            raise ModelError(
                f"{source}: weights have shape {weights.shape} for {offset} features and {len(intercepts)} intercepts"
            )
        heads = {}
        for name, head in metadata["heads"].items():
            start, stop = (int(value) for value in head["columns"])
            classes = tuple(str(c) for c in head["classes"])
            if not 0 <= start < stop <= len(intercepts) or stop - start != len(classes):
                raise ModelError(f"{source}: head {name!r} has {len(classes)} classes but columns {start}:{stop}")
            heads[name] = Head(classes, start, stop, float(head.get("temperature", 1.0)))
        labels = tuple(str(label) for label in metadata["labels"])
        if "label" not in heads:
            raise ModelError(f"{source}: the model has no label head")
        return cls(
            blocks=tuple(blocks),
            heads=heads,
            labels=labels,
            idf=np.ascontiguousarray(np.concatenate(idf_parts)),
            weights=weights,
            intercepts=intercepts,
            kind_offsets=_kind_offsets(metadata, labels, source),
        )


def _kind_offsets(metadata: Mapping[str, Any], labels: tuple[str, ...], source: str) -> dict[str, np.ndarray]:
    """Per unit kind, the log-odds shift that document analysis adds to the label scores (see
    :mod:`lmclassify.documents.analysis`); models without them get none."""
    offsets = metadata.get("kind_offsets") or {}
    if not isinstance(offsets, Mapping):
        raise ModelError(f"{source}: kind_offsets must map unit kinds to per-label offsets")
    result = {}
    for kind, by_label in offsets.items():
        try:
            values = np.array([float(by_label[label]) for label in labels])
        except (KeyError, TypeError, ValueError):
            raise ModelError(f"{source}: kind_offsets[{kind!r}] must give a number for each label") from None
        if not np.all(np.isfinite(values)):
            raise ModelError(f"{source}: kind_offsets[{kind!r}] is not finite")
        result[str(kind)] = values
    return result
