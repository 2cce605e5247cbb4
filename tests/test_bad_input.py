"""Nothing a maintainer can put in data/ publishes an impossible number, a formula, or a traceback.

In the style of test_bad_data.py: each case breaks one thing in a copy of data/ and checks the one
message a maintainer sees (file, line, field, what is wrong, what is expected). Most are checked through
scripts.load and scripts.stats directly; a few run the whole build and check that site/ is byte-identical.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from scripts.charts import build_charts
from scripts.load import DataError, load
from scripts.render import chart_csv
from scripts.safe_text import FORMULA_START
from scripts.stats import compute_statistics, format_number
from tests.conftest import copy_project
from tests.test_bad_data import data, edit, line_of, problems, the_problem, tree_hashes  # noqa: F401 (fixture)


def set_cell(path: Path, row_id: str, field: str, value: str) -> int:
    """Set one cell (the row with this id); returns the row's line."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    column = rows[0].index(field)
    for row in rows[1:]:
        if row[0] == row_id:
            row[column] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    return line_of(path, row_id)


def cell(path: Path, row_id: str, field: str) -> str:
    return next(row[field] for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))) if row["id"] == row_id)


def statistics_problem(data_dir: Path) -> str:
    """The single problem the statistics step finds (the data passed validation)."""
    with pytest.raises(DataError) as error:
        compute_statistics(load(data_dir))
    assert len(error.value.problems) == 1, "\n".join(error.value.problems)
    return error.value.problems[0]


# ------------------------------------------------------------ impossible numbers

@pytest.mark.parametrize("value, expected", [
    ("inf", "'inf' is not a finite number; expected a number written in digits, such as 537"),
    ("Infinity", "'Infinity' is not a finite number; expected a number written in digits, such as 537"),
    ("NaN", "'NaN' is not a finite number; expected a number written in digits, such as 537"),
    ("1e400", "'1e400' is not a finite number; expected a number written in digits, such as 537"),
    ("5.37e2", "'5.37e2' is not written in plain digits; expected the number in plain digits, such as 537"),
    ("537.5", "'537.5' is not a whole number, but the unit 'referrals' makes it a count; expected a whole number "
              "from 0 to 1,000,000,000; if it is not a count, a unit that says so, "
              "such as '%' or '£ million'"),
    ("1" + "0" * 308, "'100000000000…' (309 characters) is too large for a count (unit 'referrals'); expected a whole "
                      "number from 0 to 1,000,000,000"),
])
def test_impossible_count(data, value, expected):
    line = set_cell(data / "figures.csv", "F-001", "value", value)
    assert the_problem(data) == f"data/figures.csv, line {line}, field 'value': {expected}"


def test_a_percentage_over_100(data):
    line = set_cell(data / "figures.csv", "F-031", "value", "150")   # its unit: % of police forces ...
    unit = cell(data / "figures.csv", "F-031", "unit")
    assert unit.startswith("%")
    assert the_problem(data) == (f"data/figures.csv, line {line}, field 'value': '150' is too large for a percentage "
                                 f"(unit '{unit}'); expected a percentage from 0 to 100")


def test_an_implausible_amount_of_money(data):
    line = set_cell(data / "figures.csv", "F-050", "value", "20000000000")   # unit: £ million over three years
    assert the_problem(data) == (f"data/figures.csv, line {line}, field 'value': '20000000000' is too large for an amount of money "
                                 "(unit '£ million over three years'); expected an amount from 0 to 1,000,000,000 in "
                                 "the unit's currency and scale")


def test_a_headline_count_of_zero(data):
    line = set_cell(data / "figures.csv", "F-001", "value", "0")
    assert statistics_problem(data) == (
        f"data/figures.csv, line {line}, field 'value': the headline count F-001 is 0, but the site divides by it (one "
        "referral every so many days, the share that led to enforcement); expected a count above 0")


def test_a_headline_period_in_years_only(data):
    set_cell(data / "figures.csv", "F-001", "period_start", "2020")
    line = set_cell(data / "figures.csv", "F-001", "period_end", "2023")
    with pytest.raises(DataError) as error:
        compute_statistics(load(data))
    assert error.value.problems == [
        f"data/figures.csv, line {line}, field '{field}': the headline figure F-001 '{year}' gives only the year, but "
        "the site works out referrals per month and per day from it; expected a month, as YYYY-MM"
        for field, year in (("period_start", "2020"), ("period_end", "2023"))]


def test_a_minimum_without_its_at_least(data):
    """The source says "At least 1,787": left out of the wording, the site would show 1,787 as exact."""
    line = set_cell(data / "figures.csv", "F-026", "wording", "")
    assert statistics_problem(data) == (
        f"data/figures.csv, line {line}, field 'wording': the evidence of figure F-026 says 'At least 1,787', but the "
        "wording is '', so the site would show 1,787 as an exact count; expected 'at least 1,787'")


def test_a_minimum_that_is_not_the_value(data):
    line = set_cell(data / "figures.csv", "F-015", "wording", "at least 432")
    assert statistics_problem(data) == (
        f"data/figures.csv, line {line}, field 'wording': the wording 'at least 432' gives a minimum other than the "
        "value 423; expected 'at least 423'")


def test_formatting_refuses_what_is_not_a_finite_number():
    assert format_number(2672) == "2,672"
    for value in (float("inf"), float("-inf"), float("nan")):
        with pytest.raises(ValueError, match="not a finite number"):
            format_number(value)


# ------------------------------------------------------------ datapackage.json

def test_missing_datapackage_json(data):
    (data / "datapackage.json").unlink()
    assert the_problem(data) == ("data/datapackage.json: the file is missing; "
                                 "expected a Data Package descriptor (JSON)")


def test_broken_datapackage_json(data):
    text = (data / "datapackage.json").read_text(encoding="utf-8")
    (data / "datapackage.json").write_text(text.replace('"version": "1.0.0",', '"version": "1.0.0"', 1), encoding="utf-8")
    assert the_problem(data) == ("data/datapackage.json, line 6, column 3: this is not valid JSON (Expecting ',' "
                                 "delimiter); expected a Data Package descriptor (JSON); restore it from git "
                                 "(git checkout -- data/datapackage.json) or fix it by hand")


@pytest.mark.parametrize("change, expected", [
    (lambda d: d.pop("version"), "field 'version': the data version is missing; expected a version such as \"1.0.0\" "
                                 "(it is shown on every page and in every citation)"),
    (lambda d: d.update(version="first"), "field 'version': \"first\" is not a version number; expected three "
                                          "numbers separated by dots, such as \"1.0.0\""),
    (lambda d: d.update(resources=[]), "field 'resources': the list of tables is missing or empty; expected one "
                                       "entry per CSV file, each with a name, a path and a schema"),
    (lambda d: d["resources"][0].update(path="../secrets.csv"),
     "resource 'sources', field 'path': \"../secrets.csv\" is not a CSV file in data/; expected a file name such as "
     "\"figures.csv\""),
    (lambda d: d["resources"][1]["schema"]["fields"][2].update(type="money"),
     "resource 'figures', field 'value': type \"money\" is not used here; expected one of string, number, integer"),
    (lambda d: d.pop("licenses"),
     "field 'licenses': null is missing or incomplete; expected a list of licences, each with a name and a web "
     "address, such as [{\"name\": \"CC-BY-4.0\", \"path\": \"https://creativecommons.org/licenses/by/4.0/\"}]"),
    (lambda d: d.update(licenses=[{"name": "CC-BY-4.0"}]),
     "field 'licenses': [{\"name\": \"CC-BY-4.0\"}] is missing or incomplete; expected a list of licences, each with a "
     "name and a web address, such as [{\"name\": \"CC-BY-4.0\", \"path\": \"https://creativecommons.org/licenses/by/4.0/\"}]"),
    (lambda d: d.pop("keywords"),
     "field 'keywords': null is missing or not a list of words; expected a list of strings, such as "
     "[\"domestic abuse\", \"police\"]"),
    (lambda d: d.update(title=7), "field 'title': 7 is missing or not text; expected the dataset's title, as a string"),
    (lambda d: d["resources"][1]["schema"]["fields"][2]["constraints"].update(minimum="0"),
     "resource 'figures', field 'value', constraint 'minimum': \"0\" is not a number; expected a number without "
     "quotes, such as \"minimum\": 0"),
    (lambda d: d["resources"][1]["schema"]["fields"][0]["constraints"].update(pattern="^F-[0-9"),
     "resource 'figures', field 'id', constraint 'pattern': \"^F-[0-9\" is not a valid pattern (unterminated "
     "character set at position 3); expected a regular expression such as \"^S-[0-9]{3,}$\""),
    (lambda d: d["resources"][1]["schema"]["foreignKeys"][0]["reference"].update(resource="source"),
     "resource 'figures', foreignKeys: \"source\" is not a table in this package; expected one of figures, forces, "
     "helplines, quotes, recommendations, referral_datasets, sources, timeline, votes"),
    # a key between columns that do not exist would otherwise check nothing
    (lambda d: d["resources"][1]["schema"]["foreignKeys"][0]["reference"].update(fields="idx"),
     "resource 'figures', foreignKeys: \"idx\" is not a column of table 'sources'; expected one of id, title, "
     "publisher, published, published_certainty, published_note, url, copy_kind, copy_of, notes"),
    (lambda d: d["resources"][1]["schema"]["foreignKeys"][0].update(fields=["source"]),
     "resource 'figures', foreignKeys: \"source\" is not a column of table 'figures'; expected one of id, statement, "
     "value, wording, unit, period_start, period_end, period_certainty, period_note, geography, source_id, evidence, "
     "caveat"),
    # keys are compared as text, as pages show them: '044' is not 44
    (lambda d: d["resources"][1]["schema"]["foreignKeys"].append({"fields": ["value"], "reference": {"resource": "sources", "fields": "id"}}),
     "resource 'figures', foreignKeys: column 'value' of table 'figures' is of type \"number\"; expected keys "
     "between text columns (IDs), \"type\": \"string\""),
    (lambda d: d["resources"][1]["schema"].update(missingValues=["", "n/a"]),
     "resource 'figures', field 'missingValues': [\"\", \"n/a\"] is not read by the site; expected no "
     "missingValues in the schema (an empty cell is the only missing value)"),
    # shapes no check foresaw: a plain message, never a traceback
    (lambda d: d["resources"][1]["schema"]["foreignKeys"][0].update(fields=[["source_id"]]),
     "resource 'figures', foreignKeys: the columns of table 'figures' are given as [[\"source_id\"]]; expected a "
     "column name, such as \"source_id\", or a list of them"),
    (lambda d: d["resources"][1]["schema"]["foreignKeys"][0]["reference"].update(fields={"id": 1}),
     "resource 'figures', foreignKeys: the columns of table 'sources' are given as {\"id\": 1}; expected a "
     "column name, such as \"source_id\", or a list of them"),
    (lambda d: d["resources"][1]["schema"]["foreignKeys"][0].update(fields=[]),
     "resource 'figures', foreignKeys: the columns of table 'figures' are given as []; expected a "
     "column name, such as \"source_id\", or a list of them"),
    (lambda d: d["resources"][1]["schema"]["foreignKeys"][0]["reference"].update(resource=["sources"]),
     "resource 'figures', foreignKeys: [\"sources\"] is not a table in this package; expected one of figures, "
     "forces, helplines, quotes, recommendations, referral_datasets, sources, timeline, votes"),
    (lambda d: d["resources"][0]["schema"].update(fields=5),
     "resource 'sources', field 'schema': the table has no list of fields; expected \"schema\": {\"fields\": "
     "[{\"name\": ..., \"type\": ...}, ...]}"),
    (lambda d: d["resources"][0]["schema"]["fields"][0].update(name=["id"]),
     "resource 'sources': a field has no name; expected each field as {\"name\": ..., \"type\": \"string\"}"),
])
def test_a_datapackage_json_the_site_cannot_use(data, change, expected):
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    change(descriptor)
    (data / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    assert the_problem(data) == f"data/datapackage.json, {expected}"


# ------------------------------------------------------------ release snapshots

# A snapshot as an early release wrote it (the repository itself has none until its first release).
SNAPSHOT = Path(__file__).parent / "fixtures" / "release-1.0.0.json"


def with_snapshot(data: Path) -> Path:
    snapshot = data / "releases" / "1.0.0.json"
    snapshot.write_bytes(SNAPSHOT.read_bytes())
    return snapshot


def test_a_half_written_release_snapshot(data):
    snapshot = with_snapshot(data)
    snapshot.write_bytes(snapshot.read_bytes()[:300])
    assert the_problem(data) == (
        "data/releases/1.0.0.json, line 7, column 16: this is not valid JSON (Unterminated string); expected a release "
        "snapshot (JSON) as `make release` writes it; restore it from git (git checkout -- data/releases/1.0.0.json) "
        "or fix it by hand")


def test_an_empty_release_snapshot(data):
    with_snapshot(data).write_bytes(b"")
    assert the_problem(data) == ("data/releases/1.0.0.json: the file is empty (perhaps a write was interrupted); "
                                 "expected a release snapshot (JSON) as `make release` writes it; restore it from git "
                                 "(git checkout -- data/releases/1.0.0.json) or fix it by hand")


def test_a_release_snapshot_of_the_wrong_shape(data):
    snapshot = with_snapshot(data)
    content = json.loads(snapshot.read_text(encoding="utf-8"))
    content["version"] = "1.0.1"
    content["statistics"]["referrals_total"] = {"display": 537}
    snapshot.write_text(json.dumps(content), encoding="utf-8")
    assert problems(data) == [
        "data/releases/1.0.0.json, field 'version': \"1.0.1\" differs from the file name; expected \"1.0.0\"",
        "data/releases/1.0.0.json, statistic 'referrals_total': {\"display\": 537} is not a statistic; expected "
        "{\"display\": \"537\", \"label\": \"...\", \"sources\": [\"S-001\"]}"]


def change_snapshot(data: Path, change) -> None:
    path = with_snapshot(data)
    content = json.loads(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(json.dumps(content), encoding="utf-8")


@pytest.mark.parametrize("change, expected", [
    (lambda s: s.update(published=2026), "field 'published': 2026 is not a date written YYYY-MM-DD"),
    (lambda s: s.update(published="garbage"), "field 'published': \"garbage\" is not a date written YYYY-MM-DD"),
    (lambda s: s.update(published="2026-13-45"), "field 'published': \"2026-13-45\" is not a date (there is no such day)"),
    (lambda s: s.update(published="0026-11-25"), "field 'published': \"0026-11-25\" is not a plausible year for this site"),
    (lambda s: s.pop("published"), "field 'published': null is not a date written YYYY-MM-DD"),
])
def test_a_release_snapshot_without_a_real_publication_date(data, change, expected):
    change_snapshot(data, change)
    assert the_problem(data) == (f"data/releases/1.0.0.json, {expected}; expected the day the release was published, "
                                 "such as \"2026-11-25\"")


def test_a_release_snapshot_whose_fields_have_the_wrong_type(data):
    change_snapshot(data, lambda s: s.update(changes="none", summary=["a list"], data_version=None))
    assert problems(data) == [
        "data/releases/1.0.0.json, field 'data_version': null is not text; expected the data version it was built "
        "from, such as \"1.0.0\"",
        "data/releases/1.0.0.json, field 'summary': [\"a list\"] is not text; expected a sentence (or leave the field out)",
        "data/releases/1.0.0.json, field 'changes': \"none\" is not a JSON object; expected {\"statistic_name\": "
        "{\"kind\": \"revision\", \"reason\": \"...\", \"old\": \"537\", \"new\": \"612\"}}"]


def test_a_release_snapshot_saved_with_a_byte_order_mark_reads_as_without(data):
    from scripts.changes import load_snapshots
    path = with_snapshot(data)
    before = load_snapshots(data / "releases")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    load(data)
    assert load_snapshots(data / "releases") == before


def test_broken_release_notes(data):
    (data / "releases" / "notes.yml").write_text('"1.0.0":\n  summary: [unclosed\n', encoding="utf-8")
    assert the_problem(data) == (
        "data/releases/notes.yml, line 3, column 1: this is not valid YAML (expected ',' or ']', but got '<stream "
        "end>'); expected release notes as in the example at the top of notes.yml; restore it from git (git checkout "
        "-- data/releases/notes.yml) or fix it by hand")


def test_release_notes_of_the_wrong_shape(data):
    (data / "releases" / "notes.yml").write_text(
        '"1.0.0":\n  kind: fix\n  summary: 5\n  statistics:\n    referrals_total: {kind: revision, reason: [a]}\n'
        '"1.1.0": just a sentence\n', encoding="utf-8")
    where = "data/releases/notes.yml, release"
    assert problems(data) == [
        f"{where} \"1.0.0\", field 'kind': \"fix\" is not a kind of change; expected revision or correction",
        f"{where} \"1.0.0\", field 'summary': 5 is not text; expected a sentence (put it in quotes if it starts with "
        "[, { or a number)",
        f"{where} \"1.0.0\", statistic 'referrals_total', field 'reason': [\"a\"] is not text; expected a sentence "
        "(put it in quotes if it starts with [, { or a number)",
        f"{where} \"1.1.0\": \"just a sentence\" is not a set of notes; expected summary, kind, reason and statistics "
        "under it, indented"]


# ------------------------------------------------------------ a counted figure is a whole count

COUNTED_HERE = ("is counted here; expected a count of people, votes or referrals, as a whole number: a unit such as "
                "'referrals' on figures.csv line")


@pytest.mark.parametrize("unit, value, kind", [("thousand domestic abuse victims referred", "1.5",
                                                "count in thousands or millions"),
                                               ("% of victims referred", "45.5", "percentage")])
def test_a_referral_count_must_be_a_whole_count(data, unit, value, kind):
    set_cell(data / "figures.csv", "F-019", "unit", unit)
    figure_line = set_cell(data / "figures.csv", "F-019", "value", value)
    line = line_of(data / "referral_datasets.csv", "ferret_2020_2022")
    assert the_problem(data) == (
        f"data/referral_datasets.csv, line {line}, field 'figure_id': figure F-019 has the unit '{unit}', which makes "
        f"it a {kind}, but it {COUNTED_HERE} {figure_line}")


def test_a_vote_must_be_a_whole_count(data):
    figure_line = set_cell(data / "figures.csv", "F-071-A", "unit", "thousand peers")
    line = line_of(data / "votes.csv", "V-005")
    assert the_problem(data) == (
        f"data/votes.csv, line {line}, field 'votes_for_figure_id': figure F-071-A has the unit 'thousand peers', "
        f"which makes it a count in thousands or millions, but it {COUNTED_HERE} {figure_line}")


def test_a_quoted_count_must_be_a_whole_count(data):
    line = set_cell(data / "figures.csv", "F-049-A", "unit", "% of recommendations fully accepted")
    assert statistics_problem(data) == (
        f"data/figures.csv, line {line}, field 'unit': figure F-049-A has the unit '% of recommendations fully "
        "accepted', which makes it a percentage, but statistic 'sbs_accepted' counts with it; expected a count of "
        "people, votes or referrals, as a whole number: a unit such as 'referrals'")


def test_a_count_is_never_truncated():
    from scripts.stats import whole
    assert whole(537.0) == 537
    with pytest.raises(ValueError, match="not a whole number"):
        whole(537.5)


# ------------------------------------------------------------ signs and digits

def test_minus_zero_is_refused_and_never_printed(data):
    line = set_cell(data / "figures.csv", "F-006", "value", "-0")
    assert the_problem(data) == (f"data/figures.csv, line {line}, field 'value': '-0' has a minus sign, which would be "
                                 "shown; expected a whole number from 0 to 1,000,000,000 (write 0 without the sign)")
    assert format_number(-0.0) == "0" and format_number(-0.04, 1) == "0.0" and format_number(-0.4) == "0"
    assert format_number(-2.5) == "-3"


def test_a_negative_count_is_refused_even_without_the_schemas_minimum(data):
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    del descriptor["resources"][1]["schema"]["fields"][2]["constraints"]
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    line = set_cell(data / "figures.csv", "F-019", "value", "-5")
    assert the_problem(data) == (f"data/figures.csv, line {line}, field 'value': '-5' is negative; expected a whole "
                                 "number from 0 to 1,000,000,000")


@pytest.mark.parametrize("value, found", [("٤٥١", "U+0664 ARABIC-INDIC DIGIT FOUR (character 1), which looks like '4'"),
                                          ("５３７", "U+FF15 FULLWIDTH DIGIT FIVE (character 1), which looks like '5'"),
                                          ("53\u00a07", "U+00A0 NO-BREAK SPACE (character 3), which looks like ' '")])
def test_numbers_in_other_scripts_digits_are_named(data, value, found):
    line = set_cell(data / "figures.csv", "F-019", "value", value)
    assert the_problem(data) == (f"data/figures.csv, line {line}, field 'value': '{value}' contains {found} but is not "
                                 "an ASCII digit; expected a number written in the digits 0-9 (retype it)")


# ------------------------------------------------------------ plausible dates

@pytest.mark.parametrize("table, row_id, field, value, years", [
    ("timeline", "T-001", "date", "9999-12-31", "1900 to {next_year}"),
    ("timeline", "T-001", "date", "0001-01-01", "1900 to {next_year}"),
    ("figures", "F-001", "period_start", "0000-01", "1900 to {next_year}"),
    ("figures", "F-050", "period_end", "2101", "1900 to 2100"),
])
def test_a_date_outside_plausible_years(data, table, row_id, field, value, years):
    from datetime import date
    line = set_cell(data / f"{table}.csv", row_id, field, value)
    assert the_problem(data) == (f"data/{table}.csv, line {line}, field '{field}': '{value}' is not a plausible date "
                                 f"for this evidence; expected a year from {years.format(next_year=date.today().year + 1)} "
                                 "(a typing slip in the year?)")


def test_a_referral_count_that_ends_in_the_future(data):
    line = set_cell(data / "figures.csv", "F-001", "period_end", "2099-12")
    assert the_problem(data) == (f"data/figures.csv, line {line}, field 'period_end': the period of figure F-001 ends "
                                 "in 2099-12, but it counts referrals that have already happened; expected the end of "
                                 "the period the source counted, in the past")


# ------------------------------------------------------------ messages that do not mislead

@pytest.mark.parametrize("old, new, cells", [(b"\nV-003,", b"\nV-003,extra,", 16), (b"\nV-003,", b"\n", 14)])
def test_a_row_with_a_cell_too_many_or_too_few_is_one_message(data, old, new, cells):
    line = line_of(data / "votes.csv", "V-003")
    edit(data / "votes.csv", old, new)
    header = (data / "votes.csv").read_text(encoding="utf-8").splitlines()[0].replace(",", ", ")
    assert the_problem(data) == (f"data/votes.csv, line {line}: the row has {cells} cells; expected 15, one per column "
                                 f"({header}); a comma too many or too few, or a cell with a comma in it not in double "
                                 "quotes?")


def test_the_example_is_never_the_bad_value(data):
    line = set_cell(data / "referral_datasets.csv", "ferret_2020_2022", "months", "1.5")
    message = the_problem(data)
    assert message.startswith(f"data/referral_datasets.csv, line {line}, field 'months': '1.5' is not a whole number; "
                              "expected a whole number of 1 or more, such as ")
    assert not message.endswith("1.5") and message.rsplit(" ", 1)[1].isdigit()


def test_no_regular_expression_is_shown(data):
    line = set_cell(data / "votes.csv", "V-003", "majority_figure_id", "eighty")   # the only row with one
    assert the_problem(data) == (f"data/votes.csv, line {line}, field 'majority_figure_id': 'eighty' does not have the "
                                 "right form; expected a value like F-001")


# ------------------------------------------------------------ text that is safe everywhere

@pytest.mark.parametrize("text, shown", [
    ('=HYPERLINK("http://x","click")', "'=HYPERLINK(\"…' (30 characters) begins with ="),
    ("+44 20 7946 0000 is the number", "'+44 20 7946…' (30 characters) begins with +"),
    ("-5 per cent, said the report", "'-5 per cent,…' (28 characters) begins with -"),
    ("@everyone look", "'@everyone look' begins with @"),
])
def test_text_that_a_spreadsheet_would_run_as_a_formula(data, text, shown):
    line = set_cell(data / "quotes.csv", "Q-001", "quote", text)
    assert the_problem(data) == (
        f"data/quotes.csv, line {line}, field 'quote': {shown}, so a spreadsheet that opens the download would run it "
        "as a formula; expected text that begins with a letter, a digit or a quote mark (reword it, for example "
        "'minus 5' or 'at ...')")


def test_a_formula_after_leading_spaces(data):
    line = set_cell(data / "quotes.csv", "Q-002", "quote", '  =HYPERLINK("http://x","click")')
    assert the_problem(data) == (
        f"data/quotes.csv, line {line}, field 'quote': '  =HYPERLINK…' (32 characters) begins with =, so a spreadsheet "
        "that opens the download would run it as a formula; expected text that begins with a letter, a digit or a "
        "quote mark (reword it, for example 'minus 5' or 'at ...')")


def test_text_that_begins_with_a_tab(data):
    line = set_cell(data / "quotes.csv", "Q-001", "context", "\t=1+1")
    assert the_problem(data) == (
        f"data/quotes.csv, line {line}, field 'context': the text contains U+0009 CHARACTER TABULATION (character 1), "
        "which is invisible or changes the order the text is shown in; expected visible text only: delete that "
        "character (retype the words around it if unsure)")


@pytest.mark.parametrize("text, name, position", [("\r=1+1", "U+000D CARRIAGE RETURN", 1),
                                                  ("Two\nlines", "U+000A LINE FEED", 4)])
def test_a_quoted_cell_with_a_carriage_return_or_line_break(data, text, name, position):
    line = line_of(data / "quotes.csv", "Q-001")
    edit(data / "quotes.csv", b"tactics of control.\",", b"tactics of control.\",\"" + text.encode() + b"\"")
    assert the_problem(data) == (f"data/quotes.csv, line {line}, field 'context': the text has a line break in it "
                                 f"({name}, character {position}); expected the cell's text on one line")


def test_a_bare_carriage_return_that_cuts_a_row_in_two(data):
    line = line_of(data / "quotes.csv", "Q-001")
    edit(data / "quotes.csv", b"tactics of control.\",", b"tactics of control.\",\r=1+1")
    assert the_problem(data) == (f"data/quotes.csv, line {line}: a carriage return (U+000D) is in the middle of the "
                                 "line, after 'trator’s tactics of control.\",', so the row is cut in two there; "
                                 "expected each row on one line: delete the carriage return")


@pytest.mark.parametrize("table, row_id, field, character, name", [
    ("quotes", "Q-002", "quote", "\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("sources", "S-001", "title", "\u200b", "U+200B ZERO WIDTH SPACE"),
    ("timeline", "T-001", "event", "\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ("helplines", "H-01", "contact", "\x07", "U+0007 unnamed control character"),
])
def test_invisible_and_bidirectional_characters(data, table, row_id, field, character, name):
    path = data / f"{table}.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    original = next(row[field] for row in rows if row["id"] == row_id)
    line = set_cell(path, row_id, field, original[:5] + character + original[5:])
    assert the_problem(data) == (
        f"data/{table}.csv, line {line}, field '{field}': the text contains {name} (character 6), which is invisible or "
        "changes the order the text is shown in; expected visible text only: delete that character (retype the "
        "words around it if unsure)")


@pytest.mark.parametrize("table, row_id, field, value, found", [
    ("figures", "F-001", "source_id", "S-００1", "U+FF10 FULLWIDTH DIGIT ZERO (character 3), which looks like '0'"),
    ("figures", "F-001", "source_id", "\u0421-001", "U+0421 CYRILLIC CAPITAL LETTER ES (character 1), which looks like 'C'"),
    ("quotes", "Q-001", "date", "2023\u201011\u201009", "U+2010 HYPHEN (character 5), which looks like '-'"),
    ("forces", "P-01", "ons_code", "E2300003\u0665", "U+0665 ARABIC-INDIC DIGIT FIVE (character 9), which looks like '5'"),
])
def test_identities_are_strictly_ascii_and_the_message_names_the_look_alike(data, table, row_id, field, value, found):
    line = set_cell(data / f"{table}.csv", row_id, field, value)
    assert the_problem(data) == (
        f"data/{table}.csv, line {line}, field '{field}': '{value}' contains {found} but is not ASCII; expected ASCII "
        "letters, digits and punctuation only in IDs, codes and dates (retype it)")


def text_columns():
    """(table, field) for every text column that is not an identity (those must be ASCII anyway)."""
    descriptor = json.loads((Path(__file__).parent.parent / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            constraints = field.get("constraints", {})
            if field["type"] == "string" and "pattern" not in constraints and "enum" not in constraints \
                    and field["name"] != "id" and not field["name"].endswith("_id"):
                yield resource["name"], field["name"]


def test_no_text_column_lets_a_formula_into_the_csv_downloads(tmp_path):
    """The data files are offered as downloads as they are: a formula in any text column stops the build."""
    source = Path(__file__).parent.parent / "data"
    columns = list(text_columns())
    assert len(columns) >= 30, columns
    failures = []
    for table, field in columns:
        path = tmp_path / f"{table}.csv"
        rows = list(csv.reader(io.StringIO((source / f"{table}.csv").read_text(encoding="utf-8"), newline="")))
        rows[1][rows[0].index(field)] = "=1+1"
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
        from scripts.load import Csv, _cell_problems
        descriptor = json.loads((source / "datapackage.json").read_text(encoding="utf-8"))
        resource = next(r for r in descriptor["resources"] if r["name"] == table)
        found = _cell_problems(Csv.read(path), resource)
        if list(found) != [(2, field)] or "would run it as a formula" not in found[(2, field)]:
            failures.append((table, field, found))
    assert not failures, failures


def test_chart_csvs_never_begin_a_cell_like_a_formula():
    """Every text column of every chart's CSV, with each formula character put in front of every cell."""
    tables = load()
    charts = build_charts(tables, compute_statistics(tables))
    checked = 0
    for chart in charts.values():
        for column in chart.data.columns:
            if pd.api.types.is_numeric_dtype(chart.data[column]):
                continue
            for start in set(FORMULA_START) - {"\r"}:   # no cell in data/ can hold a line break (validated)
                poisoned = chart.data.copy()
                poisoned[column] = start + poisoned[column].astype(str)
                text = chart_csv(type(chart)(**{**chart.__dict__, "data": poisoned}))
                cells = [row[column] for row in csv.DictReader(io.StringIO(text, newline=""))]
                assert len(cells) == len(chart.data)
                assert not [cell for cell in cells if cell.startswith(FORMULA_START)], (chart.name, column, start)
                assert all(cell == "'" + start + str(value) for cell, value in zip(cells, chart.data[column]))
            checked += 1
    assert checked >= 20


# ------------------------------------------------------------ the common slips

def test_a_file_saved_as_utf_16(data):
    path = data / "helplines.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace(",", "\t").encode("utf-16"))
    assert the_problem(data) == ("data/helplines.csv: the file is saved as UTF-16 (Excel's 'Unicode Text'); expected "
                                 "the file saved as CSV UTF-8 (in a spreadsheet: Save As, CSV UTF-8, comma-delimited)")


def test_an_empty_file(data):
    header = (data / "votes.csv").read_text(encoding="utf-8").splitlines()[0]
    (data / "votes.csv").write_bytes(b"")
    assert the_problem(data) == (f"data/votes.csv: the file is empty; expected a first line naming the columns: "
                                 f"{header}, then one line per row")


def test_a_header_only_table(data):
    path = data / "helplines.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert the_problem(data) == ("data/helplines.csv: the file has its header line but no rows; "
                                 "expected at least one row of data under the header")


@pytest.mark.parametrize("separator, word", [("\t", "tabs"), (";", "semicolons")])
def test_a_file_separated_by_tabs_or_semicolons(data, separator, word):
    path = data / "referral_datasets.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    assert the_problem(data) == (f"data/referral_datasets.csv, line 1: the columns are separated by {word}, not commas; "
                                 "expected a comma-separated file (in a spreadsheet: Save As, CSV UTF-8, comma-delimited)")


def test_a_trailing_comma_on_every_line(data):
    path = data / "votes.csv"
    path.write_text("".join(line + ",\n" for line in path.read_text(encoding="utf-8").splitlines()), encoding="utf-8")
    assert the_problem(data) == ("data/votes.csv, line 1: every line ends with a comma, which makes an extra empty "
                                 "column; expected each line to end with its last cell (the header with 'note'), "
                                 "no comma after it")


def test_an_unclosed_double_quote(data):
    path = data / "timeline.csv"
    line = line_of(path, "T-003")
    edit(path, b"T-003,2018-05-14,exact,,research,BBC", b'T-003,2018-05-14,exact,,research,"BBC')
    message = the_problem(data)
    assert message.startswith(f"data/timeline.csv, line {line}, field 'event': a double quote opens this cell and is "
                              "not closed until line ")
    assert message.endswith(", so every line in between was read as part of this one cell; expected a closing \" at "
                            "the end of the cell (write \"\" for a quote mark inside it)")


def test_an_unclosed_double_quote_on_the_last_line(data):
    path = data / "votes.csv"
    path.write_text(path.read_text(encoding="utf-8") + 'V-007,2024,exact,,House of Lords,"A Bill,A question,unrecorded,'
                    ',,,S-046,\n', encoding="utf-8")
    line = line_of(path, "V-006") + 1
    assert the_problem(data) == (f"data/votes.csv, line {line}, field 'bill': a double quote opens this cell and is not "
                                 "closed until the end of the file, so every line in between was read as part of this "
                                 "one cell; expected a closing \" at the end of the cell (write \"\" for a quote mark "
                                 "inside it)")


# ------------------------------------------------------------ no traceback, and growth

def test_an_unexpected_failure_is_one_plain_line(data, monkeypatch):
    import scripts.load
    monkeypatch.setattr(scripts.load, "extra_checks", lambda *args: 1 / 0)
    assert the_problem(data) == (
        "data/ (while checking the tables): the build stopped on something in the data it did not expect; check your "
        "last change to this file (or undo it with git) and, if it looks right, report this message to the site's "
        "maintainers. Technical detail: ZeroDivisionError: division by zero")


def test_ids_have_no_fixed_number_of_digits(data):
    for table, old_id, new_id in (("forces", "P-44", "P-100"), ("sources", "S-099", "S-1000")):
        path = data / f"{table}.csv"
        last = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith(old_id + ","))
        copy = new_id + last[len(old_id):]
        if table == "forces":
            copy = copy.replace("British Transport Police", "Example Police Service")
        path.write_text(path.read_text(encoding="utf-8") + copy + "\n", encoding="utf-8")
    set_cell(data / "sources.csv", "S-060", "copy_of", "S-1000")
    tables = load(data)
    assert "P-100" in set(tables["forces"]["id"]) and "S-1000" in set(tables["sources"]["id"])


def test_every_id_pattern_accepts_more_digits():
    import re
    descriptor = json.loads((Path(__file__).parent.parent / "data" / "datapackage.json").read_text(encoding="utf-8"))
    patterns = {(resource["name"], field["name"]): field["constraints"]["pattern"]
                for resource in descriptor["resources"] for field in resource["schema"]["fields"]
                if "pattern" in field.get("constraints", {}) and re.match(r"\^\[?[A-Z]", field["constraints"]["pattern"])
                and "[EW]" not in field["constraints"]["pattern"]}   # ONS codes have a fixed length by definition
    assert ("sources", "copy_of") in patterns and len(patterns) > 10
    for (table, field), pattern in patterns.items():
        letter = re.match(r"\^\[?([A-Z])", pattern).group(1)
        assert re.match(pattern, f"{letter}-12345"), (table, field, pattern)


def test_an_unexpected_failure_on_a_page_is_one_plain_line():
    from mkdocs.exceptions import PluginError
    from scripts.hooks import _stop_plainly
    with pytest.raises(PluginError) as error:
        _stop_plainly(TypeError("'<' not supported"), "docs/index.md (its publication line, from data/releases/ "
                                                        "and mkdocs.yml)")
    assert str(error.value).startswith("docs/index.md (its publication line, from data/releases/ and mkdocs.yml): the "
                                       "build stopped on something in the data it did not expect")
    assert str(error.value).endswith("Technical detail: TypeError: '<' not supported")


# ------------------------------------------------------------ through the whole build: nothing ships

@pytest.fixture(scope="module")
def built_project(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("bad-input") / "project")
    result = subprocess.run([sys.executable, "-m", "scripts.build_site"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return project


def restore(project: Path) -> None:
    shutil.rmtree(project / "data")   # also drops files a breakage added
    shutil.copytree(Path(__file__).parent.parent / "data", project / "data")


@pytest.mark.parametrize("name, breakage, message", [
    ("datapackage.json without a version",
     lambda d: (d / "datapackage.json").write_text(
         (d / "datapackage.json").read_text(encoding="utf-8").replace('"version": "1.0.0",', "", 1), encoding="utf-8"),
     "data/datapackage.json, field 'version': the data version is missing"),
    ("an infinite count",
     lambda d: set_cell(d / "figures.csv", "F-014", "value", "Infinity"),
     "field 'value': 'Infinity' is not a finite number; expected a number written in digits"),
    ("a headline count of zero",
     lambda d: set_cell(d / "figures.csv", "F-001", "value", "0"),
     "field 'value': the headline count F-001 is 0, but the site divides by it"),
    ("a half-written release snapshot",
     lambda d: (d / "releases" / "1.0.0.json").write_bytes(SNAPSHOT.read_bytes()[:200]),
     "data/releases/1.0.0.json, line "),
    ("a release snapshot whose publication date is a number",
     lambda d: change_snapshot(d, lambda s: s.update(published=2026)),
     "data/releases/1.0.0.json, field 'published': 2026 is not a date written YYYY-MM-DD"),
    ("datapackage.json without licences",
     lambda d: (d / "datapackage.json").write_text(json.dumps(
         {k: v for k, v in json.loads((d / "datapackage.json").read_text(encoding="utf-8")).items() if k != "licenses"}),
         encoding="utf-8"),
     "data/datapackage.json, field 'licenses': null is missing or incomplete"),
    ("broken release notes",
     lambda d: (d / "releases" / "notes.yml").write_text('"1.0.0":\n  summary: [unclosed\n', encoding="utf-8"),
     "data/releases/notes.yml, line 3, column 1: this is not valid YAML"),
    ("a formula in a quote",
     lambda d: set_cell(d / "quotes.csv", "Q-001", "quote", '=HYPERLINK("http://x","click")'),
     "field 'quote': '=HYPERLINK(\"…' (30 characters) begins with =, so a spreadsheet"),
])
def test_the_build_stops_with_the_message_alone_and_site_is_untouched(built_project, name, breakage, message):
    before = tree_hashes(built_project / "site")
    breakage(built_project / "data")
    try:
        result = subprocess.run([sys.executable, "-m", "scripts.build_site"], cwd=built_project,
                                capture_output=True, text=True)
    finally:
        restore(built_project)
    output = result.stdout + result.stderr
    assert result.returncode != 0, name
    assert message in output, output[-2000:]
    assert "Traceback" not in output and "[IPKernelApp]" not in output, output[-3000:]
    assert "site/ was left as it was" in output
    assert tree_hashes(built_project / "site") == before
    assert not list(built_project.glob(".site-build-*")) and not list(built_project.glob(".site-old-*"))
