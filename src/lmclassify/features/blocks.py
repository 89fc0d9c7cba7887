"""Feature block kinds: each is one class holding its scikit-learn builder, its export to the compiled model
format, the analyzer the runtime scores it with (its C id) and its attribution rule for explanations.

A block of a compiled model is described by a *spec* (a dict in the model's metadata: ``name``, ``analyzer``,
``ngram_range``, ``token_pattern``, ``sublinear_tf``, ``norm``, ``weight``) and by arrays (``terms``, optional
``columns``, ``idf``). The analyzer named by the spec is the id the C scorer knows the block by.

>>> [kind.name for kind in BLOCK_KINDS]
['word', 'char', 'lexicon']
>>> kind_of({"name": "char", "analyzer": "char_wb"}).analyzer_kind
'char_wb'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from lmclassify.errors import ArgumentError, ExportError
from lmclassify.features.analyzer import (
    ANALYZERS,
    TOKEN_PATTERN,
    Analyzer,
    CharWbAnalyzer,
    WordAnalyzer,
)

if TYPE_CHECKING:
    from lmclassify.features.config import FeatureConfig


@dataclass(frozen=True)
class BlockExport:
    """One fitted block as the compiled format stores it: its spec and its arrays."""

    spec: dict[str, Any]
    arrays: dict[str, np.ndarray]


def terms_blob(name: str, terms: Sequence[str]) -> np.ndarray:
    """Terms joined by line breaks, as UTF-8 bytes (how model files store a vocabulary).

    >>> bytes(terms_blob("word", ["plan", "the plan"]))
    b'plan\\nthe plan'
    """
    if any("\n" in term for term in terms):
        raise ExportError(f"feature block {name!r} has a term containing a line break")
    return np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8)


def analyzer_of(spec: Mapping[str, Any]) -> Analyzer:
    """The analyzer a block spec asks for; ``ValueError`` names what is not supported.

    >>> analyzer_of({"analyzer": "word", "ngram_range": [1, 2], "token_pattern": None}).grams("cut costs")
    ['cut', 'costs', 'cut costs']
    """
    kind = spec.get("analyzer")
    if kind not in ANALYZERS:
        raise ArgumentError(f"unknown analyzer {kind!r}; supported: {sorted(ANALYZERS)}")
    ngram_range = spec.get("ngram_range")
    if not isinstance(ngram_range, Sequence) or len(ngram_range) != 2:
        raise ArgumentError(f"ngram_range must be a pair of ints, got {ngram_range!r}")
    min_n, max_n = ngram_range
    if kind == WordAnalyzer.kind:
        return WordAnalyzer(min_n, max_n, spec.get("token_pattern") or TOKEN_PATTERN)
    return CharWbAnalyzer(min_n, max_n)


class BlockKind:
    """What every block kind has. Subclasses set the class variables and implement :meth:`build` and
    :meth:`export`."""

    #: The block's name in the ``FeatureUnion`` and in the model file.
    name: ClassVar[str]
    #: The analyzer the runtime (Python and C) scores the block with.
    analyzer_kind: ClassVar[str]

    def build(self, config: FeatureConfig) -> Any | None:
        """The unfitted scikit-learn transformer for ``config``, or ``None`` when the config switches it off."""
        raise NotImplementedError

    def weight(self, config: FeatureConfig) -> float:
        """The block's weight in the ``FeatureUnion``."""
        return 1.0

    def handles(self, transformer: Any) -> bool:
        """Whether ``transformer`` is a fitted block of this kind."""
        raise NotImplementedError

    def export(self, name: str, transformer: Any) -> BlockExport:
        """The fitted block as spec and arrays; :class:`ExportError` when the runtime could not reproduce it."""
        raise NotImplementedError

    def term_of(self, gram: str, word_terms: Sequence[str]) -> str:
        """The attribution rule: which explanation term a gram occurrence counts for, given the terms of the
        whitespace-separated words it covers. A gram inside one word counts for that word; one that spans
        words is a term of its own (``"quarterly budget"``)."""
        return word_terms[0] if len(word_terms) == 1 else gram


#: TfidfVectorizer settings the runtime re-implements; anything else is refused at export.
_SUPPORTED_TFIDF = {
    "input": "content",
    "lowercase": True,
    "strip_accents": None,
    "preprocessor": None,
    "tokenizer": None,
    "stop_words": None,
    "norm": "l2",
    "use_idf": True,
    "binary": False,
    "vocabulary": None,
}


class _TfidfBlock(BlockKind):
    """A scikit-learn ``TfidfVectorizer`` over one analyzer."""

    def _ngrams(self, config: FeatureConfig) -> tuple[int, int] | None:
        raise NotImplementedError

    def build(self, config: FeatureConfig) -> Any | None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        ngrams = self._ngrams(config)
        if ngrams is None:
            return None
        options: dict[str, Any] = {"token_pattern": TOKEN_PATTERN} if self.analyzer_kind == "word" else {}
        return TfidfVectorizer(
            analyzer=self.analyzer_kind,
            ngram_range=tuple(ngrams),
            lowercase=True,
            min_df=config.min_df,
            sublinear_tf=config.sublinear_tf,
            dtype=np.float64,
            **options,
        )

    def handles(self, transformer: Any) -> bool:
        from sklearn.feature_extraction.text import TfidfVectorizer

        return isinstance(transformer, TfidfVectorizer) and transformer.get_params()["analyzer"] == self.analyzer_kind

    def export(self, name: str, transformer: Any) -> BlockExport:
        params = transformer.get_params()
        unsupported = {key: params[key] for key, value in _SUPPORTED_TFIDF.items() if params[key] != value}
        if unsupported:
            raise ExportError(f"feature block {name!r} uses settings the runtime does not support: {unsupported}")
        word = self.analyzer_kind == "word"
        spec = {
            "name": name,
            "analyzer": self.analyzer_kind,
            "ngram_range": list(params["ngram_range"]),
            "token_pattern": params["token_pattern"] if word else None,
            "sublinear_tf": bool(params["sublinear_tf"]),
            "norm": "l2",
        }
        try:
            analyzer_of(spec)
        except ValueError as error:
            raise ExportError(f"feature block {name!r}: {error}") from None
        terms = [str(term) for term in transformer.get_feature_names_out()]
        arrays = {"terms": terms_blob(name, terms), "idf": np.asarray(transformer.idf_, dtype=np.float64)}
        return BlockExport(spec, arrays)


class WordBlock(_TfidfBlock):
    """TF-IDF over word n-grams."""

    name = "word"
    analyzer_kind = WordAnalyzer.kind

    def _ngrams(self, config: FeatureConfig) -> tuple[int, int] | None:
        return config.word_ngrams


class CharBlock(_TfidfBlock):
    """TF-IDF over character n-grams inside words (``char_wb``)."""

    name = "char"
    analyzer_kind = CharWbAnalyzer.kind

    def _ngrams(self, config: FeatureConfig) -> tuple[int, int] | None:
        return config.char_ngrams

    def term_of(self, gram: str, word_terms: Sequence[str]) -> str:
        """A character gram always lies in one word, and counts for it."""
        return word_terms[0]


class LexiconBlock(BlockKind):
    """The Kotter lexicon: one column per function counting its terms (see :mod:`lmclassify.features.lexicon`).
    It is scored as a word block whose terms share columns, with idf 1."""

    name = "lexicon"
    analyzer_kind = WordAnalyzer.kind

    def build(self, config: FeatureConfig) -> Any | None:
        from lmclassify.features.lexicon import LexiconVectorizer

        return LexiconVectorizer() if config.lexicon_weight > 0 else None

    def weight(self, config: FeatureConfig) -> float:
        return float(config.lexicon_weight)

    def handles(self, transformer: Any) -> bool:
        from lmclassify.features.lexicon import LexiconVectorizer

        return isinstance(transformer, LexiconVectorizer)

    def export(self, name: str, transformer: Any) -> BlockExport:
        terms = list(transformer.vocabulary_)
        spec = {
            "name": name,
            "analyzer": self.analyzer_kind,
            "ngram_range": [1, transformer.max_n_],
            "token_pattern": TOKEN_PATTERN,
            "sublinear_tf": True,
            "norm": "l2",
        }
        arrays = {
            "terms": terms_blob(name, terms),
            "columns": np.asarray([transformer.vocabulary_[term] for term in terms], dtype=np.int64),
            "idf": np.ones(len(transformer.functions_)),
        }
        return BlockExport(spec, arrays)


#: Every block kind, in the order a ``FeatureUnion`` holds them.
BLOCK_KINDS: tuple[BlockKind, ...] = (WordBlock(), CharBlock(), LexiconBlock())


def kind_for(name: str, transformer: Any) -> BlockKind:
    """The kind of a fitted ``FeatureUnion`` member; :class:`ExportError` when no kind handles it."""
    for kind in BLOCK_KINDS:
        if kind.handles(transformer):
            return kind
    raise ExportError(f"feature block {name!r} is a {type(transformer).__name__}, which the runtime cannot run")


def kind_of(spec: Mapping[str, Any]) -> BlockKind:
    """The kind of a compiled block, from its spec: by name, else the first kind with its analyzer."""
    for kind in BLOCK_KINDS:
        if kind.name == spec.get("name"):
            return kind
    for kind in BLOCK_KINDS:
        if kind.analyzer_kind == spec.get("analyzer"):
            return kind
    raise ArgumentError(f"unknown analyzer {spec.get('analyzer')!r}; supported: {sorted(ANALYZERS)}")
