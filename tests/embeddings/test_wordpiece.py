"""The pure-Python WordPiece tokenizer gives BERT's tokens: checked by rule, and against the tokenizers library."""

from __future__ import annotations

import pytest

from lmclassify.embeddings.wordpiece import WordPiece
from lmclassify.errors import ModelError

VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "plan", "the", "budget", "##s", ".", "'", "t", "don", "cafe", "東"]


@pytest.fixture(scope="module")
def tokenizer() -> WordPiece:
    return WordPiece(VOCABULARY, max_tokens=8)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Plan the budgets.", ["plan", "the", "budget", "##s", "."]),
        ("DON'T", ["don", "'", "t"]),
        ("Café", ["cafe"]),  # lower-cased, accents stripped
        ("plan\tthe\x00 budget", ["plan", "the", "budget"]),  # control characters dropped, tabs are spaces
        ("東東", ["東", "東"]),  # CJK ideographs are words of their own
        ("planx", ["[UNK]"]),  # a word that cannot be split is one unknown token
        ("p" * 101, ["[UNK]"]),
    ],
)
def test_texts_split_into_the_longest_vocabulary_pieces(tokenizer, text, tokens):
    assert tokenizer.tokens(text) == ["[CLS]", *tokens, "[SEP]"]


def test_long_texts_are_cut_to_max_tokens_with_the_end_marker_kept(tokenizer):
    ids = tokenizer.ids("plan " * 50)
    assert len(ids) == 8 and ids[0] == VOCABULARY.index("[CLS]") and ids[-1] == VOCABULARY.index("[SEP]")


def test_a_vocabulary_without_the_special_tokens_is_refused():
    with pytest.raises(ModelError, match=r"\[CLS\]"):
        WordPiece(["[PAD]", "[UNK]", "plan"])


def test_the_bundled_encoders_tokens_match_the_tokenizers_library(corpus):
    tokenizers = pytest.importorskip("tokenizers")
    from lmclassify.corpus.load import load_challenge_set, load_documents
    from lmclassify.model.encoder import read_encoder
    from lmclassify.resources import bundled_model_path

    vocabulary = read_encoder(bundled_model_path("accurate")).vocabulary
    reference = tokenizers.BertWordPieceTokenizer({token: i for i, token in enumerate(vocabulary)}, lowercase=True)
    reference.enable_truncation(256)
    ours = WordPiece(vocabulary, max_tokens=256)
    texts = [*corpus["text"], *load_challenge_set()["text"], *load_documents().units["text"]]
    texts += ["Ünïcödé ÅNGSTRÖM ﬁ ½ ™ 😀", "soft\u00adhyphen \u200bzero width", "£420 €5 $3.50 10%", "word " * 400]
    mismatched = [text for text in texts if ours.ids(text) != reference.encode(text).ids]
    assert not mismatched, mismatched[:5]
