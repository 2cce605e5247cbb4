"""A strict build in a temporary folder: every statistic resolved, every chart complete, nothing external."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

from scripts.charts import build_charts
from scripts.load import load
from scripts.render import chart_csv
from scripts.stats import compute_statistics
from tests.conftest import copy_project, mkdocs_build

SVG = "{http://www.w3.org/2000/svg}"


def pages(site: Path):
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def charts():
    tables = load()
    return build_charts(tables, compute_statistics(tables))


def test_strict_build_has_no_warnings(built_site):
    assert not re.search(r"^(WARNING|ERROR)\s+-", built_site["log"], re.M), built_site["log"]


def test_no_token_is_left_unresolved(built_site):
    for page in pages(built_site["dir"]):
        document = soup(page)
        for code in document.find_all(["code", "pre"]):
            code.decompose()
        text = str(document.find("article") or document)
        assert "{{" not in text and "{%" not in text, page


def test_no_template_is_published(built_site):
    """Page-fragment templates live beside the theme overrides; none of them is a file for readers."""
    site = Path(built_site["dir"])
    assert not (site / "fragments").exists()
    for path in site.rglob("*"):
        if path.suffix in (".svg", ".html", ".css", ".js", ".txt") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "{%" not in text, path
            assert path.suffix != ".svg" or "{{" not in text, path   # pages may show a token in an example


def test_every_statistic_link_has_an_entry_on_methods(built_site):
    methods = soup(built_site["dir"] / "methods" / "index.html")
    entries = {row["id"] for row in methods.select("tr[id^=stat-]")}
    used = set()
    for page in pages(built_site["dir"]):
        for link in soup(page).select("a.stat"):
            used.add(link["href"].split("#", 1)[1])
    assert used, "no page shows a computed statistic"
    assert used <= entries


def test_every_chart_has_drawings_with_title_and_description_table_source_and_downloads(built_site, charts):
    site = built_site["dir"]
    html_pages = {page: soup(page) for page in pages(site)}
    for chart in charts.values():
        for layout in ("narrow", "wide"):
            svg = ET.parse(site / "charts" / f"{chart.name}-{layout}.svg").getroot()
            assert svg.get("role") == "img"
            assert svg.find(f"{SVG}title").text == chart.title
            assert len(svg.find(f"{SVG}desc").text) > 40
        csv_bytes = (site / "charts" / f"{chart.name}.csv").read_bytes()
        assert csv_bytes.startswith(b"\xef\xbb\xbf")   # a byte order mark, so that Excel reads UTF-8
        assert csv_bytes.decode("utf-8-sig") == chart_csv(chart)
        figures = [f for document in html_pages.values() for f in document.select(f"figure#chart-{chart.name}")]
        assert figures, f"chart {chart.name} is on no page"
        figure = figures[0]
        # One title, as the figure's caption above the drawing; the drawing swaps for phones without JavaScript.
        assert figure.find(recursive=False).name == "figcaption" and figure.figcaption.get_text(strip=True) == chart.title
        assert figure.select_one("picture > source[media]")["srcset"].endswith(f"charts/{chart.name}-narrow.svg")
        assert figure.find("img")["src"].endswith(f"charts/{chart.name}-wide.svg")
        assert figure.find("img")["alt"] == chart.summary != chart.title   # what is drawn; the caption says the point
        table = figure.find("table")
        assert table.find("caption") and len(table.select("tbody tr")) == len(chart.data)
        assert "Source:" in figure.get_text()
        assert not re.search(r"\b[FST]-\d{3}\b", figure.select_one(".chart-source").get_text())   # publishers, not record IDs
        for download in ("csv", "svg", "png", "zip"):
            assert figure.find("a", href=re.compile(rf"charts/{chart.name}\.{download}$"), download=True), download
            assert (site / "charts" / f"{chart.name}.{download}").stat().st_size > 60   # not empty: a header and rows at least


ASSET_ATTRIBUTES = [("script", "src"), ("link", "href"), ("img", "src"), ("source", "src"), ("iframe", "src"),
                    ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data")]
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


def is_external(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https", "") and bool(parsed.netloc) and parsed.hostname != "127.0.0.1"


def test_no_asset_is_loaded_from_another_host(built_site):
    site = built_site["dir"]
    offenders = []
    for page in pages(site):
        document = soup(page)
        for tag, attribute in ASSET_ATTRIBUTES:
            for element in document.find_all(tag):
                if tag == "link" and set(element.get("rel", [])) & {"canonical", "alternate"}:
                    continue  # links for search engines and feeds, never fetched by the page
                url = element.get(attribute)
                if url and is_external(url):
                    offenders.append(f"{page.relative_to(site)}: <{tag} {attribute}={url}>")
        for style in document.find_all("style"):
            offenders += [f"{page.relative_to(site)}: style url({u})" for u in CSS_URL.findall(style.text) if is_external(u)]
    for css in site.rglob("*.css"):
        offenders += [f"{css.relative_to(site)}: url({u})" for u in CSS_URL.findall(css.read_text(encoding="utf-8")) if is_external(u)]
    assert not offenders, "\n".join(offenders)


CDN_HOSTS = re.compile(r"cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|fonts\.googleapis\.com|fonts\.gstatic\.com|"
                       r"google-analytics|googletagmanager|require\.js|requirejs")


def test_no_page_names_a_cdn_even_inside_inline_scripts(built_site):
    for page in pages(built_site["dir"]):
        assert not CDN_HOSTS.search(page.read_text(encoding="utf-8")), page


def test_changing_a_figure_in_data_changes_every_page_and_chart(tmp_path):
    project = copy_project(tmp_path / "project")
    figures = project / "data" / "figures.csv"
    text = figures.read_text(encoding="utf-8")
    assert "Home Office).,537," in text
    figures.write_text(text.replace("Home Office).,537,", "Home Office).,601,", 1), encoding="utf-8")
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr

    shown = []
    for page in pages(site):
        for link in soup(page).select('a.stat[href$="#stat-referrals_total"]'):
            shown.append((page.parent.name, link.get_text()))
    assert {value for _, value in shown} == {"601"}
    assert "findings" in {name for name, _ in shown} and site.name in {name for name, _ in shown}  # findings/ and home
    entry = soup(site / "methods" / "index.html").select_one("tr#stat-referrals_total")
    assert entry.find_all("td")[1].get_text() == "601"
    per_month = {link.get_text() for page in pages(site) for link in soup(page).select('a.stat[href$="#stat-referrals_per_month"]')}
    assert per_month == {"16.7"}                                  # 601 / 36
    assert "0 of 601" in (site / "charts" / "outcomes-wide.svg").read_text(encoding="utf-8")
    assert "0 of 601" in (site / "charts" / "outcomes.svg").read_text(encoding="utf-8")    # the download too
    assert "601" in (site / "charts" / "counts.csv").read_text(encoding="utf-8")
    assert "601" in soup(site / "analysis" / "index.html").get_text()


def failed_build_output(tmp_path, page_path: str, change) -> str:
    """Build a copy of the project with one page changed; the build must fail. Returns what it printed."""
    project = copy_project(tmp_path / "project")
    page = project / "docs" / page_path
    page.write_text(change(page.read_text(encoding="utf-8")), encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    return result.stderr + result.stdout


def test_unknown_statistic_fails_the_build_naming_page_and_line(tmp_path):
    def add_line(text):
        lines = text.split("\n")
        lines.insert(2, "Police made {{ referals_total }} referrals.")
        return "\n".join(lines)
    output = failed_build_output(tmp_path, "findings.md", add_line)
    assert "docs/findings.md, line 3: unknown statistic 'referals_total'" in output


def test_a_failing_notebook_cell_fails_the_build(tmp_path):
    output = failed_build_output(tmp_path, "analysis.py", lambda text: text + "\n# %%\nraise ValueError('broken cell')\n")
    assert "broken cell" in output


def test_every_page_has_a_content_security_policy_for_the_site_alone(built_site):
    for page in pages(built_site["dir"]):
        document = soup(page)
        policy = document.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert "http" not in policy and "*" not in policy and "unsafe-eval" not in policy
        assert document.find("meta", attrs={"name": "referrer"})["content"] == "no-referrer"
        assert document.head.find("meta", attrs={"http-equiv": "Content-Security-Policy"}) is document.head.find("meta")


def test_the_404_page_has_the_exit_button_and_policy_too(built_site):
    document = soup(built_site["dir"] / "404.html")
    quick_bar = document.body.find("div", recursive=False)
    assert quick_bar.find(attrs={"data-exit-this-page": True}) and quick_bar.find("a", string="Get help")["href"] == "/help/"
    links = {a.get_text(): a.get("href") for a in document.select(".md-content a")}
    assert links["Go to the Summary of the brief"] == "/" and links["Get help: helplines and advice"] == "/help/"
    assert "search" in document.select_one(".md-content").get_text()
    assert document.head.find("meta", attrs={"http-equiv": "Content-Security-Policy"})


def test_a_statistic_in_a_heading_without_its_own_anchor_fails_the_build(tmp_path):
    output = failed_build_output(tmp_path, "findings.md", lambda text: text + "\n## {{ referrals_total }} referrals\n")
    assert "findings.md, line" in output and "needs its own anchor" in output


def test_a_source_marker_in_a_heading_fails_the_build(tmp_path):
    output = failed_build_output(tmp_path, "findings.md", lambda text: text + "\n## Referrals{{ ref: F-001 }} {#r}\n")
    assert "cannot stand in a heading" in output


def test_no_page_shows_a_python_object(built_site):
    for page in Path(built_site["dir"]).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "built-in method" not in text and " object at 0x" not in text, page


def test_a_broken_link_or_anchor_fails_the_build_naming_it(tmp_path):
    output = failed_build_output(tmp_path, "findings.md", lambda text: text + "\nSee [the method](methods.md#no-such-part) "
                                 "and [a figure](figures.md#F-001) and [nothing](no-such-page.md).\n")
    assert "no element with id 'no-such-part' in /methods/" in output
    assert "F-001" not in output.split("Broken internal links")[-1]   # an id the hooks add is found
    assert "no-such-page.md" in output


def test_the_build_log_has_no_false_anchor_reports(built_site):
    assert "no such anchor" not in built_site["log"] and "does not contain an anchor" not in built_site["log"]
