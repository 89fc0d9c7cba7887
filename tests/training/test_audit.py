"""The bundled model does not read style as orientation: bare function words, headings and calls to action come
out neither, or with low confidence (see the artefact audit in docs/model-selection.md)."""

from __future__ import annotations

import pytest

from lmclassify import analyze, classify
from lmclassify.training.audit import ARTEFACT_PROBES

LOW_CONFIDENCE = 0.6
FUNCTION_WORDS = ["What", "Why", "Not", "You", "We", "Our", "How", "This", "what?", "Why not?", "you will"]
SCAFFOLDING = [
    "Our culture",
    "Why it matters",
    "What we offer:",
    "You will:",
    "Find out more",
    "Apply now",
    "Key responsibilities",
    "Core values and behaviours framework",
    "See also our guide to appraisals",
    "Performance review phrases for leadership",
    "Leadership and management",
]


def _neither_or_unsure(label: str, confidence: float) -> bool:
    return label == "neither" or confidence < LOW_CONFIDENCE


@pytest.mark.parametrize("text", FUNCTION_WORDS)
def test_a_bare_function_word_is_neither_or_low_confidence(text):
    prediction = classify(text)
    assert _neither_or_unsure(prediction.label, prediction.confidence), prediction


@pytest.mark.parametrize("text", SCAFFOLDING)
def test_scaffolding_in_a_document_is_neither_or_low_confidence(text):
    document = f"{text}\n\nWe sell cushions and candles from 74 shops across the North of England."
    row = analyze(document).sentences.iloc[0]
    assert row.text == text
    assert _neither_or_unsure(row.label, row.confidence), row.to_dict()


def test_the_audit_probes_cover_the_function_words_tested_here():
    assert {"What", "Why", "Not", "You", "We", "Our"} <= set(ARTEFACT_PROBES)
