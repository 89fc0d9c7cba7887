"""The uncased WordPiece tokenizer of BERT-family encoders, in pure Python (no tokenizer library needed).

It follows the original BERT rules: clean the text (control characters dropped, whitespace made plain), put
spaces around CJK ideographs, lower-case it and strip accents, split on whitespace and on every punctuation
character, then split each word into the longest vocabulary pieces, continuations prefixed with ``##``. A word
that cannot be split, or of more than 100 characters, becomes ``[UNK]``. The ids are framed by ``[CLS]`` and
``[SEP]`` and cut to ``max_tokens``.

>>> tokenizer = WordPiece(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "plan", "the", "budget", "##s", "."])
>>> tokenizer.tokens("Plan the budgets.")
['[CLS]', 'plan', 'the', 'budget', '##s', '.', '[SEP]']
>>> tokenizer.ids("Plan the budgets.")
[2, 4, 5, 6, 7, 8, 3]
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from lmclassify.errors import ModelError

#: Words longer than this many characters become ``[UNK]``, as in BERT.
MAX_WORD_CHARACTERS = 100
SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]")


def _is_punctuation(character: str) -> bool:
    code = ord(character)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(character).startswith("P")


def _is_cjk(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2B73F
        or 0x2B740 <= code <= 0x2B81F
        or 0x2B820 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


def _cleaned(text: str) -> str:
    """Control characters dropped, whitespace as plain spaces, CJK ideographs spaced, lower case, no accents."""
    characters = []
    for character in text:
        code = ord(character)
        if character in "\t\n\r" or unicodedata.category(character) == "Zs":
            characters.append(" ")
        elif code == 0 or code == 0xFFFD or unicodedata.category(character) in ("Cc", "Cf"):
            continue
        elif _is_cjk(code):
            characters.append(f" {character} ")
        else:
            characters.append(character)
    lowered = unicodedata.normalize("NFD", "".join(characters).lower())
    return "".join(character for character in lowered if unicodedata.category(character) != "Mn")


def _words(text: str) -> list[str]:
    """Whitespace-separated words, with every punctuation character a word of its own."""
    words: list[str] = []
    for chunk in text.split():
        start = 0
        for position, character in enumerate(chunk):
            if _is_punctuation(character):
                if position > start:
                    words.append(chunk[start:position])
                words.append(character)
                start = position + 1
        if start < len(chunk):
            words.append(chunk[start:])
    return words


class WordPiece:
    """A WordPiece tokenizer over ``vocabulary`` (one token per id, in id order, with the BERT special tokens)."""

    def __init__(self, vocabulary: Sequence[str], max_tokens: int = 256):
        self.vocabulary = {token: index for index, token in enumerate(vocabulary)}
        missing = [token for token in SPECIAL_TOKENS if token not in self.vocabulary]
        if missing:
            raise ModelError(f"the encoder's vocabulary lacks the special tokens {missing}")
        if max_tokens < 3:
            raise ModelError(f"max_tokens must be at least 3, got {max_tokens}")
        self.max_tokens = max_tokens
        self.unknown = self.vocabulary["[UNK]"]
        self._cache: dict[str, tuple[int, ...]] = {}

    def _word_ids(self, word: str) -> tuple[int, ...]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        pieces: list[int] = []
        start = 0
        while start < len(word):
            if len(word) > MAX_WORD_CHARACTERS:
                pieces = [self.unknown]
                break
            end, found = len(word), -1
            while end > start:
                found = self.vocabulary.get(word[start:end] if start == 0 else "##" + word[start:end], -1)
                if found >= 0:
                    break
                end -= 1
            if found < 0:
                pieces = [self.unknown]
                break
            pieces.append(found)
            start = end
        result = tuple(pieces)
        if len(self._cache) < 200_000:
            self._cache[word] = result
        return result

    def ids(self, text: str) -> list[int]:
        """The token ids of ``text``, framed by ``[CLS]`` and ``[SEP]``, at most ``max_tokens`` of them."""
        ids = [self.vocabulary["[CLS]"]]
        room = self.max_tokens - 1
        for word in _words(_cleaned(text)):
            ids.extend(self._word_ids(word))
            if len(ids) >= room:
                del ids[room:]
                break
        ids.append(self.vocabulary["[SEP]"])
        return ids

    def tokens(self, text: str) -> list[str]:
        """The tokens of ``text`` as strings (for reading; :meth:`ids` is what the encoder takes)."""
        names = {index: token for token, index in self.vocabulary.items()}
        return [names[index] for index in self.ids(text)]
