"""Which feature blocks a model uses: :class:`FeatureConfig` (``lmclassify.features.union`` builds them)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from lmclassify.errors import ArgumentError


@dataclass(frozen=True)
class FeatureConfig:
    """Which n-grams to extract; ``None`` (or a lexicon weight of 0) switches a block off.

    >>> FeatureConfig().word_ngrams
    (1, 2)
    """

    word_ngrams: tuple[int, int] | None = (1, 2)
    char_ngrams: tuple[int, int] | None = (2, 5)
    min_df: int = 2
    sublinear_tf: bool = True
    lexicon_weight: float = 0.0  # 0 switches the Kotter lexicon block off
    embedding_weight: float = 0.0  # 0 switches the sentence-embedding block (the accurate tier) off

    def __post_init__(self) -> None:
        if self.word_ngrams is None and self.char_ngrams is None:
            raise ArgumentError("FeatureConfig needs word_ngrams, char_ngrams or both")
        if self.lexicon_weight < 0:
            raise ArgumentError("lexicon_weight must be 0 (off) or positive")
        if self.embedding_weight < 0:
            raise ArgumentError("embedding_weight must be 0 (off) or positive")

    def to_dict(self) -> dict[str, Any]:
        """The settings as a plain dict (what model metadata records)."""
        return asdict(self)
