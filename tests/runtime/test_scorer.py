"""The C scorer (lmclassify.runtime._fastscore) computes what the pure-Python path and scikit-learn compute,
on any text.

A small model is fitted on text drawn from an alphabet of awkward characters (Unicode word characters that are
not ASCII, every kind of whitespace, combining marks, characters whose lower case is longer, astral characters,
NUL, lone surrogates), so random text from the same alphabet hits its vocabulary often: any difference in
tokens, n-grams or counts between the C scorer, the Python path and scikit-learn shows up in the probabilities.
"""

from __future__ import annotations

import os
import pickle
import random
import threading

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from lmclassify import Classifier, EmptyTextError, ExportError, Prediction, TextTypeError, load_model
from lmclassify.model.export import export_reference
from lmclassify.resources import default_model_path
from lmclassify.runtime import scorer as runtime
from lmclassify.runtime.scorer import PURE_PYTHON_VARIABLE
from lmclassify.training.equivalence import max_difference

# Outside CI a missing extension skips these tests; in CI it fails them (test_the_extension_is_built_in_ci).
pytestmark = pytest.mark.skipif(
    runtime._fastscore is None and not os.environ.get("CI"), reason="the C extension is not built"
)

#: Word characters (\w: letters, digits, numerics, '_'; İ and ǅ change length or case when lowered), whitespace of
#: every kind, and characters that are neither (zero-width space, combining mark, soft hyphen, punctuation, NUL).
FIT_ALPHABET = (
    "abcAB_09éÉßſǅİΣσς٣²½ⅫǄ𝟘𝔸中文🙂"
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u2029\u202f\u205f\u3000"
    "\u200b\u0301\u00ad-.'!\x00"
)
#: Lone surrogates can be scored but not saved in a model (terms are stored as UTF-8), so only probes have them.
AWKWARD = FIT_ALPHABET + "\ud800\udfff"


def _accelerated_model() -> Classifier:
    model = load_model(default_model_path())
    if not model.accelerated:
        pytest.skip("the C extension is not in use")
    return model


def _awkward_texts(count: int, seed: int, alphabet: str = AWKWARD) -> list[str]:
    generator = random.Random(seed)
    return ["".join(generator.choice(alphabet) for _ in range(generator.randint(1, 40))) for _ in range(count)]


def _compiled(vectorizers, texts, labels):
    features = FeatureUnion(vectorizers).fit(texts)
    head = LogisticRegression(max_iter=2000).fit(features.transform(texts), labels)
    reference = {"label": Pipeline([("features", features), ("classifier", head)])}
    arrays, metadata = export_reference(reference, {})
    return reference, arrays, metadata


def _both(arrays, metadata, monkeypatch) -> tuple[Classifier, Classifier]:
    accelerated = Classifier(arrays, metadata)
    with monkeypatch.context() as patch:
        patch.setenv(PURE_PYTHON_VARIABLE, "1")
        pure = Classifier(arrays, metadata)
    assert accelerated.accelerated and not pure.accelerated
    return accelerated, pure


@pytest.fixture(scope="module")
def awkward_model():
    texts = _awkward_texts(400, seed=3, alphabet=FIT_ALPHABET)
    labels = [("management", "leadership", "neither")[i % 3] for i in range(len(texts))]
    vectorizers = [
        ("word", TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True, min_df=1)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), sublinear_tf=True, min_df=1)),
    ]
    return _compiled(vectorizers, texts, labels)


@pytest.fixture(scope="module")
def awkward_classifiers(awkward_model):
    _, arrays, metadata = awkward_model
    with pytest.MonkeyPatch.context() as patch:
        return _both(arrays, metadata, patch)


def test_the_extension_is_built_in_ci():
    if os.environ.get("CI"):
        assert runtime._fastscore is not None, (
            "CI must build lmclassify.runtime._fastscore (is a C compiler installed?)"
        )
    assert load_model(default_model_path()).accelerated == runtime.extension_available()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet=AWKWARD, min_size=0, max_size=60), min_size=1, max_size=8))
def test_c_python_and_scikit_learn_agree_on_awkward_text(awkward_model, awkward_classifiers, texts):
    reference, _, _ = awkward_model
    accelerated, pure = awkward_classifiers
    assert max_difference(reference, accelerated, texts) <= 1e-12
    assert max_difference(reference, pure, texts) <= 1e-12
    scorable = [text for text in texts if text.strip()]
    assert accelerated.classify(scorable) == [accelerated.classify(text) for text in scorable]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=200))
def test_any_unicode_string_scores_the_same_in_c_and_python(awkward_classifiers, text):
    accelerated, pure = awkward_classifiers
    np.testing.assert_allclose(accelerated.predict_proba([text]), pure.predict_proba([text]), rtol=0, atol=1e-13)


def test_word_and_char_grams_of_the_bundled_model_agree_on_the_corpus(corpus, monkeypatch):
    path = default_model_path()
    accelerated = load_model(path)
    monkeypatch.setenv(PURE_PYTHON_VARIABLE, "1")
    pure = load_model(path)
    texts = corpus["text"].tolist()
    np.testing.assert_allclose(accelerated.predict_proba(texts), pure.predict_proba(texts), rtol=0, atol=1e-13)


@pytest.mark.parametrize(
    "vectorizer",
    [
        TfidfVectorizer(ngram_range=(1, 1), token_pattern=r"(?u)\b\w+\b", min_df=1),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), sublinear_tf=False, min_df=1),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(6, 9), min_df=1),
        TfidfVectorizer(ngram_range=(2, 4), min_df=1),
    ],
)
def test_other_supported_settings_agree(vectorizer, monkeypatch):
    texts = _awkward_texts(200, seed=5, alphabet=FIT_ALPHABET)
    labels = [("management", "leadership", "neither")[i % 3] for i in range(len(texts))]
    reference, arrays, metadata = _compiled([("block", vectorizer)], texts, labels)
    accelerated, pure = _both(arrays, metadata, monkeypatch)
    probe = _awkward_texts(200, seed=6)
    assert max_difference(reference, accelerated, probe) <= 1e-12
    assert max_difference(reference, pure, probe) <= 1e-12


def test_a_token_pattern_the_analyzers_lack_is_refused_at_export():
    texts = ["plan the budget", "inspire the team", "rivers flow"]
    with pytest.raises(ExportError, match="token pattern"):
        _compiled(
            [("word", TfidfVectorizer(token_pattern=r"(?u)\b\w\w\w+\b"))],
            texts,
            ["management", "leadership", "neither"],
        )


def test_long_texts_astral_characters_nul_and_surrogates_do_not_break_it(awkward_classifiers):
    accelerated, pure = awkward_classifiers
    generator = random.Random(11)
    long_text = "".join(generator.choice(AWKWARD) for _ in range(100_000))
    one_long_word = "ab\x00\ud800🙂" * 20_000
    for text in (long_text, one_long_word, "\x00", "\ud800", "🙂" * 7):
        np.testing.assert_allclose(accelerated.predict_proba([text]), pure.predict_proba([text]), rtol=0, atol=1e-12)
    huge = long_text * 10 + one_long_word  # over 1 MB of text, whole
    probabilities = accelerated.predict_proba([huge, huge.upper()])
    assert np.all(np.isfinite(probabilities)) and np.allclose(probabilities.sum(axis=1), 1.0)


def test_str_subclasses_are_lowered_with_their_own_lower_method(awkward_classifiers):
    accelerated, pure = awkward_classifiers

    class Shouting(str):
        def lower(self):
            return str.upper(self)

    text = Shouting("abc ǅ σς")
    np.testing.assert_allclose(accelerated.predict_proba([text]), pure.predict_proba([text]), rtol=0, atol=1e-13)


def test_batch_single_and_threaded_scoring_give_identical_predictions(corpus, monkeypatch):
    model = load_model(default_model_path())
    texts = corpus["text"].tolist()[:1500]
    serial = model.classify(texts)
    assert serial == [model.classify(text) for text in texts]
    monkeypatch.setattr(runtime, "PARALLEL_MIN_TEXTS", 100)
    monkeypatch.setattr(runtime, "THREAD_STEP", 64)
    monkeypatch.setattr(runtime, "usable_cores", lambda: 3)
    assert model.classify(texts) == serial


def test_threads_can_share_one_model(corpus):
    model = load_model(default_model_path())
    texts = corpus["text"].tolist()[:300]
    expected = model.predict_proba(texts)
    results = {}

    def work(index):
        results[index] = [model.predict_proba(texts), [model.classify(t).scores for t in texts[:50]]]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for table, single in results.values():
        assert np.array_equal(table, expected)
        assert [list(scores.values()) for scores in single] == expected[:50].tolist()


def test_a_model_pickles_and_scores_the_same(corpus):
    model = load_model(default_model_path())
    copy = pickle.loads(pickle.dumps(model))
    texts = corpus["text"].tolist()[:200]
    assert copy.accelerated == model.accelerated and copy.classify(texts) == model.classify(texts)


def test_score_into_checks_its_arguments():
    model = load_model(default_model_path())
    if not model.accelerated:
        pytest.skip("the C extension is not in use")
    scorer = model.scorer
    table = np.empty((2, scorer.n_outputs))
    with pytest.raises(TypeError, match="item 1: expected a str to classify, got int"):
        scorer.score_into(["fine", 3], 0, 2, table)
    with pytest.raises(IndexError):
        scorer.score_into(["fine"], 0, 2, table)
    with pytest.raises(ValueError, match="out holds"):
        scorer.score_into(["a", "b"], 0, 2, np.empty(3))
    with pytest.raises(TypeError, match="float64"):
        scorer.score_into(["a"], 0, 1, np.empty((1, scorer.n_outputs), dtype=np.float32))
    with pytest.raises(TypeError):
        scorer.probabilities(b"bytes")
    scorer.score_into(["a", "b"], 1, 1, table)  # an empty range is fine


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda b, idf, w, i, h: ([(*b[0][:8], np.array([0, 99]), 2)], idf, w, i, h), ValueError),
        (lambda b, idf, w, i, h: ([(*b[0][:8], np.array([0]), 2)], idf, w, i, h), ValueError),
        (lambda b, idf, w, i, h: ([("char", *b[0][1:])], idf, w, i, h), ValueError),
        (lambda b, idf, w, i, h: ([(b[0][0], 3, 2, *b[0][3:])], idf, w, i, h), ValueError),
        (lambda b, idf, w, i, h: (b, idf[:1], w, i, h), ValueError),
        (lambda b, idf, w, i, h: (b, idf, w.astype(np.float32), i, h), TypeError),
        (lambda b, idf, w, i, h: (b, idf, w, i, [(0, 5, 1.0)]), ValueError),
        (lambda b, idf, w, i, h: ([], idf, w, i, h), ValueError),
    ],
)
def test_the_scorer_refuses_inconsistent_models(change, error):
    if runtime._fastscore is None:
        pytest.skip("the C extension is not built")
    blocks = [("word", 1, 2, 2, True, True, 1.0, "plan\nteam", np.array([0, 1]), 2)]
    idf = np.ones(2)
    weights = np.zeros((2, 3))
    intercepts = np.zeros(3)
    heads = [(0, 3, 1.0)]
    runtime._fastscore.Scorer(blocks, idf, weights, intercepts, heads)  # the unchanged model is fine
    with pytest.raises(error):
        runtime._fastscore.Scorer(*change(blocks, idf, weights, intercepts, heads))


def test_first_invalid_finds_the_first_bad_item():
    if runtime._fastscore is None:
        pytest.skip("the C extension is not built")
    first_invalid = runtime._fastscore.first_invalid
    assert first_invalid(["a", "b"]) == -1 and first_invalid([]) == -1
    assert first_invalid(["a", " \u3000\n", None]) == 1
    assert first_invalid(["a", None, ""]) == 1
    assert first_invalid(["\x00"]) == -1  # NUL is not whitespace


def test_predictions_built_in_c_equal_those_built_in_python(corpus):
    model = load_model(default_model_path())
    if not model.accelerated:
        pytest.skip("the C extension is not in use")
    table = model.probability_table(corpus["text"].tolist()[:500])
    built = runtime._fastscore.build_predictions(table, Prediction, *model._layout)
    assert built == model._predictions_from_table(table)
    assert all(type(p) is Prediction for p in built)
    with pytest.raises(TypeError, match="does not support item assignment"):
        built[0].scores["management"] = 0.0


@pytest.mark.parametrize(
    "arguments",
    [
        lambda table, layout: (table[:, 0], Prediction, *layout),  # 1-D
        lambda table, layout: (table.astype(np.float32), Prediction, *layout),
        lambda table, layout: (table, "not a type", *layout),
        lambda table, layout: (table, Prediction, layout[0], (99, 0, 1), layout[2]),
        lambda table, layout: (table, Prediction, layout[0], layout[1], ((("a",), 0, 5), None, None)),
        lambda table, layout: (table, Prediction, layout[0], layout[1]),
    ],
)
def test_build_predictions_refuses_bad_arguments(arguments):
    model = load_model(default_model_path())
    if not model.accelerated:
        pytest.skip("the C extension is not in use")
    table = model.probability_table(["Plan the budget.", "Inspire the team."])
    with pytest.raises((TypeError, ValueError)):
        runtime._fastscore.build_predictions(*arguments(table, model._layout))


@pytest.mark.parametrize(
    "score",
    [
        lambda model, texts: model.scorer.score_into(texts, 0, 2, np.empty((2, model.scorer.n_outputs))),
        lambda model, texts: model.classify(texts),  # a short list: classify_each
    ],
    ids=["score_into", "classify_each"],
)
def test_a_lower_method_that_empties_the_list_is_caught(score):
    model = _accelerated_model()
    texts: list[str] = []

    class Meddling(str):
        def lower(self):
            texts.clear()
            return str.lower(self)

    texts.extend([Meddling("Plan the budget."), "Inspire the team."])
    with pytest.raises(RuntimeError, match="changed size"):
        score(model, texts)


def test_the_word_cache_gives_the_same_results_when_full_and_at_its_length_limit(monkeypatch):
    model = load_model(default_model_path())
    if not model.accelerated:
        pytest.skip("the C extension is not in use")
    monkeypatch.setenv(PURE_PYTHON_VARIABLE, "1")
    pure = load_model(default_model_path())
    generator = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyzé"
    pool = ["".join(generator.choice(letters) for _ in range(generator.randint(1, 17))) for _ in range(25_000)]
    pool += ["a" * 14, "b" * 15, "budgeting" * 2, "plan"]  # padded lengths 16 (cached) and 17 (not)
    texts = [" ".join(generator.choice(pool) for _ in range(120)) for _ in range(300)]  # more words than the cache
    np.testing.assert_allclose(model.predict_proba(texts), pure.predict_proba(texts), rtol=0, atol=1e-13)
    assert model.classify(texts[:50]) == [model.classify(text) for text in texts[:50]]  # warm and cold caches agree


def test_one_call_in_c_gives_what_the_batch_path_gives(corpus):
    model = _accelerated_model()
    texts = corpus["text"].tolist()
    batch = model._predictions(texts)  # the table path: scored into an array, then built
    assert [model.classify(text) for text in texts] == batch
    assert model.scorer.classify_each(texts) == batch
    assert all(type(p) is Prediction and type(p.scores["neither"]) is float for p in batch[:50])
    with pytest.raises(TypeError, match="does not support item assignment"):
        model.classify(texts[0]).scores["management"] = 0.0


@pytest.mark.parametrize("length", [3, runtime.FEW_TEXTS, runtime.FEW_TEXTS + 1, 500])
def test_short_and_long_lists_name_the_bad_item_alike(length):
    model = load_model(default_model_path())
    texts = ["Plan the budget."] * length
    for bad, error, message in [
        (None, TextTypeError, "expected a str to classify, got NoneType"),
        (b"bytes", TextTypeError, "expected a str to classify, got bytes"),
        (" \u3000\n", EmptyTextError, "text is empty or only whitespace; there is nothing to classify"),
    ]:
        with pytest.raises(error, match=f"^item {length - 1}: {message}$"):
            model.classify([*texts[:-1], bad])
        if isinstance(bad, str):
            with pytest.raises(error, match=f"^{message}$"):
                model.classify(bad)


def test_the_single_text_path_needs_its_layout_and_checks_it():
    model = _accelerated_model()
    bare = runtime.extension_scorer(model.parts)
    with pytest.raises(RuntimeError, match="set_predictions"):
        bare.classify("Plan the budget.")
    labels, columns, heads = model._layout
    for arguments in [
        (Prediction, labels, (99, 0, 1), heads, TextTypeError, EmptyTextError),
        (Prediction, labels, columns, heads[:2], TextTypeError, EmptyTextError),
        (Prediction, labels, columns, heads, "not a class", EmptyTextError),
        (Prediction, labels, columns, heads, TextTypeError, int),
        (Prediction, labels, columns, heads),
    ]:
        with pytest.raises((TypeError, ValueError)):
            bare.set_predictions(*arguments)
    bare.set_predictions(Prediction, *model._layout, TextTypeError, EmptyTextError)
    assert bare.classify("Plan the budget.") == model.classify("Plan the budget.")
    with pytest.raises(TypeError, match="expects a list"):
        bare.classify_each(("a tuple",))


def test_scratch_kept_from_earlier_batches_changes_nothing(corpus):
    model = _accelerated_model()
    texts = corpus["text"].tolist()
    first, later = texts[: len(texts) // 2], texts[len(texts) // 2 :]
    cold = load_model(default_model_path()).predict_proba(later)  # a new model: fresh scratch, empty word cache
    model.predict_proba(first)  # fills the pooled scratch's word cache with the first half's words
    threads = [threading.Thread(target=model.predict_proba, args=(first,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    warm = model.predict_proba(later)
    for thread in threads:
        thread.join()
    assert np.array_equal(warm, cold)
    assert np.array_equal(model.predict_proba(later), cold)
