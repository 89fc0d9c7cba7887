import pytest

from lmclassify.features import FeatureConfig, build_features


def test_blocks_follow_the_config():
    assert [name for name, _ in build_features(FeatureConfig()).transformer_list] == ["word", "char"]
    assert [name for name, _ in build_features(FeatureConfig(char_ngrams=None)).transformer_list] == ["word"]


def test_at_least_one_block_is_required():
    with pytest.raises(ValueError, match="needs word_ngrams"):
        FeatureConfig(word_ngrams=None, char_ngrams=None)
