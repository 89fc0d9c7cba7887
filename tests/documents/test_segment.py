"""Sentence splitting: abbreviations, numbers, lists, line breaks, quotes, headings, ellipses, and exact offsets."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmclassify.documents.segment import Sentence, split_sentences


def texts(document: str) -> list[str]:
    return [sentence.text for sentence in split_sentences(document)]


CASES = {
    # abbreviations that never end a sentence
    "titles": (
        "Dr. Smith met Mr. Jones and Prof. Lee. They agreed.",
        ["Dr. Smith met Mr. Jones and Prof. Lee.", "They agreed."],
    ),
    "latin": (
        "Cut costs, e.g. travel, i.e. flights, vs. last year. Then review.",
        ["Cut costs, e.g. travel, i.e. flights, vs. last year.", "Then review."],
    ),
    "approx": ("We hired approx. 40 people. It went well.", ["We hired approx. 40 people.", "It went well."]),
    "number abbreviations": (
        "See No. 5 and Fig. 3 on p. 12. Say no. Then go.",
        ["See No. 5 and Fig. 3 on p. 12.", "Say no.", "Then go."],
    ),
    # abbreviations that may end a sentence
    "etc then capital": (
        "We sell pens, paper etc. Customers like them.",
        ["We sell pens, paper etc.", "Customers like them."],
    ),
    "etc then lower": ("Pens, paper etc. are in stock.", ["Pens, paper etc. are in stock."]),
    "company mid sentence": ("Acme Inc. hired 20 staff. Sales rose.", ["Acme Inc. hired 20 staff.", "Sales rose."]),
    "company at the end": ("We bought Acme Inc. The deal closed.", ["We bought Acme Inc.", "The deal closed."]),
    "initialism mid sentence": ("The U.K. Government agreed. Good.", ["The U.K. Government agreed.", "Good."]),
    "initialism at the end": ("We opened in the U.K. We plan more.", ["We opened in the U.K.", "We plan more."]),
    "initials": ("J. K. Rowling spoke. Plan B. The next step.", ["J. K. Rowling spoke.", "Plan B.", "The next step."]),
    "times": ("Meet at 9 a.m. Bring the plan.", ["Meet at 9 a.m.", "Bring the plan."]),
    "et al": ("Smith et al. (2020) agree. So do we.", ["Smith et al. (2020) agree.", "So do we."]),
    "month": ("On Jan. 5 we met. It rained.", ["On Jan. 5 we met.", "It rained."]),
    # numbers and money
    "decimals and money": (
        "Revenue rose 3.5% to $2.5m. Margins fell to 12.25 per cent. Costs were £1,200.50.",
        ["Revenue rose 3.5% to $2.5m.", "Margins fell to 12.25 per cent.", "Costs were £1,200.50."],
    ),
    "number starts a sentence": (
        "Revenue was 2.5 bn. 3 new stores opened.",
        ["Revenue was 2.5 bn.", "3 new stores opened."],
    ),
    "urls and versions": ("Visit acme.com for v2.1 notes. Thanks.", ["Visit acme.com for v2.1 notes.", "Thanks."]),
    # punctuation
    "question and exclamation": ("Why now? Because we must! Go.", ["Why now?", "Because we must!", "Go."]),
    "repeated marks": ("Really?! Yes.", ["Really?!", "Yes."]),
    "ellipsis then capital": ("We waited... The news came.", ["We waited...", "The news came."]),
    "ellipsis then lower": ("We waited... and waited.", ["We waited... and waited."]),
    "ellipsis character": ("We waited… Then it came.", ["We waited…", "Then it came."]),
    "spaced ellipsis": ("Prices . . . went up. Then down.", ["Prices . . . went up.", "Then down."]),
    "no space after period": ("It ended.Next we start.", ["It ended.Next we start."]),
    # quotes and brackets
    "quote closes the sentence": (
        'He said, "We will win." Then he left.',
        ['He said, "We will win."', "Then he left."],
    ),
    "question inside quotes mid sentence": ('"Why not?" asked the CEO. Fine.', ['"Why not?" asked the CEO.', "Fine."]),
    "curly quotes": ("“Lead by example.” That is our motto.", ["“Lead by example.”", "That is our motto."]),
    "single quotes": ("'Go now.' She went.", ["'Go now.'", "She went."]),
    "brackets": ("(See note 3.) Next we plan.", ["(See note 3.)", "Next we plan."]),
    # line structure
    "blank line": ("First part\n\nSecond part", ["First part", "Second part"]),
    "heading then text": (
        "Annual Report 2024\nThis year we grew. We hired.",
        ["Annual Report 2024", "This year we grew.", "We hired."],
    ),
    "two headings": (
        "Annual Report\nLetter to shareholders\nWe grew.",
        ["Annual Report", "Letter to shareholders", "We grew."],
    ),
    "markdown headings": (
        "# Our plan\nWe will grow.\n## Next steps\nHire people.",
        ["Our plan", "We will grow.", "Next steps", "Hire people."],
    ),
    "hard-wrapped prose": (
        "We plan to grow our business\nfurther next year and\nInvest in people across the group.",
        ["We plan to grow our business\nfurther next year and\nInvest in people across the group."],
    ),
    "wrapped after a comma": ("We grew in Europe,\nAsia and Africa.", ["We grew in Europe,\nAsia and Africa."]),
    "long wrapped line": (
        "Our teams across the group worked hard this year to deliver results for\nCustomers in every region.",
        ["Our teams across the group worked hard this year to deliver results for\nCustomers in every region."],
    ),
    "abbreviation across a line break": ("We thank Dr.\nSmith for her work.", ["We thank Dr.\nSmith for her work."]),
    "sentence ends at a line break": ("We grew.\nWe hired.", ["We grew.", "We hired."]),
    "windows line breaks": ("Line one\r\nLine two.\r\n\r\nPara two.", ["Line one", "Line two.", "Para two."]),
    "colon introduces a list": (
        "Our priorities:\n- Grow revenue\n- Cut costs",
        ["Our priorities:", "Grow revenue", "Cut costs"],
    ),
    # bullet lists
    "bullets": (
        "- Grow revenue\n* Cut costs\n• Hire staff\n+ Train them\n– Retain them",
        ["Grow revenue", "Cut costs", "Hire staff", "Train them", "Retain them"],
    ),
    "numbered lists": (
        "1. Grow revenue.\n2) Cut costs\n(3) Hire staff\na) Train them\n(b) Retain them\niv) Review",
        ["Grow revenue.", "Cut costs", "Hire staff", "Train them", "Retain them", "Review"],
    ),
    "bullet with two sentences": ("- Grow revenue. Then cut costs.", ["Grow revenue.", "Then cut costs."]),
    "bullet continued on an indented line": (
        "- Grow revenue in\n  all our markets\n- Cut costs",
        ["Grow revenue in\n  all our markets", "Cut costs"],
    ),
    "negative number is not a bullet": ("-5% margin this year.", ["-5% margin this year."]),
    # nothing to split
    "no sentences": ("---\n\n* * *\n\n   \n", []),
    "empty": ("", []),
    "one word": ("Hello", ["Hello"]),
    "no final punctuation": ("We grew revenue", ["We grew revenue"]),
}


@pytest.mark.parametrize(("document", "expected"), list(CASES.values()), ids=list(CASES))
def test_edge_cases(document, expected):
    assert texts(document) == expected


@pytest.mark.parametrize("document", [document for document, _ in CASES.values()], ids=list(CASES))
def test_offsets_slice_the_document(document):
    sentences = split_sentences(document)
    for sentence in sentences:
        assert isinstance(sentence, Sentence)
        assert document[sentence.start : sentence.end] == sentence.text
    assert all(a.end <= b.start for a, b in itertools.pairwise(sentences))


def test_a_non_string_is_refused():
    with pytest.raises(TypeError, match="bytes"):
        split_sentences(b"Plan the budget.")


_ALPHABET = st.sampled_from([*"abcXYZ 019.,!?…'\"\n\n-*•#:;$%", "Dr.", "U.K.", "etc.", " e.g. ", "\r\n", "   "])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_every_letter_is_in_exactly_one_sentence_and_offsets_are_exact(document):
    sentences = split_sentences(document)
    covered = [False] * len(document)
    for sentence in sentences:
        assert document[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip() and any(c.isalnum() for c in sentence.text)
        for index in range(sentence.start, sentence.end):
            assert not covered[index]
            covered[index] = True
    for index, character in enumerate(document):
        if character.isalpha():  # digits may be list numbers ("1."), which belong to no sentence
            assert covered[index], (document, index)


def test_a_long_document_is_split_in_linear_time():
    import time

    document = "Plan the budget for Q3. Inspire the team! " * 20000
    started = time.perf_counter()
    assert len(split_sentences(document)) == 40000
    assert time.perf_counter() - started < 5


# ------------------------------------------------------------------------------------------------- unit kinds
def test_every_unit_has_a_kind():
    document = (
        "# Store Manager\nPennywhistle Home\n\nAbout the role\n\nWe sell candles. You will run the shop.\n\n"
        "In this role you will:\n- Check sales every morning\n- Make the team proud\n\nApply now"
    )
    kinds = [(unit.text, unit.kind) for unit in split_sentences(document)]
    assert kinds == [
        ("Store Manager", "heading"),
        ("Pennywhistle Home", "heading"),
        ("About the role", "heading"),
        ("We sell candles.", "sentence"),
        ("You will run the shop.", "sentence"),
        ("In this role you will:", "lead_in"),
        ("Check sales every morning", "list_item"),
        ("Make the team proud", "list_item"),
        ("Apply now", "heading"),
    ]


def test_a_long_or_punctuated_line_alone_is_a_sentence_not_a_heading():
    assert split_sentences("Thanks for reading.")[0].kind == "sentence"
    long_line = "We keep every ward staffed to the agreed level and review the rota with the team each week"
    assert split_sentences(long_line)[0].kind == "sentence"


# ----------------------------------------------------------------------------------------- linear on any input
PATHOLOGICAL = st.text(alphabet=st.sampled_from(list(".!?…-—:;, \n\t\"')aA1#*")), min_size=1, max_size=3)


def _seconds(document: str) -> float:
    import time

    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        split_sentences(document)
        best = min(best, time.perf_counter() - started)
    return best


@settings(max_examples=40, deadline=None)
@given(PATHOLOGICAL, st.sampled_from(["", "x", "Hi. ", "A."]), st.sampled_from(["", "x", "a", " b"]))
def test_splitting_time_grows_linearly_with_any_repeated_pattern(pattern, prefix, suffix):
    small = _seconds(prefix + pattern * 2_000 + suffix)
    large = _seconds(prefix + pattern * 20_000 + suffix)
    assert large < 40 * small + 0.05, f"{pattern!r}: {small:.4f}s for 2,000 repeats, {large:.4f}s for 20,000"


@pytest.mark.parametrize(
    "document", ["." * 200_000 + "x", "Hi. " + "-" * 200_000 + "a", "?!" * 100_000 + "x", "A." + " " * 200_000 + "b"]
)
def test_long_runs_that_once_took_minutes_are_split_at_once(document):
    assert _seconds(document) < 2
