"""Builds are reproducible, and the caches that make rebuilds fast never serve stale output."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from tests.conftest import copy_project, mkdocs_build


def tree_hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_clean_builds_are_byte_identical(tmp_path):
    project = copy_project(tmp_path / "project")
    first = mkdocs_build(project, tmp_path / "one")
    assert first.returncode == 0, first.stderr
    shutil.rmtree(project / ".cache")
    second = mkdocs_build(project, tmp_path / "two")
    assert second.returncode == 0, second.stderr
    one, two = tree_hashes(tmp_path / "one"), tree_hashes(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []


def test_a_data_change_reaches_the_notebook_through_a_warm_cache(tmp_path):
    project = copy_project(tmp_path / "project")
    assert mkdocs_build(project, tmp_path / "before").returncode == 0
    assert (project / ".cache" / "mkdocs-jupyter").exists()
    figures = project / "data" / "figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace("Home Office).,537,", "Home Office).,640,", 1), encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "after")
    assert result.returncode == 0, result.stderr
    notebook = BeautifulSoup((tmp_path / "after" / "analysis" / "index.html").read_text(encoding="utf-8"), "html.parser").get_text()
    assert "640" in notebook
    assert "640" in (tmp_path / "after" / "charts" / "outcomes-narrow.svg").read_text(encoding="utf-8")
