"""Text from data/ is shown literally: markup, Markdown and template syntax in any text field run nothing."""
import csv
import io

from bs4 import BeautifulSoup

from tests.conftest import copy_project, mkdocs_build

HOSTILE = [
    "<script>alert(1)</script>",
    "[click me](https://evil.example/)",
    "![tracker](https://evil.example/pixel.png)",
    "{{ referrals_total }}",
    "{% include 'x' %}",
]
PAYLOAD = " ".join(HOSTILE)
# (table, id, field) to poison: one text field in each kind of generated content.
TARGETS = [("quotes", "Q-001", "quote"), ("sources", "S-001", "title"), ("timeline", "T-001", "event"),
           ("figures", "F-001", "statement"), ("recommendations", "R-001", "recommendation"),
           ("helplines", "H-01", "service"), ("votes", "V-001", "question"), ("forces", "P-01", "name")]


def poison(data_dir, table, row_id, field):
    path = data_dir / f"{table}.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows:
        if row["id"] == row_id:
            row[field] = f"{row[field]} {PAYLOAD}"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_hostile_text_is_literal_and_inert(tmp_path):
    project = copy_project(tmp_path / "project")
    for target in TARGETS:
        poison(project / "data", *target)
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr

    shown = 0
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        document = BeautifulSoup(html, "html.parser")
        for script in document.find_all("script"):
            assert "alert(1)" not in script.get_text(), page
        assert not document.find("a", href="https://evil.example/"), page
        assert not document.find("img", src="https://evil.example/pixel.png"), page
        text = document.get_text()
        if PAYLOAD in text:
            shown += text.count(PAYLOAD)
    # Each poisoned row is shown somewhere, word for word, with its template syntax untouched.
    assert shown >= len(TARGETS) - 1, shown   # force names appear only inside the chart SVG and its table
    for chart in (site / "charts").glob("*.svg"):
        assert "<script>" not in chart.read_text(encoding="utf-8")
