from lmclassify import FUNCTIONS, LABELS
from lmclassify.corpus.codebook import FUNCTION_LABEL


def test_labels_are_the_three_kotter_orientations():
    assert LABELS == ("management", "leadership", "neither")


def test_every_label_has_its_functions_and_each_function_one_label():
    assert set(FUNCTIONS) == set(LABELS)
    assert len(FUNCTIONS["management"]) == 6 and len(FUNCTIONS["leadership"]) == 4
    assert FUNCTIONS["neither"] == ()
    assert all(FUNCTION_LABEL[f] == label for label, functions in FUNCTIONS.items() for f in functions)
