"""``lmclassify compare`` end to end: the CSV and HTML it writes, its summary, exit codes for unreadable files and
bad arguments, help examples that are real commands, and Ctrl-C or SIGTERM leaving nothing behind."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, installed_script

from lmclassify import LABELS
from lmclassify.cli import SUBCOMMANDS, main
from lmclassify.cli.compare import EXAMPLES, build_parser
from lmclassify.documents.compare_profile import profile_columns

TEXTS = {
    "2021/letter.md": "# Letter\n\nTrack spending against the budget every week. Inspire the team to aim higher.\n",
    "2022/advert.txt": "Join us\n\n- Plan the weekly rota\n- Celebrate every colleague\n\nThe office is in Leeds.\n",
    "history.txt": "The museum opened in 1891. Its tower is 40 metres tall.\n",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    for name, text in TEXTS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (tmp_path / "meta.csv").write_text(
        "file,year,sector\ndocs/2021/letter.md,2021,retail\ndocs/2022/advert.txt,2022,retail\n"
        "docs/history.txt,1891,museum\n",
        encoding="utf-8",
    )
    return root


def test_compare_is_a_registered_subcommand():
    assert SUBCOMMANDS["compare"][0] == "compare"


def test_the_help_examples_are_real_commands_one_per_line():
    lines = [line.strip() for line in EXAMPLES.splitlines()[1:] if line.strip()]
    assert len(lines) >= 3
    for line in lines:
        assert "|" not in line
        words = shlex.split(line)
        assert words[:2] == ["lmclassify", "compare"]
        args = build_parser().parse_args(words[2:])
        assert args.output.endswith(".csv") and args.inputs


def test_a_grouped_comparison_writes_the_csv_and_the_report(folder, tmp_path, capsys):
    out, page, meta = tmp_path / "profiles.csv", tmp_path / "report.html", tmp_path / "meta.csv"
    command = [str(folder), "--metadata", str(meta), "--group-by", "sector", "--output", str(out), "--html", str(page)]
    assert main(["compare", *command]) == 0
    err = capsys.readouterr().err
    profiles = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(profiles.columns) == list(profile_columns(("year", "sector")))
    assert profiles["file"].tolist() == ["2021/letter.md", "2022/advert.txt", "history.txt"]
    assert profiles["sector"].tolist() == ["retail", "retail", "museum"] and set(profiles["error"]) == {""}
    shares = profiles[[f"{label}_word_share" for label in LABELS]].astype(float).sum(axis=1)
    assert shares.round(5).tolist() == [1.0, 1.0, 1.0]
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "lmclassify compare: compared 3 documents" in err and "0 could not be read" in err
    assert "grouped by sector: 2 groups" in err and "3 documents matched" in err
    assert f"wrote {out} and {page}" in err


def test_an_unreadable_file_gets_an_error_row_a_message_and_exit_code_1(folder, tmp_path, capsys):
    (folder / "latin1.txt").write_bytes("Caf\xe9 au lait.".encode("latin-1"))
    out = tmp_path / "profiles.csv"
    assert main(["compare", str(folder), "--output", str(out)]) == 1
    err = capsys.readouterr().err
    assert "lmclassify compare: latin1.txt: not UTF-8 text" in err and "1 could not be read" in err
    profiles = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("file")
    assert list(profiles.index) == ["2021/letter.md", "2022/advert.txt", "history.txt", "latin1.txt"]
    assert profiles.loc["latin1.txt", "error"].startswith("not UTF-8") and profiles.loc["latin1.txt", "words"] == "0"
    assert (profiles.drop(index="latin1.txt")["words"].astype(int) > 0).all()


def test_missing_files_given_by_name_are_reported_and_the_rest_compared(folder, tmp_path, capsys):
    out = tmp_path / "profiles.csv"
    assert main(["compare", str(folder / "history.txt"), str(tmp_path / "gone.md"), "--output", str(out)]) == 1
    assert f"{tmp_path / 'gone.md'}: no such file" in capsys.readouterr().err
    assert pd.read_csv(out, keep_default_na=False)["error"].tolist() == ["", "no such file"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--group-by", "region", "--metadata", "META"], "cannot group by 'region'"),
        (["--group-by", "year"], "give a metadata CSV file"),
        (["--metadata", "MISSING"], "no such metadata file"),
    ],
)
def test_unusable_arguments_exit_with_2_and_write_nothing(folder, tmp_path, capsys, extra, message):
    out = tmp_path / "profiles.csv"
    extra = [
        str(tmp_path / "meta.csv") if e == "META" else str(tmp_path / "no.csv") if e == "MISSING" else e for e in extra
    ]
    assert main(["compare", str(folder), "--output", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and (message != "cannot group by 'region'" or "year, sector, folder" in err)
    assert not out.exists()


def test_a_model_that_cannot_be_loaded_exits_with_1(folder, tmp_path, capsys):
    bad = tmp_path / "model.npz"
    bad.write_bytes(b"not a model")
    assert main(["compare", str(folder), "--output", str(tmp_path / "p.csv"), "--model", str(bad)]) == 1
    assert "not written" in capsys.readouterr().err and not (tmp_path / "p.csv").exists()


def test_the_installed_command_matches_the_python_api(folder, tmp_path):
    import lmclassify

    out = tmp_path / "cli.csv"
    result = subprocess.run(
        [installed_script("lmclassify"), "compare", str(folder), "--output", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    lmclassify.compare(folder).to_csv(tmp_path / "api.csv")
    assert out.read_bytes() == (tmp_path / "api.csv").read_bytes()


def _signal_state(pid: int) -> str:
    """The blocked, ignored and caught signal masks of a process (Linux), or why they are unknown."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError as error:
        return f"unknown ({error})"
    return "; ".join(line for line in lines if line.startswith(("State", "SigBlk", "SigIgn", "SigCgt")))


@pytest.mark.parametrize(
    ("send", "code", "said"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 128 + signal.SIGTERM, "terminated")],
    ids=["ctrl-c", "sigterm"],
)
def test_a_stopped_run_leaves_no_output_and_no_temporary_file(tmp_path, send, code, said):
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(4000):
        (folder / f"doc{number:05d}.txt").write_text(TEXTS["2021/letter.md"], encoding="utf-8")
    out, page = tmp_path / "out" / "profiles.csv", tmp_path / "out" / "report.html"
    out.parent.mkdir()
    command = [sys.executable, "-m", "lmclassify", "compare", str(folder), "--output", str(out), "--html", str(page)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(out.parent.iterdir()) and time.monotonic() < deadline:  # the temporary CSV file: rows are coming
        time.sleep(0.05)
    time.sleep(0.5)
    signal_state = _signal_state(process.pid)  # to tell, if the signal is missed, whether the child could see it
    os.kill(process.pid, send)
    try:
        _, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the run did not stop within 30 s")
    assert process.returncode == code, f"{err}\nchild's signal state when it was sent: {signal_state}"
    assert said in err and "not written" in err
    assert list(out.parent.iterdir()) == []
