"""Citations: every page has a cite block, BibTeX, RIS and CSL-JSON, metadata tags, and a valid CITATION.cff; the
BibTeX renders through real BibTeX (plain, plainnat) and biblatex with biber, the CSL-JSON through citeproc-py."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup

from scripts.cite import TITLE, Citable, bibtex, csl_json, full_title
from tests.conftest import ROOT

RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - .*$")


def html_pages(site: Path):
    return sorted(p for p in site.rglob("index.html") if (p.parent / "cite.bib").exists() or p.parent == site)


def test_citation_cff_is_valid_cff_1_2_0():
    schema = json.loads((ROOT / "tests" / "schemas" / "citation-file-format-1.2.0.schema.json").read_text())
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    jsonschema.validate(citation, schema)
    assert citation["cff-version"] == "1.2.0"
    # CITATION.cff follows the releases (make release writes it): the latest snapshot's version and date, or,
    # before the first release, no version or date at all (it must not name a release nobody published).
    from scripts.changes import load_snapshots
    snapshots = load_snapshots()
    if snapshots:
        latest = snapshots[-1]
        assert (citation["version"], citation["date-released"]) == (latest["version"], latest["published"])
    else:
        assert "version" not in citation and "date-released" not in citation


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

        [csl] = json.loads((page.parent / "cite.json").read_text(encoding="utf-8"))
        assert csl["URL"] == url and csl["version"] == "dev"
        assert full_title(csl["title"]) == title and csl.get("container-title", TITLE) == TITLE

        downloads = document.select(".cite-page a[download]")
        assert [link["href"] for link in downloads] == ["cite.bib", "cite.ris", "cite.json"]
        for link in downloads:
            name = link["download"]
            assert re.fullmatch(r"citation-[a-z0-9-]+-dev\.(bib|ris|json)", name), name
            assert not any(word in name for word in ("abuse", "immigration", "police", "victim", "safe")), name


# ------------------------------------------- the citation files, through the tools people use

PAGE_URL = "https://user.github.io/brief/1.0.0/findings/"
PAGE = Citable(full_title("Findings"), PAGE_URL, "2026", "1.0.0", "1.0.0", "2026-11-25")


def require_tool(name: str) -> str:
    """Skip where a TeX tool is missing, except in CI, where .ci/run must have installed it."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            raise RuntimeError(f"{name} is missing: .ci/run installs it from Debian")
        pytest.skip(f"{name} not installed (see .ci/run for the Debian packages)")
    return path


def run_tool(*command: str, cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{command}: {result.stdout[-3000:]}{result.stderr[-2000:]}"


def typeset(folder: Path, preamble: str, bibliography: str, bibliography_tool: str) -> str:
    """A LaTeX document citing the page, run as an author would (latex, the bibliography tool, latex);
    returns the text of its reference list, as pdftotext reads it from the PDF."""
    (folder / "cite.bib").write_text(bibtex(PAGE), encoding="utf-8")
    (folder / "paper.tex").write_text(f"\\documentclass{{article}}\n{preamble}\n\\begin{{document}}\n"
                                      f"\\nocite{{*}}\n{bibliography}\n\\end{{document}}\n", encoding="utf-8")
    latex = [require_tool("pdflatex"), "-interaction=nonstopmode", "-halt-on-error", "paper.tex"]
    run_tool(*latex, cwd=folder)
    run_tool(require_tool(bibliography_tool), "paper", cwd=folder)
    run_tool(*latex, cwd=folder)
    run_tool(require_tool("pdftotext"), "paper.pdf", cwd=folder)
    return (folder / "paper.txt").read_text(encoding="utf-8").split("References", 1)[1]


def assert_one_reference_to_the_page(text: str) -> None:
    """The reference as printed: the page's title naming the brief, the version and the address, each once."""
    flat = "".join(text.split())   # line breaks fall anywhere, also inside the address
    for part in (f"Findings — {TITLE}", "Version 1.0.0, data version 1.0.0", PAGE_URL, "Safe to Report", "2026"):
        assert flat.count("".join(part.split())) >= 1, (part, text)
    assert flat.count(PAGE_URL) == 1 and flat.count("https://") == 1, text
    assert flat.count("".join(TITLE.split())) == 1 and flat.count("Version1.0.0") == 1, text


@pytest.mark.parametrize("style, preamble", [("plain", "\\usepackage{url}"),
                                             ("plainnat", "\\usepackage{url}\n\\usepackage{natbib}")])
def test_bibtex_renders_in_plain_and_plainnat(tmp_path, style, preamble):
    text = typeset(tmp_path, preamble, f"\\bibliographystyle{{{style}}}\n\\bibliography{{cite}}", "bibtex")
    assert_one_reference_to_the_page(text)
    assert "Warning" not in (tmp_path / "paper.blg").read_text(), "BibTeX warned about the entry"
    bbl = " ".join((tmp_path / "paper.bbl").read_text(encoding="utf-8").split())
    assert bbl.count(f"\\url{{{PAGE_URL}}}") == 1, bbl


def test_bibtex_renders_in_biblatex_with_biber(tmp_path):
    text = typeset(tmp_path, "\\usepackage[backend=biber,style=authoryear]{biblatex}\n\\addbibresource{cite.bib}",
                   "\\printbibliography", "biber")
    assert_one_reference_to_the_page(text)
    assert "Nov. 25, 2026" in text or "25 Nov" in " ".join(text.split()), text    # biblatex reads the full date
    assert "WARN" not in (tmp_path / "paper.blg").read_text(), "biber warned about the entry"


def test_an_anchor_is_refused_in_bibtex():
    """biblatex fails on a # in howpublished ("Illegal parameter number"): BibTeX is for pages only."""
    with pytest.raises(ValueError, match="#"):
        bibtex(Citable(full_title("Figure F-001"), PAGE_URL + "#F-001", "2026", "1.0.0", "1.0.0", "2026-11-25"))


# A style that prints every variable the CSL-JSON gives, so a misnamed one shows as missing.
EVERY_VARIABLE_CSL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Every variable</title><id>every-variable</id><updated>2026-11-25T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout><group delimiter=" | ">
    <names variable="author"/><text variable="title"/><text variable="container-title"/>
    <text variable="version"/><date variable="issued" delimiter="-"><date-part name="year"/>
    <date-part name="month" form="numeric-leading-zeros"/><date-part name="day" form="numeric-leading-zeros"/></date>
    <text variable="URL"/><text variable="note"/>
  </group></layout></bibliography>
</style>
"""


def citeproc_reference(items: list[dict], style: str) -> str:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    bibliography = CitationStylesBibliography(CitationStylesStyle(style, validate=False), CiteProcJSON(items),
                                              formatter.plain)
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    [text] = [str(item) for item in bibliography.bibliography()]
    return text


def test_csl_json_renders_in_citeproc_py(tmp_path):
    """citeproc-py reads neither `url` nor `howpublished` from BibTeX, so the citeproc tools get CSL-JSON."""
    items = json.loads(json.dumps(csl_json(PAGE)))    # as written to cite.json and read back
    harvard = citeproc_reference(items, "harvard-cite-them-right")
    assert harvard == f"Safe to Report (2026) Findings, {TITLE}. Available at: {PAGE_URL}.", harvard
    style = tmp_path / "every-variable.csl"
    style.write_text(EVERY_VARIABLE_CSL, encoding="utf-8")
    every = citeproc_reference(items, str(style))
    assert every == f"Safe to Report | Findings | {TITLE} | 1.0.0 | 2026-11-25 | {PAGE_URL} | Data version 1.0.0", every
    [summary] = csl_json(Citable(full_title(""), "https://user.github.io/brief/1.0.0/", "2026", "1.0.0", "1.0.0", "2026-11-25"))
    assert summary["title"] == TITLE and "container-title" not in summary    # the brief itself: no container


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
