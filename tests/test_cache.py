"""Caches that cannot lie: a damaged, edited, half-written or unwritable cache is a warning and a
recompute, never a failed build and never served."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from scripts import cache
from tests.conftest import copy_project, mkdocs_build
from tests.test_bad_data import tree_hashes


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the project built once (its caches warm), and that first build's site for reference."""
    folder = tmp_path_factory.mktemp("cache")
    project = copy_project(folder / "project")
    result = mkdocs_build(project, folder / "reference")
    assert result.returncode == 0, result.stderr
    return {"dir": project, "reference": tree_hashes(folder / "reference"), "tmp": folder}


def rebuild(project, name: str) -> str:
    """Build again into a new folder: it must succeed and match the reference exactly. Returns its log."""
    site = project["tmp"] / name
    result = mkdocs_build(project["dir"], site)
    assert result.returncode == 0, result.stderr[-3000:]
    built = tree_hashes(site)
    assert [page for page in project["reference"] if built.get(page) != project["reference"][page]] == []
    return result.stderr


def entries(project, folder: str, pattern: str) -> list[Path]:
    found = sorted((project["dir"] / ".cache" / folder).glob(pattern))
    assert found, f"nothing cached in .cache/{folder}"
    return found


def without_pipeline_memo(project) -> None:
    """So the next build draws its charts again (through the chart cache)."""
    for memo in entries(project, "pipeline", "*.pickle"):
        memo.unlink()


def test_truncated_and_edited_chart_svgs_are_drawn_again(project):
    without_pipeline_memo(project)
    edited = 0
    for svg in entries(project, "charts", "*.svg"):
        content = svg.read_bytes()
        if b"0 of 537" in content:   # the enforcement chart: an edited value
            svg.write_bytes(content.replace(b"0 of 537", b"0 of 538"))
            edited += 1
        else:                        # the others: cut off half-way
            svg.write_bytes(content[: len(content) // 2])
    assert edited >= 1   # the outcomes chart, in its narrow and wide drawings
    log = rebuild(project, "damaged-svgs")
    assert log.count("is damaged (its content does not match the hash stored with it)") >= 6, log


def test_a_flipped_byte_in_the_pipeline_memo(project):
    memo = entries(project, "pipeline", "*.pickle")[0]
    content = bytearray(memo.read_bytes())
    content[len(content) // 2] ^= 0x01
    memo.write_bytes(bytes(content))
    log = rebuild(project, "flipped-byte")
    assert f".cache/pipeline/{memo.name} is damaged" in log


def test_an_edited_value_in_the_pipeline_memo(project):
    memo = entries(project, "pipeline", "*.pickle")[0]
    content = memo.read_bytes()
    assert b">537<" in content
    memo.write_bytes(content.replace(b">537<", b">538<"))
    assert "is damaged" in rebuild(project, "edited-memo")


def test_damaged_compiled_templates_are_compiled_again(project):
    compiled = entries(project, "jinja", "*/*")
    for entry in compiled:
        content = bytearray(entry.read_bytes())
        content[-1] ^= 0x01
        entry.write_bytes(bytes(content))
    log = rebuild(project, "damaged-templates")
    # Every theme template is loaded on every build: each is found damaged and compiled again (and the
    # site is identical, which rebuild() checks); fragments load only when the memo does not answer.
    theme = [entry for entry in compiled if entry.parent.name.startswith("theme-")]
    assert theme and all(f"{entry.name} is damaged" in log for entry in theme), log


def test_an_edited_fragment_template_is_not_answered_from_the_memo(project):
    """The memo of page fragments is keyed on their templates too: an edit shows on the next build."""
    template = project["dir"] / "overrides" / "fragments" / "publication.html"
    original = template.read_text(encoding="utf-8")
    try:
        template.write_text(original.replace("Published", "First published", 1), encoding="utf-8")
        result = mkdocs_build(project["dir"], project["tmp"] / "edited-template")
        assert result.returncode == 0, result.stderr[-3000:]
        assert "First published" in (project["tmp"] / "edited-template" / "index.html").read_text(encoding="utf-8")
    finally:
        template.write_text(original, encoding="utf-8")


def test_a_half_written_notebook_cache(project):
    entry = entries(project, "mkdocs-jupyter", "*/*.json")[0]
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    log = rebuild(project, "half-written-notebook")
    assert f"{entry.name} is damaged (its content does not match the hash beside it)" in log, log


def test_a_cache_folder_that_cannot_be_written(project):
    saved = project["tmp"] / "saved-cache"
    shutil.move(project["dir"] / ".cache", saved)
    try:
        (project["dir"] / ".cache").write_text("not a folder")   # unwritable even for root, unlike chmod
        log = rebuild(project, "unwritable")
        assert "Cache: cannot write" in log, log
        assert log.count("[IPKernelApp]") <= 1, "the notebook ran twice"
    finally:
        (project["dir"] / ".cache").unlink()
        shutil.move(saved, project["dir"] / ".cache")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write in a read-only folder")
def test_a_read_only_cache_folder(project):
    folders = [project["dir"] / ".cache", *[p for p in (project["dir"] / ".cache").rglob("*") if p.is_dir()]]
    without_pipeline_memo(project)
    for folder in folders:
        folder.chmod(0o555)
    try:
        assert "Cache: cannot write" in rebuild(project, "read-only")
    finally:
        for folder in folders:
            folder.chmod(0o755)


# ------------------------------------------------------------ the cache on its own

def test_sealed_entries_round_trip_and_refuse_any_change(tmp_path, caplog):
    path = tmp_path / "entry.svg"
    assert cache.write_sealed(path, b"<svg>537</svg>")
    assert cache.read_sealed(path) == b"<svg>537</svg>"
    path.write_bytes(path.read_bytes().replace(b"537", b"538"))
    with caplog.at_level("WARNING", logger="safe_to_report.cache"):
        assert cache.read_sealed(path) is None and not path.exists()
    assert "is damaged" in caplog.text
    assert cache.read_sealed(tmp_path / "missing.svg") is None
    assert not list(tmp_path.glob("*.partial")), "a temporary file was left behind"


def test_old_states_are_evicted(tmp_path):
    for number in range(6):
        cache.write_sealed(tmp_path / f"{number}.pickle", b"x")
        os.utime(tmp_path / f"{number}.pickle", (time.time() - 100 + number, time.time() - 100 + number))
    cache.read_sealed(tmp_path / "0.pickle")   # used just now: kept
    cache.evict(tmp_path, "*.pickle", keep=3)
    assert sorted(p.name for p in tmp_path.glob("*.pickle")) == ["0.pickle", "4.pickle", "5.pickle"]


def test_notebook_entries_are_used_only_with_their_hash(tmp_path):
    whole, cut, unsealed = (tmp_path / f"{name}.json" for name in ("whole", "cut", "unsealed"))
    for entry in (whole, cut, unsealed):
        entry.write_text('{"content": "<p>537</p>", "toc_tokens": [], "title": null}')
    cache.seal_notebook_entries(tmp_path)
    cut.write_text('{"content": "<p>5')   # half-written after it was sealed
    cache.sidecar(unsealed).unlink()       # written, but the build was interrupted before its hash
    cache.verify_notebook_entries(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["whole.json", "whole.json.sha256"]
    (tmp_path / "half.json").write_text('{"content": "<p')
    cache.seal_notebook_entries(tmp_path)   # a half-written entry is never sealed
    assert not (tmp_path / "half.json").exists()
