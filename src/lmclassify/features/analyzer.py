"""The one analyzer definition: the word and ``char_wb`` n-grams of a text, as scikit-learn counts them.

Training (scikit-learn's ``TfidfVectorizer``), the Python scorer, the explanations and the lexicon block all see a
text through these analyzers, and the C scorer implements the same rules (the tests hold all of them to this
module). An analyzer takes text that is already lower-cased, as the model lower-cases every text first.

- :class:`WordAnalyzer`: tokens are the matches of a token pattern; grams are runs of ``min_n`` to ``max_n``
  tokens joined by one space, all unigrams first, then all bigrams, and so on.
- :class:`CharWbAnalyzer`: each whitespace-separated word is padded with one space on each side; grams are its
  character runs of ``min_n`` to ``max_n``; a padded word shorter than ``n`` counts once, whole, and longer
  grams of it are skipped.

:meth:`~Analyzer.grams` is the fast path (strings only); :meth:`~Analyzer.spans` gives each gram with the
``(start, end)`` characters of the text it covers, for attributing features to words.

>>> WordAnalyzer(1, 2).grams("plan the budget")
['plan', 'the', 'budget', 'plan the', 'the budget']
>>> CharWbAnalyzer(2, 3).grams("go")
[' g', 'go', 'o ', ' go', 'go ']
>>> [(gram.text, gram.start, gram.end) for gram in WordAnalyzer(2, 2).spans("cut costs")]
[('cut costs', 0, 9)]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

from lmclassify.errors import ArgumentError

#: Words are runs of two or more word characters (scikit-learn's default pattern).
TOKEN_PATTERN = r"(?u)\b\w\w+\b"
#: The token patterns the analyzers (and the C scorer) implement, with the shortest token each one matches.
SUPPORTED_TOKEN_PATTERNS = {TOKEN_PATTERN: 2, r"(?u)\b\w+\b": 1}
#: The longest n-gram an analyzer may be asked for.
MAX_N = 64

_WORD = re.compile(r"\S+")  # exactly the words ``str.split()`` sees


class Gram(NamedTuple):
    """One n-gram occurrence: its text and the characters ``[start, end)`` of the analysed text it covers."""

    text: str
    start: int
    end: int


def word_ngrams(tokens: Sequence[str], min_n: int, max_n: int) -> list[str]:
    """Word n-grams of ``tokens`` in scikit-learn's order: all unigrams (if ``min_n`` is 1), then bigrams, ...

    >>> word_ngrams(["plan", "the", "budget"], 1, 2)
    ['plan', 'the', 'budget', 'plan the', 'the budget']
    """
    grams = list(tokens) if min_n == 1 else []
    for n in range(max(min_n, 2), min(max_n, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def _check_range(min_n: int, max_n: int) -> None:
    if not (isinstance(min_n, int) and isinstance(max_n, int)) or not 1 <= min_n <= max_n <= MAX_N:
        raise ArgumentError(f"n-gram range must satisfy 1 <= min_n <= max_n <= {MAX_N}, got ({min_n!r}, {max_n!r})")


@dataclass(frozen=True)
class Analyzer:
    """What every analyzer has: its kind (the name the model file and the C scorer use) and its n-gram range."""

    kind: ClassVar[str]
    min_n: int
    max_n: int

    def grams(self, text: str) -> list[str]:
        """The n-grams of lower-cased ``text``, as scikit-learn's ``build_analyzer()`` gives them."""
        raise NotImplementedError

    def spans(self, text: str) -> list[Gram]:
        """The same n-grams with the characters of ``text`` each one covers (same order as :meth:`grams`)."""
        raise NotImplementedError

    @property
    def shortest_token(self) -> int:
        """The shortest token the analyzer can produce (the C scorer's parameter)."""
        return 1


@dataclass(frozen=True)
class WordAnalyzer(Analyzer):
    """Word n-grams over the tokens that ``token_pattern`` finds.

    >>> WordAnalyzer(1, 1).grams("a cost-cutting plan")
    ['cost', 'cutting', 'plan']
    """

    kind: ClassVar[str] = "word"
    token_pattern: str = TOKEN_PATTERN

    def __post_init__(self) -> None:
        _check_range(self.min_n, self.max_n)
        if self.token_pattern not in SUPPORTED_TOKEN_PATTERNS:
            raise ArgumentError(
                f"token pattern {self.token_pattern!r} is not supported; use one of {list(SUPPORTED_TOKEN_PATTERNS)}"
            )
        object.__setattr__(self, "_tokens", re.compile(self.token_pattern))

    @property
    def shortest_token(self) -> int:
        return SUPPORTED_TOKEN_PATTERNS[self.token_pattern]

    def tokens(self, text: str) -> list[str]:
        """The tokens of ``text``.

        >>> WordAnalyzer(1, 1).tokens("Q3: cut costs")
        ['Q3', 'cut', 'costs']
        """
        return self._tokens.findall(text)  # type: ignore[attr-defined, no-any-return]

    def grams(self, text: str) -> list[str]:
        return word_ngrams(self.tokens(text), self.min_n, self.max_n)

    def spans(self, text: str) -> list[Gram]:
        matches = list(self._tokens.finditer(text))  # type: ignore[attr-defined]
        grams = [Gram(m.group(), m.start(), m.end()) for m in matches] if self.min_n == 1 else []
        for n in range(max(self.min_n, 2), min(self.max_n, len(matches)) + 1):
            for i in range(len(matches) - n + 1):
                run = matches[i : i + n]
                grams.append(Gram(" ".join(m.group() for m in run), run[0].start(), run[-1].end()))
        return grams


@dataclass(frozen=True)
class CharWbAnalyzer(Analyzer):
    """Character n-grams inside each whitespace-separated word, padded with a space on each side.

    A gram's span is the part of its word it covers (the padding spaces cover nothing).

    >>> [(g.text, g.start, g.end) for g in CharWbAnalyzer(3, 3).spans("ok")]
    [(' ok', 0, 2), ('ok ', 0, 2)]
    """

    kind: ClassVar[str] = "char_wb"

    def __post_init__(self) -> None:
        _check_range(self.min_n, self.max_n)

    def grams(self, text: str) -> list[str]:
        grams: list[str] = []
        append = grams.append
        for word in text.split():
            padded = f" {word} "
            length = len(padded)
            for n in range(self.min_n, self.max_n + 1):
                if n >= length:  # a short word counts once, whole, and longer n-grams are skipped
                    append(padded)
                    break
                for start in range(length - n + 1):
                    append(padded[start : start + n])
        return grams

    def spans(self, text: str) -> list[Gram]:
        grams: list[Gram] = []
        for match in _WORD.finditer(text):
            word_start, word = match.start(), match.group()
            padded = f" {word} "
            length = len(padded)
            for n in range(self.min_n, self.max_n + 1):
                if n >= length:
                    grams.append(Gram(padded, word_start, word_start + len(word)))
                    break
                for start in range(length - n + 1):
                    first = word_start + max(start - 1, 0)
                    last = word_start + min(start + n - 1, len(word))
                    grams.append(Gram(padded[start : start + n], first, max(first, last)))
        return grams


#: Analyzer classes by the kind name that model files and the C scorer use.
ANALYZERS: dict[str, type[Analyzer]] = {WordAnalyzer.kind: WordAnalyzer, CharWbAnalyzer.kind: CharWbAnalyzer}


def word_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each whitespace-separated word of ``text`` (the words ``char_wb`` pads).

    >>> word_spans("Cut  costs.")
    [(0, 3), (5, 11)]
    """
    return [match.span() for match in _WORD.finditer(text)]
