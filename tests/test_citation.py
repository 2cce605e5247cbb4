"""Citations: every page has a cite block, BibTeX that parses, well-formed RIS, metadata tags, and a valid CITATION.cff."""
from __future__ import annotations

import json
import re
from pathlib import Path

import bibtexparser
import jsonschema
import yaml
from bs4 import BeautifulSoup

from scripts.cite import TITLE
from tests.conftest import ROOT

RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - .*$")


def html_pages(site: Path):
    return sorted(p for p in site.rglob("index.html") if (p.parent / "cite.bib").exists() or p.parent == site)


def test_citation_cff_is_valid_cff_1_2_0():
    schema = json.loads((ROOT / "tests" / "schemas" / "citation-file-format-1.2.0.schema.json").read_text())
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    jsonschema.validate(citation, schema)
    assert citation["cff-version"] == "1.2.0" and citation["version"]
    # CITATION.cff follows the releases (make release writes it): the latest snapshot's version and date.
    from scripts.changes import load_snapshots
    latest = load_snapshots()[-1]
    assert (citation["version"], citation["date-released"]) == (latest["version"], latest["published"])


SUPPORT_PAGES = {"help", "staying-safe"}   # for readers in danger: citable, but not tagged as scholarly reports


def test_every_page_has_a_cite_block_bibtex_ris_and_metadata(built_site):
    site = built_site["dir"]
    pages = [p for p in site.rglob("index.html")]
    assert len(pages) >= 10
    for page in pages:
        document = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        title = document.find("meta", property="og:title")["content"]
        url = document.find("meta", property="og:url")["content"]
        assert title.endswith(" — " + TITLE) or title == TITLE, title    # names the brief
        assert url.startswith(built_site["url"])
        reference = document.select_one("#cite-page").get_text()
        assert title in reference and url in reference and "Accessed:" in reference
        for prop in ("og:title", "og:url", "og:image", "og:description"):
            assert document.find("meta", attrs={"property": prop}), (page, prop)
        ld = json.loads(document.find("script", type="application/ld+json").string)
        scholarly = page.parent.name not in SUPPORT_PAGES
        assert ld["url"] == url and (ld["@type"] in ("Report", "Dataset") if scholarly else ld["@type"] == "WebPage")
        citation_title = document.find("meta", attrs={"name": "citation_title"})
        assert (citation_title["content"] == title) if scholarly else citation_title is None
        if scholarly:
            assert document.find("meta", attrs={"name": "citation_public_url"})["content"] == url

        bib = bibtexparser.loads((page.parent / "cite.bib").read_text(encoding="utf-8"))
        assert len(bib.entries) == 1
        entry = bib.entries[0]
        assert entry["howpublished"].count(url) == 1 and "url" not in entry and entry["title"].strip("{}") == title

        ris = (page.parent / "cite.ris").read_text(encoding="utf-8").splitlines()
        assert ris[0] == "TY  - ELEC" and ris[-1].startswith("ER  -")
        assert all(RIS_LINE.match(line) or line.startswith("ER  -") for line in ris)
        assert f"UR  - {url}" in ris and "ET  - dev" in ris

        downloads = document.select(".cite-page a[download]")
        assert len(downloads) == 2
        for link in downloads:
            name = link["download"]
            assert re.fullmatch(r"citation-[a-z0-9-]+-dev\.(bib|ris)", name), name
            assert not any(word in name for word in ("abuse", "immigration", "police", "victim", "safe")), name


def test_bibtex_renders_with_the_brief_and_one_address():
    """BibTeX's plain style (pybtex's implementation of it) and citeproc-py, as a reference list shows it."""
    import tempfile
    import warnings

    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.bibtex import BibTeX
    from pybtex.database import parse_string
    from pybtex.plugin import find_plugin

    from scripts.cite import Citable, bibtex, full_title
    url = "https://user.github.io/brief/1.0.0/findings/#F-001"
    source = bibtex(Citable(full_title("Figure F-001"), url, "2026", "1.0.0", "1.0.0", "2026-11-25"))

    plain = find_plugin("pybtex.style.formatting", "plain")()
    [entry] = list(plain.format_bibliography(parse_string(source, "bibtex")))
    latex = entry.text.render_as("latex").replace("\\#", "#")   # pybtex escapes what BibTeX copies verbatim
    assert latex.count(url) == 1 and TITLE in latex and "Version 1.0.0" in latex and "2026" in latex
    assert "\\url {" + url + "}" in latex

    with tempfile.NamedTemporaryFile("w", suffix=".bib", encoding="utf-8") as handle:
        handle.write(source)
        handle.flush()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # citeproc-py reads neither howpublished nor url, and says so
            bibliography = BibTeX(handle.name, encoding="utf-8")
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    rendered = CitationStylesBibliography(style, bibliography, formatter.plain)
    rendered.register(Citation([CitationItem(next(iter(bibliography)))]))
    [text] = [str(item) for item in rendered.bibliography()]
    assert text.startswith("Safe to Report (2026)") and f"Figure F-001 — {TITLE}" in text


def test_every_data_id_has_exactly_one_anchor_and_a_citation(built_site):
    from scripts.load import load
    tables = load()
    ids = [i for name in ("figures", "quotes", "recommendations", "timeline", "sources", "votes") for i in tables[name]["id"]]
    counts = {i: 0 for i in ids}
    cited = set()
    for page in built_site["dir"].rglob("*.html"):
        document = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for element in document.find_all(id=True):
            if element["id"] in counts:
                counts[element["id"]] += 1
        cited |= {c["id"].removeprefix("cite-") for c in document.select("p.citation[id^=cite-]")}
    assert {i: n for i, n in counts.items() if n != 1} == {}
    claims = [i for name in ("figures", "quotes", "recommendations") for i in tables[name]["id"]]
    assert set(claims) <= cited
