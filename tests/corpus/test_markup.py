"""The document markup: tags become units with exact offsets, kinds and labels; bad markup is refused whole."""

from __future__ import annotations

import csv

import pytest

from lmclassify.cli.markup import main
from lmclassify.corpus.load import load_documents
from lmclassify.corpus.markup import build_documents, parse_markup
from lmclassify.errors import CorpusError

HEADER = "---\ngenre: job_advert\ndomain: health\nvariety: uk\ntitle: Ward manager\n---\n"
BODY = """# {n} Ward Manager
{n} Posted 3 March

{l.direction} We are rebuilding elderly care. {m.budgeting} You will hold the budget for
twelve posts.

{n} You will:
- {m.staffing} Prepare the monthly rota
- {l.culture #role_noun} Make every new starter feel welcome

{n #cta} Apply now
"""


def test_units_have_exact_offsets_kinds_labels_and_cases():
    document = parse_markup(HEADER + BODY)
    assert document.header["genre"] == "job_advert"
    rows = [(u.text, u.kind, u.label, u.function, u.case) for u in document.units]
    assert rows == [
        ("Ward Manager", "heading", "neither", "none", ""),
        ("Posted 3 March", "heading", "neither", "none", ""),
        ("We are rebuilding elderly care.", "sentence", "leadership", "direction", ""),
        ("You will hold the budget for\ntwelve posts.", "sentence", "management", "budgeting", ""),
        ("You will:", "lead_in", "neither", "none", ""),
        ("Prepare the monthly rota", "list_item", "management", "staffing", ""),
        ("Make every new starter feel welcome", "list_item", "leadership", "culture", "role_noun"),
        ("Apply now", "heading", "neither", "none", "cta"),
    ]
    assert all(document.text[u.start : u.end] == u.text for u in document.units)
    assert "{" not in document.text and document.text.startswith("# Ward Manager\n")


def test_a_kind_can_be_forced():
    document = parse_markup(HEADER + BODY.replace("{n} Posted", "{n sentence} Posted"))
    assert document.units[1].kind == "sentence"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("{m.staffing} Prepare", "Prepare"), "text without a tag"),
        (("{m.staffing}", "{m.inspiring}"), "not a management function"),
        (("{n #cta}", "{n.culture}"), "neither tag takes no function"),
        (("{n} You will:", "{n loud} You will:"), "unknown tag extra"),
        (("variety: uk", "variety: au"), "variety must be uk or us"),
    ],
)
def test_every_problem_is_named(change, message):
    with pytest.raises(CorpusError, match=message):
        parse_markup((HEADER + BODY).replace(*change), "doc.lmd")


def test_a_document_needs_a_header_and_units():
    with pytest.raises(CorpusError, match="header"):
        parse_markup(BODY)
    with pytest.raises(CorpusError, match="at least 5"):
        parse_markup(HEADER + "{n} One.\n{n} Two.\n")


def test_build_writes_loadable_files_and_keeps_existing_splits(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for number in range(5):
        (source / f"job_advert-{number}.lmd").write_text(HEADER + BODY, encoding="utf-8")
    out = tmp_path / "documents"
    assert build_documents(sorted(source.glob("*.lmd")), out) == (5, 40)
    documents = load_documents(out)
    assert documents.documents["split"].value_counts().to_dict() == {"train": 4, "test": 1}
    test_id = documents.documents.index[documents.documents["split"] == "test"][0]
    with open(out / "documents.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:  # move the test document: a rebuild must keep the recorded split
        row["split"] = "test" if row["doc_id"] == "job_advert-0" else "train"
    with open(out / "documents.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    build_documents(sorted(source.glob("*.lmd")), out)
    splits = load_documents(out).documents["split"]
    assert splits.to_dict() == {f"job_advert-{n}": "test" if n == 0 else "train" for n in range(5)}
    assert test_id in splits.index


def test_a_bad_file_stops_the_build_before_anything_is_written(tmp_path, capsys):
    (tmp_path / "good.lmd").write_text(HEADER + BODY, encoding="utf-8")
    (tmp_path / "bad.lmd").write_text(HEADER + BODY.replace("{m.staffing} ", ""), encoding="utf-8")
    assert main(["build", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "bad.lmd" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
