"""Why did the model say that? Per-term contributions to each label's decision score, exact and readable.

The model is linear in its TF-IDF features, so the decision score of a label is its intercept plus one product
(coefficient × feature value) per feature present in the text. :func:`explain_text` hands each of those products
to the words of the text that produced the feature, so that the terms add up *exactly* to the score:

- a word unigram (and a word n-gram whose tokens lie in one whitespace-separated word, such as ``cross-functional``)
  goes to that word;
- a word bigram spanning two words is a term of its own (``"quarterly budget"``);
- a character n-gram (``char_wb``, unreadable on its own) is shared among the words containing it, in proportion
  to how often each contains it.

A word's term is the word lower-cased (as the model sees it) without surrounding punctuation, and all its
occurrences in the text are added together. Contributions are in the label head's decision-score units, before
temperature scaling: the probabilities are ``softmax(scores / temperature)``. In a model of the accurate tier,
the sentence embedding's part of the score is one more term, ``(sentence embedding)``: it belongs to the text as a
whole and is not split into words.

Faithfulness. A term with a positive weight pushes its label up: deleting its words from the text lowers that
label's score. Measured on the bundled model (``pytest tests/test_explain.py -k occlusion -s``: delete the words
of the predicted label's top positive term and re-score), this held for 3,628 of 3,637 corpus sentences (99.75%)
and 370 of 375 challenge-set sentences (98.7%). The exceptions come from the model being more than a sum of
words, not from the bookkeeping, and are of these kinds:

- deleting words deletes *all* their terms: a word bigram's two words carry their own unigram terms, and a word
  belongs to the bigrams around it; when those weigh against the label more than the term weighs for it, the
  score rises (all but one of the exceptions above);
- each feature block is L2-normalised, so deleting words scales every remaining feature *up*: when the rest of a
  short text also pushes the label strongly, that rescaling can outweigh the deleted term (``Founded in 1887.``);
  deleting a word also joins its neighbours into a new bigram, which may carry weight of its own;
- a character n-gram shared with words that stay keeps part of its value (counts are log-scaled, so deleting one
  of two occurrences removes less than half of it).

>>> from lmclassify import load_model
>>> from lmclassify.resources import default_model_path
>>> explanation = load_model(default_model_path()).explain("Prepare the quarterly budget and track spending.")
>>> explanation.prediction.label
'management'
>>> term, weight = explanation.contributions["management"][0]
>>> weight > 0
True
>>> total = sum(w for _, w in explanation.contributions["management"]) + explanation.rest["management"]
>>> abs(total + explanation.intercepts["management"] - explanation.scores["management"]) < 1e-9
True
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from lmclassify.errors import ArgumentError
from lmclassify.features.analyzer import word_spans
from lmclassify.runtime.prediction import Prediction, check_text

if TYPE_CHECKING:
    from lmclassify.runtime.compiled import CompiledClassifier

_EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")


#: The term that stands for the embedding block's whole contribution (models of the accurate tier).
EMBEDDING_TERM = "(sentence embedding)"


def word_term(word: str) -> str:
    """How a word is shown as a term: lower-cased, without surrounding punctuation (kept if nothing else is left).

    >>> word_term("Budget."), word_term("(Cross-Functional)"), word_term("—")
    ('budget', 'cross-functional', '—')
    """
    lowered = word.lower()
    return _EDGE_PUNCTUATION.sub("", lowered) or lowered


Terms = list[tuple[str, float]]


@dataclass(frozen=True)
class Explanation:
    """Which terms of a text moved each label's decision score, and by how much.

    - ``contributions[label]``: the ``top`` terms with the largest absolute contribution to ``label``'s score,
      largest first, as ``(term, weight)`` pairs (all terms when ``top`` is ``None``);
    - ``rest[label]``: the summed contribution of the terms not listed;
    - ``intercepts[label]`` and ``scores[label]``: the decision score is exactly
      ``intercepts[label] + sum of all term weights`` (listed ones plus ``rest``);
    - ``temperature``: the label probabilities in ``prediction.scores`` are ``softmax(scores / temperature)``;
    - ``function_contributions``, ``function_intercept``, ``function_score``, ``function_rest``: the same for the
      predicted Kotter function within the predicted label (empty / ``None`` when the label is neither);
    - ``locations[term]``: the ``(start, end)`` character spans in ``text`` of the words that make up each term.
    """

    text: str
    prediction: Prediction
    contributions: dict[str, Terms]
    intercepts: dict[str, float]
    scores: dict[str, float]
    rest: dict[str, float]
    temperature: float
    function_contributions: Terms = field(default_factory=list)
    function_intercept: float | None = None
    function_score: float | None = None
    function_rest: float | None = None
    locations: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-ready dict (terms as ``[term, weight]`` pairs)."""
        return {
            "text": self.text,
            "prediction": self.prediction.to_dict(),
            "contributions": {label: [[t, w] for t, w in terms] for label, terms in self.contributions.items()},
            "intercepts": dict(self.intercepts),
            "scores": dict(self.scores),
            "rest": dict(self.rest),
            "temperature": self.temperature,
            "function": {
                "name": self.prediction.function,
                "contributions": [[t, w] for t, w in self.function_contributions],
                "intercept": self.function_intercept,
                "score": self.function_score,
                "rest": self.function_rest,
            },
        }

    def __str__(self) -> str:
        prediction = self.prediction
        lines = [f"{self.text}", f"→ {prediction.label} ({prediction.confidence:.3f})"]
        if prediction.function is not None:
            lines[-1] += f", function {prediction.function} ({prediction.function_confidence:.3f})"
        ordered = [prediction.label, *(label for label in self.scores if label != prediction.label)]
        for label in ordered:
            lines.append(
                f"{label}: score {self.scores[label]:+.3f} = intercept {self.intercepts[label]:+.3f}"
                f" + terms {self.scores[label] - self.intercepts[label]:+.3f}"
            )
            lines.extend(_term_lines(self.contributions[label], self.rest[label]))
        if prediction.function is not None and self.function_score is not None and self.function_intercept is not None:
            lines.append(
                f"function {prediction.function}: score {self.function_score:+.3f} = intercept "
                f"{self.function_intercept:+.3f} + terms {self.function_score - self.function_intercept:+.3f}"
            )
            lines.extend(_term_lines(self.function_contributions, self.function_rest or 0.0))
        return "\n".join(lines)


def _term_lines(terms: Terms, rest: float) -> list[str]:
    width = max([len(term) for term, _ in terms] + [len("(other terms)")])
    lines = [f"  {term:<{width}}  {weight:+.3f}" for term, weight in terms]
    if rest:
        lines.append(f"  {'(other terms)':<{width}}  {rest:+.3f}")
    return lines


@dataclass
class _Attribution:
    """Each term's share of each feature of one text."""

    terms: list[str]
    locations: dict[str, list[tuple[int, int]]]
    feature_index: np.ndarray  # position in the text's feature list
    term_index: np.ndarray
    share: np.ndarray


def _attribute(model: CompiledClassifier, text: str, feature_columns: Sequence[int] | np.ndarray) -> _Attribution:
    """Split every feature occurrence of ``text`` among its terms: each block's analyzer gives the grams with
    their spans, and the block kind's attribution rule names the term each occurrence counts for."""
    lowered = text.lower()
    original_spans = word_spans(text)
    lowered_spans = word_spans(lowered)  # same count: lower() adds no whitespace
    word_starts = [start for start, _ in lowered_spans]
    word_ends = [end for _, end in lowered_spans]
    terms: list[str] = []
    term_ids: dict[str, int] = {}
    locations: dict[str, list[tuple[int, int]]] = {}
    counts: dict[tuple[int, int], int] = {}  # (column, term id) -> occurrences

    def term_id(term: str) -> int:
        if term not in term_ids:
            term_ids[term] = len(terms)
            terms.append(term)
            locations[term] = []
        return term_ids[term]

    word_terms = [word_term(text[start:end]) for start, end in original_spans]
    for term, span in zip(word_terms, original_spans):
        term_id(term)
        locations[term].append(span)

    for block in model.blocks:
        lookup = block.vocabulary.get
        for gram in block.analyzer.spans(lowered):
            column = lookup(gram.text)
            if column is None:
                continue
            first = bisect.bisect_right(word_starts, gram.start) - 1
            last = max(first, bisect.bisect_left(word_ends, gram.end))
            covered = [word_terms[word] for word in range(first, last + 1)]
            term = block.kind.term_of(gram.text, covered)
            owner = term_id(term)
            if len(covered) > 1 and term == gram.text:
                locations[term].extend(original_spans[first : last + 1])
            counts[(column, owner)] = counts.get((column, owner), 0) + 1

    position = {int(column): index for index, column in enumerate(feature_columns)}
    totals: dict[int, int] = {}
    for (column, _), occurrences in counts.items():
        totals[column] = totals.get(column, 0) + occurrences
    if set(totals) != set(position):  # the analyzers must see exactly what the scorer saw
        raise RuntimeError("explanation features do not match the model's features; this is a bug in lmclassify")
    keys = list(counts)
    return _Attribution(
        terms=terms,
        locations={term: sorted(set(spans)) for term, spans in locations.items()},
        feature_index=np.array([position[column] for column, _ in keys], dtype=np.int64),
        term_index=np.array([term for _, term in keys], dtype=np.int64),
        share=np.array([counts[key] / totals[key[0]] for key in keys], dtype=np.float64),
    )


def _ranked(terms: list[str], weights: np.ndarray, present: np.ndarray, top: int | None) -> tuple[Terms, float]:
    order = sorted((i for i in range(len(terms)) if present[i]), key=lambda i: (-abs(weights[i]), terms[i]))
    shown = order if top is None else order[:top]
    rest = float(sum(weights[i] for i in order[len(shown) :]))
    return [(terms[i], float(weights[i])) for i in shown], rest


#: The longest text explained (explaining costs far more than classifying: about 25 µs a character).
MAX_EXPLAIN_CHARS = 100_000


def explain_text(model: CompiledClassifier, text: str, top: int | None = 5) -> Explanation:
    """Explain ``model``'s decision on ``text``; see :class:`Explanation` and :meth:`lmclassify.Classifier.explain`.

    Texts longer than :data:`MAX_EXPLAIN_CHARS` raise :class:`~lmclassify.errors.ArgumentError`.
    """
    check_text(text)
    if len(text) > MAX_EXPLAIN_CHARS:
        raise ArgumentError(
            f"the text has {len(text):,} characters; explanations are limited to {MAX_EXPLAIN_CHARS:,} so that they "
            "stay fast and readable. Split a long document with analyze() and explain its units"
        )
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 0):
        raise ArgumentError(f"top must be a non-negative int or None, got {top!r}")
    prediction = model.classify(text)
    features = model.features([text])
    attribution = _attribute(model, text, features.columns)
    # per-feature products for every output, then each term's share of them
    products = model.contributions(features)  # outputs x features
    by_term = np.zeros((len(products), len(attribution.terms)))
    np.add.at(by_term.T, attribution.term_index, (products[:, attribution.feature_index] * attribution.share).T)
    present = np.zeros(len(attribution.terms), dtype=bool)
    present[attribution.term_index] = True
    scores = model.decision_scores(features)[0]
    embedding = model.embedding_scores([text])
    if embedding is not None:
        scores = scores + embedding[0]
    intercepts_of = model.intercepts

    def explain_class(head_name: str, name: str) -> tuple[Terms, float, float, float]:
        column = model.heads[head_name].column_of(name)
        ranked, rest = _ranked(attribution.terms, by_term[column], present, top)
        if embedding is not None:  # the embedding's share is one whole: it is not split into words
            ranked = sorted([*ranked, (EMBEDDING_TERM, float(embedding[0, column]))], key=lambda item: -abs(item[1]))
        return ranked, rest, float(intercepts_of[column]), float(scores[column])

    contributions: dict[str, Terms] = {}
    rest: dict[str, float] = {}
    intercepts: dict[str, float] = {}
    decision: dict[str, float] = {}
    for label in model.labels:
        contributions[label], rest[label], intercepts[label], decision[label] = explain_class("label", label)
    function_parts: dict[str, Any] = {}
    if prediction.function is not None:
        terms, function_rest, intercept, score = explain_class(f"function:{prediction.label}", prediction.function)
        function_parts = {
            "function_contributions": terms,
            "function_rest": function_rest,
            "function_intercept": intercept,
            "function_score": score,
        }
    shown = {term for terms in contributions.values() for term, _ in terms}
    shown.update(term for term, _ in function_parts.get("function_contributions", []))
    return Explanation(
        text=text,
        prediction=prediction,
        contributions=contributions,
        intercepts=intercepts,
        scores=decision,
        rest=rest,
        temperature=model.heads["label"].temperature,
        locations={term: spans for term, spans in attribution.locations.items() if term in shown or top is None},
        **function_parts,
    )
