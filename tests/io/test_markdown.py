import pandas as pd

from lmclassify.io.markdown import markdown_table


def test_numbers_right_text_left_and_pipes_escaped():
    table = markdown_table(pd.DataFrame({"name": ["a|b", "c"], "n": [1, 22], "x": [0.5, float("nan")]}), ".2f")
    lines = table.splitlines()
    assert lines[0] == "| name |  n |    x |"
    assert lines[1] == "|:-----|---:|-----:|"
    assert lines[2] == "| a\\|b |  1 | 0.50 |"
    assert lines[3] == "| c    | 22 |      |"
