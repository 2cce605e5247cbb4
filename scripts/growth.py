"""Synthetic data for the growth benchmark (`make bench`) and tests: never written to data/.

- `grow(data_dir, factor)`: every table `factor` times as long, as copies of today's rows with IDs
  renumbered (S-001 in copy 2 is S-2001) and every reference pointing into the same copy.
- `add_force_months(data_dir, forces, months)`: the realistic next dataset, referrals per police force
  per month (44 forces x 36 months = 1,584 rows), as one figure and one referral dataset per force-month.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

ID = re.compile(r"^([A-Z])-(\d+)(.*)$")
STEP = 1000   # IDs of copy k are today's plus k x STEP, so copies never collide
ID_COLUMNS = ("id", "copy_of")   # and every *_id column: the columns that hold IDs


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    """A CSV file's header and its rows as dicts (text)."""
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    return list(reader.fieldnames), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _renumber(value: str, copy: int) -> str:
    match = ID.match(value)
    if not match or not copy:
        return value
    prefix, number, rest = match.groups()
    return f"{prefix}-{int(number) + copy * STEP:03d}{rest}"


def rows_in(data_dir: Path) -> int:
    return sum(len(read_rows(path)[1]) for path in data_dir.glob("*.csv"))


def grow(data_dir: Path, factor: int) -> None:
    for path in sorted(data_dir.glob("*.csv")):
        header, rows = read_rows(path)
        grown = []
        for copy in range(factor):
            for row in rows:
                new = {column: (_renumber(value, copy) if column in ID_COLUMNS or column.endswith("_id") else value)
                       for column, value in row.items()}
                if path.stem == "referral_datasets" and copy:
                    new["id"] = f"{row['id']}_copy{copy}"
                if path.stem == "forces" and copy:
                    new["name"] = f"{row['name']} (copy {copy})"
                grown.append(new)
        write_rows(path, header, grown)
    _every_force_shared(data_dir)


def _every_force_shared(data_dir: Path) -> None:
    """The pages say every listed force shared data (F-002); keep that true with more forces listed."""
    forces = len(read_rows(data_dir / "forces.csv")[1])
    header, figures = read_rows(data_dir / "figures.csv")
    for figure in figures:
        if figure["id"] == "F-002":
            figure["value"] = str(forces)
    write_rows(data_dir / "figures.csv", header, figures)


def add_force_months(data_dir: Path, months: int = 36, first_year: int = 2020) -> int:
    """One synthetic count per force per month from April of first_year; returns the rows added to each table."""
    _, forces = read_rows(data_dir / "forces.csv")
    figure_header, figures = read_rows(data_dir / "figures.csv")
    dataset_header, datasets = read_rows(data_dir / "referral_datasets.csv")
    number = 100000
    for force_index, force in enumerate(forces):
        for month_index in range(months):
            year, month = first_year + (3 + month_index) // 12, (3 + month_index) % 12 + 1
            period, number = f"{year}-{month:02d}", number + 1
            figures.append({**{column: "" for column in figure_header},
                            "id": f"F-{number}", "statement": f"Synthetic: referrals by {force['name']} in {period}.",
                            "value": str((force_index * 7 + month_index * 3) % 23 + 1), "unit": "referrals",
                            "period_start": period, "period_end": period, "geography": "England and Wales",
                            "source_id": "S-001", "evidence": "Synthetic benchmark data."})
            datasets.append({**{column: "" for column in dataset_header},
                             "id": f"force_{force['id'].lower().replace('-', '')}_{year}_{month:02d}",
                             "figure_id": f"F-{number}", "label": f"{force['name']}, {period}",
                             "counts": "domestic abuse victims", "counted_as": "referrals concerning domestic abuse victims",
                             "area": "England and Wales"})
    write_rows(data_dir / "figures.csv", figure_header, figures)
    write_rows(data_dir / "referral_datasets.csv", dataset_header, datasets)
    return len(forces) * months
