import pytest

from lmclassify.features.config import FeatureConfig
from lmclassify.features.union import build_features


def test_blocks_follow_the_config():
    assert [name for name, _ in build_features(FeatureConfig()).transformer_list] == ["word", "char"]
    assert [name for name, _ in build_features(FeatureConfig(char_ngrams=None)).transformer_list] == ["word"]


def test_at_least_one_block_is_required():
    with pytest.raises(ValueError, match="needs word_ngrams"):
        FeatureConfig(word_ngrams=None, char_ngrams=None)


def test_lexicon_counts_terms_per_function_and_handles_texts_without_any():
    from lmclassify.corpus.codebook import LEXICON
    from lmclassify.features.lexicon import LexiconVectorizer

    lexicon = LexiconVectorizer().fit([])
    matrix = lexicon.transform(["Root cause analysis of the outage; fix the fault.", "The sky is blue.", ""]).toarray()
    functions = list(LEXICON)
    assert matrix[0].argmax() == functions.index("problem_solving")
    assert matrix[1].sum() == 0 and matrix[2].sum() == 0
    assert abs((matrix[0] ** 2).sum() - 1) < 1e-12


def test_lexicon_terms_are_unique_and_match_the_word_tokeniser():
    import re

    from lmclassify.corpus.codebook import term_function
    from lmclassify.features.analyzer import TOKEN_PATTERN

    for term in term_function():
        assert " ".join(re.findall(TOKEN_PATTERN, term.lower())) == term
