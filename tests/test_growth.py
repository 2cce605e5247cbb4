"""The growth benchmark's synthetic data (scripts/growth.py) stays valid as the schema changes, so
`make bench` measures builds rather than failing on its own data."""
from __future__ import annotations

import json

import pytest

from scripts.growth import add_force_months, grow, read_rows, write_rows
from scripts.load import load
from scripts.project import copy_project
from scripts.stats import compute_statistics


@pytest.mark.parametrize("factor, force_months", [(3, False), (1, True)])
def test_synthetic_data_validates_and_computes(tmp_path, factor, force_months):
    project = copy_project(tmp_path / "project")
    grow(project / "data", factor)
    if force_months:
        add_force_months(project / "data")
    stats = compute_statistics(load(project / "data"))
    assert stats["referrals_total"].display == "537"
    if force_months:
        assert sum(name.startswith("count_force_") for name in stats) == 44 * 36


def test_many_windows_are_drawn_as_a_few_and_the_rest_together(tmp_path):
    """Per force per month (1,584 windows): the counts chart stays a readable size, draws the longest
    windows of each group one by one and the others as one row, and its CSV keeps every window."""
    from scripts.charts import build_charts

    project = copy_project(tmp_path / "project")
    add_force_months(project / "data")
    tables = load(project / "data")
    chart = build_charts(tables, compute_statistics(tables))["counts"]
    assert len(chart.data) == len(tables["referral_datasets"]) > 1584
    drawn = json.dumps(chart.drawings["wide"].spec.to_dict())
    assert '"537"' in drawn   # the Commissioner's window is among the longest
    assert "Avon and Somerset Constabulary, 20" not in drawn   # a month is never drawn for being first in a tie
    assert '"1,584 other counts"' in drawn
    assert chart.drawings["narrow"].height < 2000
    assert ("Concerning domestic abuse victims, England and Wales: Domestic Abuse Commissioner: 537 referrals concerning "
            "domestic abuse victims, April 2020 to March 2023; 1,584 other counts, each of a shorter window than those "
            "above, listed in the chart's data, all within April 2020 to March 2023.") in chart.description


def test_every_id_column_is_renumbered_in_each_copy(tmp_path):
    """copy_of holds a source ID too: in copy 1, S-060 (a copy of S-007) becomes S-1060, a copy of S-1007."""
    import csv

    project = copy_project(tmp_path / "project")
    grow(project / "data", 2)
    with open(project / "data" / "sources.csv", encoding="utf-8", newline="") as file:
        copies = {row["id"]: row["copy_of"] for row in csv.DictReader(file) if row["copy_of"]}
    assert copies == {"S-060": "S-007", "S-1060": "S-1007"}
    load(project / "data")


def test_windows_that_all_tie_are_drawn_together_without_claiming_to_be_shorter(tmp_path):
    """Eleven copies of the same windows (more than MAX_WINDOWS of one length): none is drawn for being
    first in the file, and the row that stands for them does not say "shorter than those above"."""
    from scripts.charts import MAX_WINDOWS, build_charts

    project = copy_project(tmp_path / "project")
    grow(project / "data", MAX_WINDOWS + 1)
    tables = load(project / "data")
    chart = build_charts(tables, compute_statistics(tables))["counts"]
    drawn = json.dumps(chart.drawings["wide"].spec.to_dict())
    assert f'"{MAX_WINDOWS + 1} counts"' in drawn and "too many to draw one by one" in drawn
    assert "Domestic Abuse Commissioner" not in drawn
    assert (f"Concerning domestic abuse victims, England and Wales: {MAX_WINDOWS + 1} counts, too many to draw one by "
            "one, listed in the chart's data, all within April 2020 to March 2023.") in chart.description


def test_a_tie_at_the_top_leaves_a_group_undrawn_and_the_others_drawn(tmp_path):
    """One group's longest windows tie (the Commissioner's, eleven times) and the others' don't: the tied
    group's row says how many without claiming they are shorter than anything, the other groups are
    drawn one by one as before, and the description names only what is drawn one by one."""
    from scripts.charts import MAX_WINDOWS, build_charts

    project = copy_project(tmp_path / "project")
    figure_columns, figures = read_rows(project / "data" / "figures.csv")
    dataset_columns, datasets = read_rows(project / "data" / "referral_datasets.csv")
    headline = next(row for row in figures if row["id"] == "F-001")   # England and Wales: a group of its own
    dac = next(row for row in datasets if row["figure_id"] == "F-001")
    for n in range(1, MAX_WINDOWS + 1):   # the same window again, as if the Commissioner had published it ten times
        figures.append({**headline, "id": f"F-{5000 + n}"})
        datasets.append({**dac, "id": f"{dac['id']}_again{n}", "figure_id": f"F-{5000 + n}"})
    write_rows(project / "data" / "figures.csv", figure_columns, figures)
    write_rows(project / "data" / "referral_datasets.csv", dataset_columns, datasets)
    tables = load(project / "data")
    chart = build_charts(tables, compute_statistics(tables))["counts"]
    drawn = json.dumps(chart.drawings["wide"].spec.to_dict())
    assert f'"{MAX_WINDOWS + 1} counts"' in drawn and "too many to draw one by one" in drawn
    assert '"1 other counts"' not in drawn and "shorter window than those above" not in drawn   # no group has a rest below
    assert "Domestic Abuse Commissioner" not in chart.description   # described, as drawn, by the group's row
    assert (f"England and Wales: {MAX_WINDOWS + 1} counts, too many to draw one by one, listed in the chart's data, "
            "all within April 2020 to March 2023.") in chart.description
    assert "The Ferret: 451 domestic abuse victims referred, May 2020 to September 2022" in chart.description   # as before
