"""Bad data gets a clear message and nothing ships.

Each test copies data/ into a temporary folder, breaks one thing and checks the message a maintainer
sees: data/<file>.csv, line <n>, field '<field>': <what is wrong>; expected <what would be right>.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from scripts.load import DATA_DIR, REQUIRED_TABLES, DataError, load, require_tables
from tests.conftest import copy_project


@pytest.fixture
def data(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(path: Path, old: bytes, new: bytes) -> None:
    """Replace old (which must occur exactly once) with new, byte for byte."""
    content = path.read_bytes()
    assert content.count(old) == 1, f"{old!r} occurs {content.count(old)} times in {path.name}"
    path.write_bytes(content.replace(old, new))


def line_of(path: Path, row_id: str) -> int:
    """The physical line of the row with this id (the header is line 1)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith(row_id + ","))


def rewrite_columns(path: Path, change) -> None:
    """Rewrite every record (header included) through change(list_of_cells) -> list_of_cells."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(change(row) for row in rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def problems(data_dir: Path) -> list[str]:
    with pytest.raises(DataError) as error:
        load(data_dir)
    return error.value.problems


def the_problem(data_dir: Path) -> str:
    """The single problem this fixture should cause (no follow-on noise)."""
    found = problems(data_dir)
    assert len(found) == 1, "\n".join(found)
    return found[0]


# ------------------------------------------------------------ one fixture per kind of bad data

def test_missing_table_file(data):
    (data / "votes.csv").unlink()
    assert the_problem(data) == ("data/votes.csv: the file is missing; "
                                 "expected a CSV file for table 'votes', which datapackage.json lists")


def test_missing_column(data):
    rewrite_columns(data / "referral_datasets.csv", lambda row: row[:2] + row[3:])   # drop 'label'
    assert the_problem(data) == ("data/referral_datasets.csv, line 1, field 'label': column 'label' is missing; "
                                 "expected the columns id, figure_id, label, counts, counted_as, area, months, months_words, note")


def test_misspelt_column_suggests_the_right_name(data):
    edit(data / "figures.csv", b"id,statement,value,", b"id,statement,valeu,")
    message = the_problem(data)
    assert message.startswith("data/figures.csv, line 1, field 'valeu': column 'valeu' is not in the schema; "
                              "expected the columns id, statement, value, wording, unit, ")
    assert message.endswith("(did you mean 'value'?)")


def test_extra_column(data):
    rewrite_columns(data / "referral_datasets.csv", lambda row: row + ["extra" if row[0] == "id" else "x"])
    assert the_problem(data) == ("data/referral_datasets.csv, line 1, field 'extra': column 'extra' is not in the schema; "
                                 "expected the columns id, figure_id, label, counts, counted_as, area, months, months_words, note")


def test_text_in_a_numeric_field(data):
    line = line_of(data / "figures.csv", "F-001")
    edit(data / "figures.csv", b"Home Office).,537,", b"Home Office).,five hundred,")
    message = the_problem(data)
    assert message.startswith(f"data/figures.csv, line {line}, field 'value': 'five hundred' is not a number; "
                              "expected a number of 0 or more, such as ")


def test_negative_count(data):
    line = line_of(data / "figures.csv", "F-001")
    edit(data / "figures.csv", b"Home Office).,537,", b"Home Office).,-537,")
    assert the_problem(data) == (f"data/figures.csv, line {line}, field 'value': '-537' is negative; "
                                 "expected a whole number from 0 to 1,000,000,000")


def test_empty_required_field(data):
    line = line_of(data / "figures.csv", "F-001")
    edit(data / "figures.csv", b"),S-001,Police made 537", b"),,Police made 537")
    assert the_problem(data) == (f"data/figures.csv, line {line}, field 'source_id': the cell is empty, "
                                 "but this field is required; expected a value like S-001")


def test_value_not_in_the_allowed_list(data):
    line = line_of(data / "forces.csv", "P-01")
    edit(data / "forces.csv", b"P-01,Avon and Somerset Constabulary,England,", b"P-01,Avon and Somerset Constabulary,Englnd,")
    assert the_problem(data) == (f"data/forces.csv, line {line}, field 'country': 'Englnd' is not allowed; "
                                 "expected one of England, Wales, Great Britain (railways)")


def test_duplicate_id(data):
    first, second = line_of(data / "figures.csv", "F-001"), line_of(data / "figures.csv", "F-002")
    edit(data / "figures.csv", b"\nF-002,", b"\nF-001,")
    assert the_problem(data) == (f"data/figures.csv, line {second}, field 'id': 'F-001' appears twice "
                                 f"(also on line {first}); expected every id to be unique")


@pytest.mark.parametrize("file, row_id, old, new, expected", [
    ("figures.csv", "F-001", b"),S-001,Police made 537", b"),S-999,Police made 537",
     "field 'source_id': 'S-999' does not match any id in sources.csv; expected an existing source ID such as S-001"),
    ("forces.csv", "P-01", b"E23000036,S-088,S-089", b"E23000036,S-088,S-989",
     "field 'cross_check_source_id': 'S-989' does not match any id in sources.csv; "
     "expected an existing source ID such as S-001"),
    ("referral_datasets.csv", "dac_2020_2023", b"dac_2020_2023,F-001,", b"dac_2020_2023,F-999,",
     "field 'figure_id': 'F-999' does not match any id in figures.csv; expected an existing figure ID such as F-001"),
])
def test_reference_to_an_unknown_row(data, file, row_id, old, new, expected):
    line = line_of(data / file, row_id)
    edit(data / file, old, new)
    assert the_problem(data) == f"data/{file}, line {line}, {expected}"


def test_period_that_ends_before_it_starts(data):
    line = line_of(data / "figures.csv", "F-001")
    edit(data / "figures.csv", b"537,,referrals,2020-04,2023-03", b"537,,referrals,2023-04,2020-03")
    assert the_problem(data) == (f"data/figures.csv, line {line}, field 'period_end': the period ends (2020-03) "
                                 "before it starts (2023-04); expected an end on or after the start")


@pytest.mark.parametrize("bad, expected", [
    ("2023-13", "'2023-13' is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD"),
    ("9 Nov 2023", "'9 Nov 2023' is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD"),
    ("2023-02-30", "'2023-02-30' is not a date (there is no such day); expected a day that exists in that month, "
                   "as YYYY-MM-DD"),
])
def test_malformed_date(data, bad, expected):
    line = line_of(data / "quotes.csv", "Q-001")
    edit(data / "quotes.csv", b"Q-001,Nicole Jacobs,Domestic Abuse Commissioner for England and Wales,"
                              b"Office of the Domestic Abuse Commissioner,commissioner,2023-11-09,",
         b"Q-001,Nicole Jacobs,Domestic Abuse Commissioner for England and Wales,"
         b"Office of the Domestic Abuse Commissioner,commissioner," + bad.encode() + b",")
    assert the_problem(data) == f"data/quotes.csv, line {line}, field 'date': {expected}"


@pytest.mark.parametrize("url, expected", [
    ("http://domesticabusecommissioner.uk/?p=3218",
     "'http://domesticabusecommissioner.uk/?p=3218' is not an https address; "
     "expected a web address that starts with https:// and has no spaces"),
    ("https://domesticabusecommissioner/?p=3218",
     "'https://domesticabusecommissioner/?p=3218' is not a well-formed web address; "
     "expected https:// then a host name such as www.example.org"),
    ("https://domesticabusecommissioner.uk:port/?p=3218",
     "'https://domesticabusecommissioner.uk:port/?p=3218' is not a well-formed web address; "
     "expected https:// then a host name such as www.example.org"),
    ("domesticabusecommissioner.uk/?p=3218",
     "'domesticabusecommissioner.uk/?p=3218' is not an https address; "
     "expected a web address that starts with https:// and has no spaces"),
])
def test_malformed_or_non_https_url(data, url, expected):
    line = line_of(data / "sources.csv", "S-001")
    edit(data / "sources.csv", b",https://domesticabusecommissioner.uk/?p=3218,", f",{url},".encode())
    assert the_problem(data) == f"data/sources.csv, line {line}, field 'url': {expected}"


def test_undecodable_bytes_name_file_line_and_field(data):
    line = line_of(data / "votes.csv", "V-002")
    edit(data / "votes.csv", b"Baroness Meacher's data-sharing", b"Baroness Meacher\x92s data-sharing")   # cp1252 quote
    assert the_problem(data) == (f"data/votes.csv, line {line}, field 'question': byte 0x92 after "
                                 "'Baroness Meacher' is not UTF-8; expected the file saved as UTF-8 "
                                 "(a byte-order mark and CRLF line ends are fine)")


def test_bom_crlf_and_blank_trailing_lines_are_accepted_and_read_correctly(data):
    for path in data.glob("*.csv"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n") + b"\r\n\r\n")
    tables, expected = load(data), load()
    for name in expected:
        assert list(tables[name].columns)[0] == "id"
        pd.testing.assert_frame_equal(tables[name], expected[name])


def test_trailing_lines_of_spaces_and_commas_are_blank_too(data):
    """Validation and reading agree on what a blank line is: one of spaces and commas at the end is not a row."""
    with open(data / "figures.csv", "ab") as file:
        file.write(b"  ,,,,,,,,,,,,\n,,,,,,,,,,,,,,,,,,,,\n")   # one a line of the table's width, one wider
    pd.testing.assert_frame_equal(load(data)["figures"], load()["figures"])


def test_past_the_error_limit_the_message_says_there_may_be_more(data):
    """Frictionless stops at ERROR_LIMIT problems in a file; the maintainer is told, not left to think the list whole."""
    from scripts.growth import grow, read_rows, write_rows
    from scripts.load import ERROR_LIMIT

    grow(data, ERROR_LIMIT // 90 + 2)   # more than ERROR_LIMIT figures
    columns, rows = read_rows(data / "figures.csv")
    write_rows(data / "figures.csv", columns, [{**row, "period_certainty": "bogus"} for row in rows])   # one error a row
    found = problems(data)
    assert len(found) == ERROR_LIMIT + 1
    assert found[-1] == (f"data/figures.csv: the schema check stopped after {ERROR_LIMIT:,} problems in this file, so "
                         "there may be more than are listed here; expected these fixed, then a new build to list any others")


def test_a_blank_line_inside_a_table_is_reported(data):
    line = line_of(data / "figures.csv", "F-002")
    edit(data / "figures.csv", b"\nF-002,", b"\n\nF-002,")
    assert the_problem(data) == (f"data/figures.csv, line {line}: the line is blank; "
                                 "expected a row of data (blank lines are allowed only at the end of the file)")


def test_a_table_missing_from_datapackage_json(data):
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "votes"]
    (data / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    listed = ", ".join(sorted(set(REQUIRED_TABLES) - {"votes"}))
    assert the_problem(data) == ("data/datapackage.json: the site needs table 'votes', which datapackage.json "
                                 f"does not list; expected one of {listed}")


def test_a_chart_or_page_that_names_a_missing_table():
    tables = load()
    require_tables(tables, ["figures", "sources"], "chart 'referral_rates'")   # all there: no error
    with pytest.raises(DataError) as error:
        require_tables(tables, ["figures", "figuers"], "chart 'referral_rates'")
    assert error.value.problems == ["data/datapackage.json: chart 'referral_rates' needs table 'figuers', which "
                                    f"datapackage.json does not list; expected one of {', '.join(sorted(tables))}"]
    with pytest.raises(DataError, match="the site needs table 'figuers'"):
        tables["figuers"]


# ------------------------------------------------------------ every problem at once, and nothing ships

def test_all_problems_are_reported_together(data):
    figures, forces = data / "figures.csv", data / "forces.csv"
    value_line, period_line = line_of(figures, "F-001"), line_of(figures, "F-002")
    force_line = line_of(forces, "P-01")
    edit(figures, b"Home Office).,537,", b"Home Office).,five hundred,")                       # schema: type
    edit(figures, b"territorial + BTP),2020-04,2023-03,", b"territorial + BTP),2023-04,2020-03,")   # extra check
    edit(forces, b"P-01,Avon and Somerset Constabulary,England,", b"P-01,Avon and Somerset Constabulary,Englnd,")
    found = problems(data)
    assert len(found) == 3, "\n".join(found)
    for start in (f"data/figures.csv, line {value_line}, field 'value': 'five hundred' is not a number; expected",
                  f"data/figures.csv, line {period_line}, field 'period_end': the period ends (2020-03) before it "
                  "starts (2023-04); expected",
                  f"data/forces.csv, line {force_line}, field 'country': 'Englnd' is not allowed; expected one of"):
        assert any(message.startswith(start) for message in found), f"{start!r} not in {found}"


def tree_hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_build_fails_on_bad_data_and_leaves_the_last_site_untouched(tmp_path):
    project = copy_project(tmp_path / "project")

    def build() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "scripts.build_site"], cwd=project,
                              capture_output=True, text=True)

    good = build()
    assert good.returncode == 0, good.stderr
    before = tree_hashes(project / "site")
    assert "index.html" in before

    line = line_of(project / "data" / "figures.csv", "F-001")
    edit(project / "data" / "figures.csv", b"Home Office).,537,", b"Home Office).,five hundred,")
    bad = build()
    output = bad.stdout + bad.stderr
    assert bad.returncode != 0
    assert f"data/figures.csv, line {line}, field 'value': 'five hundred' is not a number" in output
    assert "site/ was left as it was" in output
    assert tree_hashes(project / "site") == before
    assert not list(project.glob(".site-*")), "the failed build left its staging folder behind"
