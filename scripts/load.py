"""Step 1 of the pipeline: load the Data Package in data/ and check it.

Frictionless checks what the schema can say (types, patterns, enums, required
fields, unique and foreign keys). `extra_checks` adds what a schema cannot say.
Every problem is collected, so a maintainer sees all of them in one run.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from frictionless import Package, system

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"


class DataError(Exception):
    """The data in data/ cannot be published. `problems` lists every reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("Bad data, nothing was built:\n  - " + "\n  - ".join(problems))


def _schema_problems(package: Package, data_dir: Path) -> list[str]:
    problems = []
    for resource in package.resources:
        if not (data_dir / resource.path).is_file():
            problems.append(f"data/{resource.path}: file is missing (datapackage.json lists table '{resource.name}')")
    if problems:
        return problems
    with system.use_context(trusted=True):
        report = package.validate()
    for task in report.tasks:
        for error in task.errors:
            where = f"data/{Path(task.place).name}"
            if getattr(error, "row_number", None):
                where += f", line {error.row_number}"
            if getattr(error, "field_name", None):
                where += f", field '{error.field_name}'"
            problems.append(f"{where}: {error.message}")
    return problems


def read_tables(data_dir: Path = DATA_DIR) -> dict[str, pd.DataFrame]:
    """Read every table as text (empty cells become ""), with numeric fields as numbers."""
    package = Package(str(data_dir / "datapackage.json"))
    tables = {}
    for resource in package.resources:
        frame = pd.read_csv(data_dir / resource.path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for field in resource.schema.fields:
            if field.type in ("number", "integer"):
                frame[field.name] = pd.to_numeric(frame[field.name].replace("", None))
        tables[resource.name] = frame
    return tables


def _line(frame: pd.DataFrame, index) -> int:
    return int(frame.index.get_loc(index)) + 2  # +1 for the header, +1 for counting from one


def extra_checks(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Rules across rows and tables that the schema cannot express."""
    problems = []
    for name, frame in tables.items():
        for start_col, end_col in (("period_start", "period_end"),):
            if start_col not in frame:
                continue
            for index, row in frame.iterrows():
                start, end = row[start_col], row[end_col]
                if start and end and end[: len(start)] < start[: len(end)]:
                    problems.append(
                        f"data/{name}.csv, line {_line(frame, index)}, field '{end_col}': the period ends ({end}) "
                        f"before it starts ({start}); expected an end on or after the start"
                    )
    figures = tables["figures"].set_index("id")
    datasets = tables["referral_datasets"]
    for index, row in datasets.iterrows():
        figure = figures.loc[row["figure_id"]] if row["figure_id"] in figures.index else None
        if figure is not None and pd.isna(figure["value"]):
            problems.append(
                f"data/referral_datasets.csv, line {_line(datasets, index)}, field 'figure_id': figure "
                f"{row['figure_id']} has no value; a referral dataset needs a count"
            )
    votes = tables["votes"]
    for index, row in votes.iterrows():
        for column in ("votes_for_figure_id", "votes_against_figure_id", "majority_figure_id"):
            figure_id = row[column]
            if figure_id and figure_id in figures.index and pd.isna(figures.loc[figure_id, "value"]):
                problems.append(
                    f"data/votes.csv, line {_line(votes, index)}, field '{column}': figure {figure_id} has no value"
                )
    return problems


def load(data_dir: Path = DATA_DIR) -> dict[str, pd.DataFrame]:
    """Validate data_dir against its datapackage.json and return its tables, or raise DataError."""
    package = Package(str(data_dir / "datapackage.json"))
    problems = _schema_problems(package, data_dir)
    if problems:
        raise DataError(problems)
    tables = read_tables(data_dir)
    problems = extra_checks(tables)
    if problems:
        raise DataError(problems)
    return tables


def data_version(data_dir: Path = DATA_DIR) -> str:
    return Package(str(data_dir / "datapackage.json")).version
