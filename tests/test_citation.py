"""Citations: every page has a cite block, BibTeX that parses, well-formed RIS, metadata tags, and a valid CITATION.cff."""
from __future__ import annotations

import json
import re
from pathlib import Path

import bibtexparser
import jsonschema
import yaml
from bs4 import BeautifulSoup

from tests.conftest import ROOT

RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - .*$")


def html_pages(site: Path):
    return sorted(p for p in site.rglob("index.html") if (p.parent / "cite.bib").exists() or p.parent == site)


def test_citation_cff_is_valid_cff_1_2_0():
    schema = json.loads((ROOT / "tests" / "schemas" / "citation-file-format-1.2.0.schema.json").read_text())
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    jsonschema.validate(citation, schema)
    assert citation["cff-version"] == "1.2.0" and citation["version"]


def test_every_page_has_a_cite_block_bibtex_ris_and_metadata(built_site):
    site = built_site["dir"]
    pages = [p for p in site.rglob("index.html")]
    assert len(pages) >= 10
    for page in pages:
        document = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        title = document.find("meta", attrs={"name": "citation_title"})["content"]
        url = document.find("meta", attrs={"name": "citation_public_url"})["content"]
        assert url.startswith(built_site["url"])
        reference = document.select_one("#cite-page").get_text()
        assert title in reference and url in reference and "Accessed:" in reference
        for prop in ("og:title", "og:url", "og:image", "og:description"):
            assert document.find("meta", attrs={"property": prop}), (page, prop)
        ld = json.loads(document.find("script", type="application/ld+json").string)
        assert ld["@type"] in ("Report", "Dataset") and ld["url"] == url

        bib = bibtexparser.loads((page.parent / "cite.bib").read_text(encoding="utf-8"))
        assert len(bib.entries) == 1
        entry = bib.entries[0]
        assert entry["url"] == url and entry["title"].strip("{}") == title

        ris = (page.parent / "cite.ris").read_text(encoding="utf-8").splitlines()
        assert ris[0] == "TY  - ELEC" and ris[-1].startswith("ER  -")
        assert all(RIS_LINE.match(line) or line.startswith("ER  -") for line in ris)
        assert f"UR  - {url}" in ris


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
