"""The datasheet's counts are the datasheet command's output on the bundled files, so they cannot go stale."""

from conftest import REPO

from lmclassify.cli.datasheet import main
from lmclassify.corpus.datasheet import datasheet_tables
from lmclassify.corpus.load import load_challenge_set, load_corpus, load_documents


def test_data_readme_contains_the_current_counts():
    readme = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    assert datasheet_tables(load_corpus(), load_challenge_set(), load_documents()) in readme


def test_a_users_file_gets_the_same_tables(tmp_path, capsys, corpus):
    path = tmp_path / "mine.csv"
    corpus.groupby("label").head(20)[["text", "label", "domain"]].to_csv(path, index=False)
    assert main(["--data", str(path)]) == 0
    output = capsys.readouterr().out
    assert "### Domain x label" in output and "Label x function" not in output
