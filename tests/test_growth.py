"""The growth benchmark's synthetic data (scripts/growth.py) stays valid as the schema changes, so
`make bench` measures builds rather than failing on its own data."""
from __future__ import annotations

import pytest

from scripts.growth import add_force_months, grow
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
