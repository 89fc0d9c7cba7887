"""Fuzz the C scorer built with AddressSanitizer: hostile texts and crafted model parts must end in a result or a
Python exception, never in a memory error. Run by tests/runtime/test_scorer_asan.py; by hand:

    python tests/fuzz/asan_scorer.py BUILT_MODULE.so [SECONDS]

(with ``LD_PRELOAD`` naming libasan, as that test does).
"""

from __future__ import annotations

import contextlib
import importlib.util
import random
import sys
import time

import numpy as np

from lmclassify.model.format import read_model
from lmclassify.resources import default_model_path
from lmclassify.runtime.parts import ModelParts
from lmclassify.runtime.prediction import Prediction

ALPHABET = [*"ab AZ.,!?'-\t\n\r\x00\x0b\x1c\u00e9\u0130\u01c5\u3000\u2028\ud800\udfff\U0001f642", "the", " budget"]


def load(path: str):
    spec = importlib.util.spec_from_file_location("_fastscore", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def random_text(generator: random.Random) -> str:
    size = generator.choice([0, 1, 2, 5, 40, 400, 5000])
    return "".join(generator.choice(ALPHABET) for _ in range(size))


class Meddling(str):
    def lower(self):
        return str.lower(self) * 3


def _misuses(fastscore, scorer, texts, table, model) -> list:
    """Calls that must raise a Python exception, never touch memory they do not own."""
    specs, parts, heads = model
    return [
        lambda: scorer.score_into(texts, -1, 2, table),
        lambda: scorer.score_into(texts, 0, len(texts) + 5, table),
        lambda: scorer.score_into(texts, 0, len(texts), np.empty(1)),
        lambda: scorer.score_into([*texts[:1], b"bytes"], 0, 2, table),
        lambda: fastscore.build_predictions(table, Prediction, ("a",), (99,), (None,)),
        lambda: fastscore.Scorer(
            [(*specs[0][:8], np.array([0, 10**9]), 2)], parts.idf, parts.weights, parts.intercepts, heads
        ),
        lambda: fastscore.Scorer(specs, parts.idf[:3], parts.weights, parts.intercepts, heads),
        lambda: fastscore.Scorer(specs, parts.idf, parts.weights, parts.intercepts, [(0, 10**6, 1.0)]),
        lambda: fastscore.Scorer.__new__(fastscore.Scorer).probabilities("x"),
        lambda: fastscore.Scorer.__new__(fastscore.Scorer).classify("x"),
        lambda: scorer.set_predictions(Prediction, ("a",), (10**6,), (None,), TypeError, ValueError),
        lambda: scorer.set_predictions(Prediction, ("a",), (0,), ((("x",), 0, 99),), TypeError, ValueError),
        lambda: scorer.set_predictions(Prediction, ("a",), (0,), (None,), "not a class", ValueError),
        lambda: scorer.classify_each([*texts, None]),
        lambda: scorer.classify_each(tuple(texts)),
    ]


def main() -> int:
    fastscore = load(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
    parts = ModelParts.from_file(read_model(default_model_path()))
    specs = [block.extension_spec() for block in parts.blocks]
    heads = [(head.start, head.stop, head.temperature) for head in parts.heads.values()]
    scorer = fastscore.Scorer(specs, parts.idf, parts.weights, parts.intercepts, heads)
    generator = random.Random(0)
    deadline = time.monotonic() + seconds
    rounds = 0
    while time.monotonic() < deadline:
        rounds += 1
        texts = [random_text(generator) for _ in range(generator.randint(1, 20))]
        texts.append(Meddling(random_text(generator)))
        table = np.empty((len(texts), scorer.n_outputs))
        scorer.score_into(texts, 0, len(texts), table)
        assert np.all(np.isfinite(table))
        scorer.probabilities(texts[0])
        fastscore.first_invalid([*texts, None, 3])
        layout = (("management", "leadership", "neither"), (0, 1, 2), (None, None, None))
        fastscore.build_predictions(table[:, :3].copy(), Prediction, *layout)
        scorer.set_predictions(Prediction, *layout, TypeError, ValueError)
        predictions = scorer.classify_each([text for text in texts if text.strip()])
        assert all(0.0 <= prediction.confidence <= 1.0 for prediction in predictions)
        with contextlib.suppress(ValueError):
            scorer.classify(texts[-1])
        for bad in _misuses(fastscore, scorer, texts, table, (specs, parts, heads)):
            with contextlib.suppress(TypeError, ValueError, IndexError, RuntimeError, OverflowError):
                bad()
    print(f"fuzzed {rounds} rounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
