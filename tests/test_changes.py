"""The "What changed" page: differences between two release snapshots, shown with their sources."""
import copy

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
    assert "No figure changed" in page.select_one("#release-1\\.0\\.0").get_text()
