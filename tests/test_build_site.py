"""`make site` (scripts/build_site.py): one build at a time, never a moment without site/, no staging
left behind, and a site/ that is a link is built where it points (or refused, with a message)."""
from __future__ import annotations

import fcntl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import copy_project
from tests.test_bad_data import tree_hashes


def build_site(project: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts.build_site"], cwd=project, capture_output=True, text=True,
                          **kwargs)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("build-site") / "project")
    result = build_site(project)
    assert result.returncode == 0, result.stderr
    return project


def test_a_linked_site_is_built_where_it_points_and_old_staging_is_cleaned(project, tmp_path):
    web_root = tmp_path / "www" / "safe-to-report"
    (project / "site").rename(web_root.parent.mkdir() or web_root)
    (project / "site").symlink_to(web_root)
    stale = [project / ".site-build-interrupted", web_root.parent / ".site-old-interrupted"]
    for folder in stale:
        folder.mkdir()
        (folder / "index.html").write_text("half a site")
    (project / "docs" / "about.md").write_text((project / "docs" / "about.md").read_text(encoding="utf-8")
                                               + "\nA new sentence for this build.\n", encoding="utf-8")
    result = build_site(project)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"site is a link to {web_root}: building into that folder" in result.stderr
    assert (project / "site").is_symlink() and (project / "site").resolve() == web_root
    assert "A new sentence for this build." in (web_root / "about" / "index.html").read_text(encoding="utf-8")
    assert not any(folder.exists() for folder in stale), "stale staging folders were left"
    assert not list(web_root.parent.glob(".site-*")) and not list(project.glob(".site-build-*"))
    (project / "site").unlink()
    web_root.rename(project / "site")


def test_a_link_that_points_nowhere_is_refused(project, tmp_path):
    before = tree_hashes(project / "site")
    (project / "site").rename(project / "site-kept")
    (project / "site").symlink_to(tmp_path / "gone")
    try:
        result = build_site(project)
    finally:
        (project / "site").unlink()
        (project / "site-kept").rename(project / "site")
    assert result.returncode == 2
    assert (f"Not built: site is a link to {tmp_path / 'gone'}, which is not a folder; expected the link to point to "
            "an existing folder (or remove the link: rm site)") in result.stderr
    assert tree_hashes(project / "site") == before


def test_a_site_that_is_a_file_is_refused_before_building(project):
    (project / "site").rename(project / "site-kept")
    (project / "site").write_text("x\n")
    try:
        started = time.monotonic()
        result = build_site(project)
        took = time.monotonic() - started
        assert (project / "site").read_text() == "x\n"
    finally:
        (project / "site").unlink()
        (project / "site-kept").rename(project / "site")
    assert result.returncode == 2
    assert ("Not built: site is a file, not a folder; expected site to be the site's folder (move the file away, or "
            "remove it: rm site)") in result.stderr
    assert "Traceback" not in result.stderr and took < 30   # refused before mkdocs runs
    assert not list(project.glob(".site-build-*"))


def test_one_build_at_a_time_and_site_is_always_there(project):
    """While another build holds the lock, a second one waits; while it swaps, site/ never disappears."""
    with open(project / ".site.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        waiting = subprocess.Popen([sys.executable, "-m", "scripts.build_site"], cwd=project,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        assert waiting.poll() is None, "the second build did not wait for the lock"
        assert not list(project.glob(".site-build-*")), "the second build started before the first finished"
    seen_missing = 0
    while waiting.poll() is None:
        seen_missing += not (project / "site" / "index.html").exists()
        time.sleep(0.001)
    out, err = waiting.communicate()
    assert waiting.returncode == 0, err[-2000:]
    assert "Another build is running; waiting for it to finish" in err
    assert seen_missing == 0, "site/index.html was missing during the swap"
