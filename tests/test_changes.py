"""The "What changed" page: differences between two release snapshots, shown with their sources."""
import copy
import subprocess

from bs4 import BeautifulSoup

from scripts.changes import diff, history, snapshot
from scripts.load import load
from scripts.render import PageLinks, changes_block
from scripts.stats import compute_statistics


def two_snapshots():
    tables = load()
    old = snapshot(compute_statistics(tables), tables["figures"], "1.0.0", "1.0.0", "2026-11-25")
    new = copy.deepcopy(old)
    new.update(version="1.1.0", data_version="1.1.0", published="2027-01-10")
    new["statistics"]["referrals_total"]["display"] = "601"
    del new["statistics"]["quotes_count"]
    new["statistics"]["new_figure"] = {"display": "12", "label": "A new figure", "sources": ["S-001"]}
    return tables, old, new


def test_diff_lists_changed_added_and_removed():
    _, old, new = two_snapshots()
    result = diff(old, new)
    assert [(c["name"], c["old"], c["new"], c["sources"]) for c in result["changed"]] == [("referrals_total", "537", "601", ["S-001"])]
    assert [a["name"] for a in result["added"]] == ["new_figure"]
    assert [r["name"] for r in result["removed"]] == ["quotes_count"]


def test_history_is_newest_first_and_flags_unreleased_changes():
    _, old, new = two_snapshots()
    current = copy.deepcopy(new)
    current["statistics"]["referrals_total"]["display"] = "610"
    entries = history([old, new], current)
    assert [release["version"] for release, _, _ in entries] == ["unreleased", "1.1.0", "1.0.0"]
    assert entries[0][2]["changed"][0]["old"] == "601" and entries[0][2]["changed"][0]["new"] == "610"


def test_page_block_shows_old_to_new_with_source_links():
    tables, old, new = two_snapshots()
    html = changes_block(tables, compute_statistics(tables), PageLinks(root="../"), snapshots=[old, new], current=new)
    page = BeautifulSoup(html, "html.parser")
    release = page.select_one("#release-1\\.1\\.0")
    row = release.find("code", string="referrals_total").find_parent("tr")
    cells = [td.get_text() for td in row.find_all("td")]
    assert cells[1:3] == ["537", "601"]
    assert row.find("a", href="../sources/#S-001")
    assert "new_figure" in release.get_text() and "quotes_count" in release.get_text()
    assert "First release: 52 statistics." in page.select_one("#release-1\\.0\\.0").get_text() or \
        f"First release: {len(old['statistics'])} statistics." in page.select_one("#release-1\\.0\\.0").get_text()


def test_every_change_must_be_explained_and_the_index_carries_the_reason():
    import pytest

    from scripts.changes import ReleaseNotesError, changes_index, explain_changes
    _, old, new = two_snapshots()
    with pytest.raises(ReleaseNotesError, match="referrals_total changed .537 → 601."):
        explain_changes(old, new, {})
    with pytest.raises(ReleaseNotesError, match="'quotes_count', whose value did not change"):
        explain_changes(old, new, {"kind": "revision", "reason": "r", "statistics": {"quotes_count": {}}})
    notes = {"kind": "revision", "reason": "new Home Office figures",
             "statistics": {"referrals_total": {"kind": "correction", "reason": "a typing error"}}}
    new["changes"] = explain_changes(old, new, notes)
    assert new["changes"] == {"referrals_total": {"old": "537", "new": "601", "kind": "correction", "reason": "a typing error"}}
    [entry] = changes_index([old, new])["changes"]
    assert entry["statistic"] == "referrals_total" and entry["release"] == "1.1.0" and entry["reason"] == "a typing error"


def test_a_snapshot_is_written_whole_and_never_over_another(tmp_path):
    import pytest

    from scripts.changes import write_snapshot
    _, old, _ = two_snapshots()
    path = write_snapshot(old, tmp_path)
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        write_snapshot({**old, "published": "2030-01-01"}, tmp_path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["1.0.0.json"]


def test_before_the_first_release_the_page_names_no_release():
    """No snapshot yet (the repository before its first `make release`): no phantom version, no changes."""
    from scripts.changes import changes_index
    from scripts.render import corrections_log_block
    tables = load()
    stats = compute_statistics(tables)
    current = snapshot(stats, tables["figures"], "unreleased", "1.0.0", "")
    page = BeautifulSoup(changes_block(tables, stats, PageLinks(root="../"), snapshots=[], current=current), "html.parser")
    assert "No version has been released yet" in page.get_text() and not page.select(".release")
    assert changes_index([]) == {"latest": None, "changes": []}
    assert "No release has corrected a figure" in corrections_log_block(tables, stats, PageLinks(root="../"), snapshots=[])


def test_the_repository_holds_only_snapshots_of_deployed_releases():
    """Snapshots are written by `make release` alone; none is committed by hand before the first one."""
    from scripts.changes import RELEASES_DIR
    committed = subprocess.run(["git", "ls-files", "--", str(RELEASES_DIR)], capture_output=True, text=True,
                               cwd=RELEASES_DIR, check=True).stdout.split()
    snapshots = [p for p in committed if p.endswith(".json")]
    assert all("Release " in subprocess.run(["git", "log", "--format=%s", "--", p], capture_output=True, text=True,
                                            cwd=RELEASES_DIR, check=True).stdout for p in snapshots), snapshots
