"""The real data passes its schema and the checks a schema cannot express; bad data is stopped."""
import shutil

import pytest

from scripts.load import DATA_DIR, DataError, load


def test_real_data_is_valid():
    tables = load()
    assert len(tables["forces"]) == 44
    assert tables["figures"]["id"].is_unique


def test_every_row_points_to_a_known_source():
    tables = load()
    known = set(tables["sources"]["id"])
    for name, table in tables.items():
        for column in [c for c in table.columns if c.endswith("source_id")]:
            used = set(table[column]) - {""}
            assert used <= known, f"{name}.{column}: {sorted(used - known)}"


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_text_in_a_numeric_field_names_file_line_and_field(data_copy):
    text = (data_copy / "figures.csv").read_text(encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if row.startswith("F-001,"))
    edit(data_copy / "figures.csv", "Home Office).,537,", "Home Office).,five hundred,")
    with pytest.raises(DataError) as error:
        load(data_copy)
    message = "\n".join(error.value.problems)
    assert f"data/figures.csv, line {line}, field 'value'" in message


def test_period_ending_before_it_starts_is_rejected(data_copy):
    edit(data_copy / "figures.csv", "2020-04,2023-03", "2023-04,2020-03")
    with pytest.raises(DataError, match="ends .* before it starts"):
        load(data_copy)
