"""The one analyzer definition gives scikit-learn's n-grams, and spans that point at the right characters."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from lmclassify.errors import ArgumentError
from lmclassify.features.analyzer import TOKEN_PATTERN, CharWbAnalyzer, WordAnalyzer, word_spans
from lmclassify.features.blocks import analyzer_of

AWKWARD = [
    "",
    " ",
    "a",
    "Plan  the\tbudget.\n",
    "cross-functional  Q3's",
    "é ß İ ǅ",
    "🙂 x\u3000y",
    "a\x00b",
    "1 22 333",
]
TEXTS = st.text(alphabet=st.sampled_from(list("ab c-.\t\nÉé1🙂_")), max_size=40)


def _sklearn(analyzer: str, ngram_range: tuple[int, int], **options) -> list:
    build = TfidfVectorizer(analyzer=analyzer, ngram_range=ngram_range, lowercase=False, **options).build_analyzer()
    return build


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (2, 3), (1, 4)])
@pytest.mark.parametrize("pattern", [TOKEN_PATTERN, r"(?u)\b\w+\b"])
def test_word_grams_equal_scikit_learn(corpus, ngram_range, pattern):
    ours = WordAnalyzer(*ngram_range, token_pattern=pattern)
    theirs = _sklearn("word", ngram_range, token_pattern=pattern)
    for text in [*corpus["text"].str.lower().tolist()[:300], *AWKWARD]:
        assert ours.grams(text) == theirs(text)


@pytest.mark.parametrize("ngram_range", [(1, 1), (2, 5), (3, 3), (1, 6)])
def test_char_wb_grams_equal_scikit_learn(corpus, ngram_range):
    ours = CharWbAnalyzer(*ngram_range)
    theirs = _sklearn("char_wb", ngram_range)
    for text in [*corpus["text"].str.lower().tolist()[:300], *AWKWARD]:
        assert ours.grams(text) == theirs(text)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_spans_give_the_same_grams_and_point_at_their_characters(text):
    word = WordAnalyzer(1, 3)
    char = CharWbAnalyzer(1, 4)
    assert [gram.text for gram in word.spans(text)] == word.grams(text)
    assert [gram.text for gram in char.spans(text)] == char.grams(text)
    for gram in word.spans(text):
        assert " ".join(word.tokens(text[gram.start : gram.end])) == gram.text
    for gram in char.spans(text):
        assert text[gram.start : gram.end] == gram.text.strip(" ")
    assert [text[start:end] for start, end in word_spans(text)] == text.split()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: WordAnalyzer(0, 1), "n-gram range"),
        (lambda: WordAnalyzer(2, 1), "n-gram range"),
        (lambda: CharWbAnalyzer(1, 10**9), "n-gram range"),
        (lambda: WordAnalyzer(1, 2, token_pattern=r"(a+)+b"), "not supported"),
        (lambda: analyzer_of({"analyzer": "char", "ngram_range": [1, 2]}), "unknown analyzer"),
        (lambda: analyzer_of({"analyzer": "word", "ngram_range": 3}), "pair of ints"),
    ],
)
def test_unsupported_analyzers_are_refused_by_name(make, message):
    with pytest.raises(ArgumentError, match=message):
        make()
