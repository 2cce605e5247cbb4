"""The link checker the build runs: it finds a missing page and a missing #anchor, and accepts ids that
only exist in the built HTML."""
from scripts.linkcheck import check_folder


def write(folder, path, html):
    target = folder / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"<!doctype html><html><body>{html}</body></html>", encoding="utf-8")


def test_finds_missing_pages_and_anchors_and_accepts_generated_ids(tmp_path):
    write(tmp_path, "index.html", '<a href="methods/#stat-x">ok</a> <a href="methods/#nope">bad</a> '
                                  '<a href="gone/">gone</a> <a href="https://elsewhere.example/">out</a> '
                                  '<a href="../../latest/">sibling version</a> <a href="#top">self</a>'
                                  '<a href="methods/#:~:text=quoted">passage</a>')
    write(tmp_path, "methods/index.html", '<h2 id="top">x</h2><span id="stat-x">1</span><a href="../#top">up</a>')
    problems = check_folder(tmp_path)
    assert len(problems) == 4, problems
    assert any("'gone/'" in p and "404" in p for p in problems)
    assert any("no element with id 'nope'" in p for p in problems)
    assert sum("no element with id 'top'" in p for p in problems) == 2   # from the page itself and from methods
