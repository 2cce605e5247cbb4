"""MkDocs hooks: run the pipeline (load and validate → statistics → charts) and put its
results into the pages.

In Markdown, `{{ referrals_total }}` becomes that statistic, linked to its entry on the
Methods page; `{{ chart: forces }}` becomes a chart with its description, table, source
line and downloads; `{{ block: quotes }}` becomes a generated section. An unknown name
stops the build and says which page and line. Text inside code is left alone.
"""
from __future__ import annotations

import hashlib
import html as html_lib
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # mkdocs loads hooks by path, not as part of a package
    sys.path.insert(0, str(ROOT))

import vl_convert  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402
from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402

from scripts.charts import build_charts  # noqa: E402
from scripts.cite import Citable, bibtex, harvard, ris  # noqa: E402
from scripts.load import DATA_DIR, DataError, load  # noqa: E402
from scripts.changes import load_snapshots, snapshot  # noqa: E402
from scripts.render import (BLOCKS, PageLinks, changes_block, chart_csv, chart_figure, chart_svg,  # noqa: E402
                            schema_block, stat_link)
from scripts.stats import compute_statistics  # noqa: E402

TOKEN = re.compile(r"\{\{\s*(?:(chart|block)\s*:\s*)?([A-Za-z0-9_\-]+)\s*\}\}")
FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")

_pipeline: dict = {}


def on_config(config):
    try:
        tables = load(DATA_DIR)
        stats = compute_statistics(tables)
        charts = build_charts(tables, stats)
    except DataError as error:
        raise PluginError(str(error)) from None
    package = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    _pipeline.update(tables=tables, stats=stats, charts=charts, package=package)
    config.extra["data_version"] = package["version"]
    _make_reproducible(config)
    _key_notebook_cache_on_data(config)
    config.extra["pdf"] = bool(os.environ.get("PDF_FILE"))
    config.extra["commit"] = _git_commit()
    # SITE_URL is the site's root without a version; mike may add the version to site_url itself.
    config.extra["base_url"] = os.environ.get("SITE_URL", config.site_url)
    return config


def content_digest(*folders: Path) -> str:
    """A hash of every file under the folders (names and bytes): changes when any of them changes."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _key_notebook_cache_on_data(config) -> None:
    """mkdocs-jupyter caches executed notebooks by the notebook's own bytes only; the notebook reads
    data/ through scripts/, so give each state of those folders its own cache folder."""
    notebooks = config.plugins.get("mkdocs-jupyter")
    if notebooks is not None:
        notebooks.config["cache_dir"] = str(ROOT / ".cache" / "mkdocs-jupyter" / content_digest(DATA_DIR, ROOT / "scripts"))


def _make_reproducible(config) -> None:
    """Dates that mkdocs writes (sitemap, gzip headers) come from the release date, not the clock."""
    if "SOURCE_DATE_EPOCH" not in os.environ:
        published = datetime.strptime(str(config.extra["published"]), "%Y-%m-%d").replace(tzinfo=timezone.utc)
        os.environ["SOURCE_DATE_EPOCH"] = str(int(published.timestamp()))


def _git_commit() -> str:
    """The commit being built, shown in the footer; empty outside a git checkout."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return f"{commit} with uncommitted changes" if changed else commit


def pinned_url(config, page_url: str) -> str:
    """The address of this page in this version, which stays valid after later releases."""
    version = config.extra["site_version"]
    prefix = "" if version == "dev" else f"{version}/"
    return f"{config.extra['base_url']}{prefix}{page_url}"


def citable(config, title: str, url: str) -> Citable:
    published = str(config.extra["published"])
    return Citable(title=title, url=url, year=published[:4], version=config.extra["site_version"],
                   data_version=config.extra["data_version"], published=published)


def citation_html(item: Citable, element_id: str, downloads: str = "") -> str:
    reference = html_lib.escape(harvard(item)).replace(
        "ACCESSED", '<span data-accessed-date>date you read it</span>')
    return (f'<p class="citation" id="{element_id}">{reference}</p>'
            f'<p class="cite-actions"><button type="button" class="md-button cite-copy" data-copy="{element_id}" hidden>'
            f"Copy reference</button>{downloads}</p>")


def claim_citation(config, page):
    def cite(anchor: str, title: str) -> str:
        item = citable(config, title, f"{pinned_url(config, page.url)}#{anchor}")
        return (f'<details class="cite-claim"><summary>Cite {html_lib.escape(title)}</summary>'
                f'{citation_html(item, "cite-" + anchor)}</details>')
    return cite


SOCIAL_CARD = "assets/social-card.png"


def social_card_svg(config) -> str:
    """A 1200x630 link-preview image, drawn here so that no service is asked to make one."""
    title = html_lib.escape(config.site_name)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630">'
        '<rect width="1200" height="630" fill="#1a237e"/>'
        f'<text x="80" y="280" font-family="sans-serif" font-size="96" font-weight="700" fill="#ffffff">{title}</text>'
        '<text x="80" y="370" font-family="sans-serif" font-size="40" fill="#e8eaf6">Police, domestic abuse victims and</text>'
        '<text x="80" y="425" font-family="sans-serif" font-size="40" fill="#e8eaf6">Immigration Enforcement: the evidence</text>'
        '</svg>')


def on_files(files, config):
    files.append(File.generated(config, SOCIAL_CARD, content=vl_convert.svg_to_png(social_card_svg(config), scale=1)))
    for chart in _pipeline["charts"].values():
        files.append(File.generated(config, f"charts/{chart.name}.svg", content=chart_svg(chart)))
        files.append(File.generated(config, f"charts/{chart.name}.csv", content=chart_csv(chart)))
    if config.extra["pdf"]:
        files.append(File.generated(config, "downloads/safe-to-report.pdf", content=Path(os.environ["PDF_FILE"]).read_bytes()))
    downloads = ["datapackage.json"] + [resource["path"] for resource in _pipeline["package"]["resources"]]
    for name in downloads:
        files.append(File.generated(config, f"downloads/{name}", content=(DATA_DIR / name).read_bytes()))
    return files


def _expand(kind: str | None, name: str, links: PageLinks) -> str:
    tables, stats, charts = _pipeline["tables"], _pipeline["stats"], _pipeline["charts"]
    if kind == "chart":
        return chart_figure(charts[name], tables["sources"], tables["figures"], links)
    if kind == "block":
        if name == "schema":
            return schema_block(tables, stats, links, package=_pipeline["package"])
        if name == "changes":
            current = snapshot(stats, tables["figures"], "unreleased", _pipeline["package"]["version"], "")
            return changes_block(tables, stats, links, snapshots=load_snapshots(), current=current)
        return BLOCKS[name](tables, stats, links)
    return stat_link(stats[name], links.root)


def _known(kind: str | None) -> dict:
    return {"chart": _pipeline["charts"], "block": BLOCKS}.get(kind, _pipeline["stats"])


def substitute(markdown: str, page_path: str, links: PageLinks) -> tuple[str, dict[str, str]]:
    """Replace every token outside code with a placeholder, and return the HTML each stands for.

    The HTML goes in only after Markdown has run (on_page_content), so nothing generated from
    data, not even a title attribute, is ever read as Markdown. Every unknown name is collected
    before the build fails.
    """
    problems, out, in_fence, html = [], [], False, {}
    for number, line in enumerate(markdown.split("\n"), start=1):
        if FENCE.match(line):
            in_fence = not in_fence
        if in_fence or "{{" not in line:
            out.append(line)
            continue
        pieces, last = [], 0
        for span in CODE_SPAN.finditer(line):
            pieces.append((line[last:span.start()], True))
            pieces.append((span.group(0), False))
            last = span.end()
        pieces.append((line[last:], True))
        new_line = []
        for text, active in pieces:
            if not active:
                new_line.append(text)
                continue

            def replace(match):
                kind, name = match.group(1), match.group(2)
                if name not in _known(kind):
                    what = {"chart": "chart", "block": "block"}.get(kind, "statistic")
                    problems.append(f"docs/{page_path}, line {number}: unknown {what} '{name}'. "
                                    f"Known: {', '.join(sorted(_known(kind)))}")
                    return match.group(0)
                key = f"SAFETOREPORTPLACEHOLDER{len(html):04d}X"
                html[key] = _expand(kind, name, links)
                return key
            new_line.append(TOKEN.sub(replace, text))
        out.append("".join(new_line))
    if problems:
        raise PluginError("\n".join(problems))
    return "\n".join(out), html


def insert_html(content: str, html: dict[str, str]) -> str:
    """Put generated HTML where its placeholder stands; a placeholder alone in a paragraph replaces the paragraph."""
    for key, fragment in html.items():
        content = content.replace(f"<p>{key}</p>", fragment).replace(key, fragment)
    return content


def on_page_markdown(markdown, page, config, files):
    links = PageLinks(root="../" * page.url.count("/"), cite=claim_citation(config, page))
    markdown, page.generated_html = substitute(markdown, page.file.src_uri, links)
    return markdown


def on_page_content(html, page, config, files):
    """Generated HTML goes into its placeholders. Notebook pages: drop nbconvert's inline styles (about 600 KB of JupyterLab CSS) and scripts
    (a MathJax stub and a Mermaid loader that imports from a CDN); site.css styles the cells."""
    html = insert_html(html, getattr(page, "generated_html", {})) + page_citation(config, page)
    if "jp-Notebook" not in html:
        return html
    document = BeautifulSoup(html, "html.parser")
    for element in document.find_all(["style", "script"]):
        element.decompose()
    # jupytext gives cells random ids on every read; number them so two builds are identical.
    for number, cell in enumerate(document.select('[id^="cell-id="]'), start=1):
        cell["id"] = f"cell-{number}"
    return str(document)


EXIT_LINK = (
    '<div class="exit-this-page" data-exit-this-page>'
    '<a href="{url}" rel="nofollow noreferrer" referrerpolicy="no-referrer">Exit this page'
    '<span class="exit-this-page__hint"> (or press Shift 3 times)</span></a>'
    '<div class="exit-this-page__status" role="status" aria-live="polite" data-exit-this-page-status></div></div>'
)
BODY_OPEN = re.compile(r"<body[^>]*>")


def on_post_page(output, page, config):
    """Put "Exit this page" first in <body>, so it is the first thing a keyboard reaches, and outside
    the components that instant navigation swaps, so it is never re-created."""
    write_citation_files(page, config)
    link = EXIT_LINK.format(url=config.extra["exit_url"])
    return BODY_OPEN.sub(lambda match: match.group(0) + link, output, count=1)


def page_title(page, config) -> str:
    return page.title if page.url else config.site_name


def page_citation(config, page) -> str:
    item = citable(config, page_title(page, config), pinned_url(config, page.url))
    downloads = (' <a href="cite.bib" download>BibTeX</a> · <a href="cite.ris" download>RIS</a>')
    return ('<section class="cite-page" aria-labelledby="cite-this-page"><h2 id="cite-this-page">Cite this page</h2>'
            + citation_html(item, "cite-page", downloads) + "</section>")


def json_ld(item: Citable, page, config) -> str:
    """schema.org metadata: a Report for each page, and a Dataset for the Data Package on the data page."""
    report = {
        "@context": "https://schema.org", "@type": "Report", "name": item.title,
        "isPartOf": {"@type": "WebSite", "name": config.site_name, "url": config.extra["base_url"]},
        "author": {"@type": "Organization", "name": "Safe to Report"},
        "datePublished": item.published, "version": item.version, "url": item.url, "inLanguage": "en-GB",
        "description": page.meta.get("description", config.site_description),
        "license": "https://creativecommons.org/licenses/by/4.0/",
    }
    package = _pipeline["package"]
    if page.file.src_uri == "data.md":
        report = {
            "@context": "https://schema.org", "@type": "Dataset", "name": package["title"],
            "description": package["description"], "version": package["version"], "url": item.url,
            "license": package["licenses"][0]["path"], "keywords": package["keywords"],
            "creator": {"@type": "Organization", "name": "Safe to Report"}, "datePublished": item.published,
            "distribution": [{"@type": "DataDownload", "encodingFormat": "text/csv", "name": r["path"],
                              "contentUrl": f"{pinned_url(config, 'downloads/')}{r['path']}"} for r in package["resources"]],
        }
    # "</" cannot end the script element early.
    return json.dumps(report, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")


def on_page_context(context, page, config, nav):
    """What the templates need for citation, Open Graph and JSON-LD metadata."""
    item = citable(config, page_title(page, config), pinned_url(config, page.url))
    context["citation"] = item
    context["json_ld"] = json_ld(item, page, config)
    context["social_image"] = pinned_url(config, SOCIAL_CARD)
    return context


def write_citation_files(page, config) -> None:
    """BibTeX and RIS next to each page, generated at build time."""
    item = citable(config, page_title(page, config), pinned_url(config, page.url))
    folder = Path(config.site_dir) / page.url
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cite.bib").write_text(bibtex(item), encoding="utf-8")
    (folder / "cite.ris").write_text(ris(item), encoding="utf-8", newline="")
