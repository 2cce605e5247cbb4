"""MkDocs hooks: run the pipeline (load and validate → statistics → charts → fragments) and put
its results into the pages; add charts, downloads and citations to the site.

Pages use `{{ statistic }}`, `{{ chart: name }}` and `{{ block: name }}` (see scripts/tokens.py).
Everything generated from data/ is memoised on disk, keyed on the content of data/ and scripts/
and on the release settings, so a rebuild with nothing changed computes nothing again.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
import multiprocessing
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # mkdocs loads hooks by path, not as part of a package
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402

from scripts import cache  # noqa: E402
from scripts.cache import CACHE_DIR, content_digest  # noqa: E402
from scripts.cite import Citable, ClaimCitation, bibtex, csl_json, download_name, full_title, harvard_parts, ris  # noqa: E402
from scripts.descriptor import DataError, read_descriptor, unexpected  # noqa: E402
from scripts.fragments import FRAGMENTS, environment as fragment_environment, fragment  # noqa: E402
from scripts.hosting import csp, script_hashes  # noqa: E402
from scripts.metadata import SOCIAL_CARD, json_ld, social_card_svg  # noqa: E402
from scripts.tokens import TOKEN, UnknownNames, insert_html, substitute  # noqa: E402

DATA_DIR = ROOT / "data"
PDF_PATH = "downloads/safe-to-report.pdf"
SUPPORT_PAGES = {"help.md", "staying-safe.md"}
BODY_OPEN = re.compile(r"<body[^>]*>")
# Material's skip-link container (it holds only the link): wrapped in a landmark, because with "Exit this
# page" first in <body> axe no longer treats it as a skip link and flags content outside landmarks.
SKIP_LINK = re.compile(r'<div data-md-component="skip">.*?</div>', re.S)
HEAD_OPEN = re.compile(r"<head>")


class Pipeline:
    """The pipeline's results, computed on first use and memoised on disk under `key`.

    A build whose key is already cached loads the memo and never imports pandas, Altair,
    Frictionless or vl-convert. The memo is written only after a successful build, and read only
    if it matches its hash (scripts/cache.py).
    """

    def __init__(self, key: str):
        self.path = CACHE_DIR / "pipeline" / f"{key}.pickle"
        memo = cache.read_pickle(self.path)
        self.memo = memo if isinstance(memo, dict) else {}
        self.changed = False
        self._tables = None
        self._statistics = None
        self._results = None

    def tables(self):
        """Load and validate the data."""
        if self._tables is None:
            from scripts.load import load
            try:
                self._tables = load(DATA_DIR)
            except DataError as error:
                raise PluginError(str(error)) from None
        return self._tables

    def statistics(self):
        """The statistics of the tables; computing them checks what validation cannot (a divisor of 0)."""
        if self._statistics is None:
            from scripts.stats import compute_statistics
            self._statistics = self._plainly(lambda: compute_statistics(self.tables()), "computing the statistics")
        return self._statistics

    def results(self):
        """The tables, their statistics and the charts: the expensive part."""
        if self._results is None:
            from scripts.charts import build_charts
            tables, stats = self.tables(), self.statistics()
            self._results = tables, stats, self._plainly(lambda: build_charts(tables, stats), "drawing the charts")
        return self._results

    @staticmethod
    def _plainly(compute, doing: str):
        try:
            return compute()
        except DataError as error:
            raise PluginError(str(error)) from None
        except Exception as error:   # noqa: BLE001: a plain line, then the detail, never a bare traceback
            raise PluginError(str(DataError([unexpected(error, f"data/ (while {doing})")]))) from error

    def get(self, key, compute):
        if key not in self.memo:
            self.memo[key] = compute()
            self.changed = True
        return self.memo[key]

    def save(self) -> None:
        if self.changed:
            cache.write_pickle(self.path, self.memo)


_state: dict = {}


def _pipeline() -> Pipeline:
    return _state["pipeline"]


# ------------------------------------------------------------------------- config

def on_startup(command, dirty):
    _state["command"] = command

def on_config(config):
    try:
        package = read_descriptor(DATA_DIR)
    except DataError as error:
        raise PluginError(str(error)) from None
    cache.show_warnings()
    fragment_environment.cache_clear()   # `mkdocs serve` keeps this module loaded: read edited templates again
    config.extra["data_version"] = package["version"]
    config.extra["pdf"] = bool(os.environ.get("PDF_FILE"))
    config.extra["commit"] = _git_commit()
    # SITE_URL is the site's root without a version; mike may add the version to site_url itself.
    config.extra["base_url"] = os.environ.get("SITE_URL", config.site_url).rstrip("/") + "/"
    # mike sets site_url to SITE_URL + version, without a final slash; the 404 page (served at any depth)
    # takes its absolute base from it, and Material resolves versions.json and the search index against it.
    if config.site_url and not config.site_url.endswith("/"):
        config.site_url += "/"
    config.extra["root_path"] = urlsplit(config.site_url or "/").path.rstrip("/") + "/"   # for the 404 page's links
    _make_reproducible(config)
    # Results depend on the data, the code, the pinned library versions and the release settings; the
    # memoised page fragments on their templates too.
    digest = content_digest(DATA_DIR, ROOT / "scripts", ROOT / "requirements.txt")
    settings = "|".join(str(x) for x in (config.site_name, config.extra["site_version"], config.extra["base_url"],
                                          config.extra["published"], config.extra["publisher"], config.extra["contact"]))
    templates = content_digest(FRAGMENTS)
    _state.update(package=package, pipeline=Pipeline(f"{digest}-{templates}-{hashlib.sha256(settings.encode()).hexdigest()[:12]}"))
    _key_notebook_cache_on(config, digest)
    return config


def on_env(env, config, files):
    env.bytecode_cache = cache.SealedBytecodeCache("theme")
    return env


def on_pre_build(config):
    # Validate first: bad data stops the build with its message alone, before the notebook starts.
    _pipeline().get("validated", lambda: bool(_pipeline().statistics()))
    _state["notebooks"] = _start_notebooks(config)        # then the slowest step, overlapping with the rest
    _state["drawn"] = _start_drawing(config)


def _start_drawing(config) -> Future:
    """Drawing the charts and their downloads is slow and happens mostly outside Python's lock: start it
    now, in a thread, so it overlaps with rendering the pages; on_post_build writes the files."""
    pages = chart_pages(config)   # part of the key: a chart's address names its page
    key = ("files", tuple(sorted(pages.items())))
    if key in _pipeline().memo:
        done: Future = Future()
        done.set_result((key, _pipeline().memo[key]))
        return done
    _pipeline().results()   # computed here, while the notebook runs, and never by two threads at once
    pool = ThreadPoolExecutor(max_workers=1)
    drawing = pool.submit(lambda: (key, _generated_files(config, pages)))
    pool.shutdown(wait=False)   # the thread ends when the drawing does
    return drawing


def _key_notebook_cache_on(config, digest: str) -> None:
    """mkdocs-jupyter caches executed notebooks by the notebook's own bytes only; the notebook reads
    data/ through scripts/, so give each state of those folders its own cache folder."""
    notebooks = config.plugins.get("mkdocs-jupyter")
    if notebooks is not None:
        notebooks.config["cache_dir"] = str(CACHE_DIR / "mkdocs-jupyter" / digest)


def _notebook_cache(config) -> Path | None:
    """The notebook cache folder in use, checked (scripts/cache.py); None when there is none."""
    notebooks = config.plugins.get("mkdocs-jupyter")
    if notebooks is None or not notebooks.config["cache"]:
        return None
    return Path(notebooks.config["cache_dir"])


def _start_notebooks(config) -> dict[str, multiprocessing.Process]:
    """Executing the notebook is the slowest step: start it now, in a forked process running
    mkdocs-jupyter's own render, so it uses the other core while this process builds everything else.
    The render leaves its result in the plugin's cache, where the page then finds it. If it fails,
    the page renders again in this process, and the build stops with the notebook's own error."""
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None:
        return {}
    folder = _notebook_cache(config)
    if folder is not None:
        if cache.usable_folder(folder):
            cache.verify_notebook_entries(folder)
        else:   # no cache to leave a result in: the page renders it itself
            plugin.config["cache"] = False
            return {}
    from mkdocs.structure.pages import Page
    started = {}
    for source in sorted(Path(config.docs_dir).glob("*")):
        file = File(source.name, config.docs_dir, config.site_dir, config.use_directory_urls)
        if plugin.should_include(file):
            page = plugin.on_pre_page(Page(None, file, config), config, None)
            process = multiprocessing.get_context("fork").Process(target=page.render, args=(config, None), daemon=True)
            process.start()
            started[file.src_uri] = process
    return started


def on_pre_page(page, config, files):
    process = _state.get("notebooks", {}).get(page.file.src_uri)
    if process is not None:
        process.join()
        if _notebook_cache(config) is not None:
            cache.seal_notebook_entries(_notebook_cache(config))
    return page


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


# -------------------------------------------------------------------------- files

def _generated_files(config, chart_pages: dict[str, str]) -> list[tuple[str, bytes]]:
    import vl_convert

    from scripts.chart_files import Provenance, all_chart_files
    from scripts.render import chart_csv, chart_source_ids, sources_text
    tables, _, charts = _pipeline().results()
    licence = _state["package"]["licenses"][0]
    charts_with_provenance = [(chart, Provenance(
        title=chart.title, sources=sources_text(chart_source_ids(chart, tables["figures"]), tables["sources"]),
        address=f"{pinned_url(config, chart_pages.get(chart.name, ''))}#chart-{chart.name}",
        site_name=config.site_name, site_version=config.extra["site_version"],
        data_version=config.extra["data_version"], published=str(config.extra["published"]),
        licence=licence["name"].replace("-", " "), licence_url=licence["path"]), chart_csv(chart))
        for chart in charts.values()]
    return [(SOCIAL_CARD, vl_convert.svg_to_png(social_card_svg(config.site_name), scale=1))] + all_chart_files(charts_with_provenance)


def chart_pages(config) -> dict[str, str]:
    """The page that shows each chart (the first, if several do), from the pages' `{{ chart: name }}`."""
    pages: dict[str, str] = {}
    for source in sorted(Path(config.docs_dir).glob("*.md")):
        for kind, name in TOKEN.findall(source.read_text(encoding="utf-8")):
            if kind == "chart":
                pages.setdefault(name, "" if source.stem == "index" else f"{source.stem}/")
    return pages


def on_files(files, config):
    for template in [f for f in files if f.abs_src_path and Path(f.abs_src_path).is_relative_to(FRAGMENTS)]:
        files.remove(template)   # page-fragment templates (overrides/fragments/), not files for readers
    # Pages are read in this order: the notebook's last, so the other pages are done while it runs.
    notebooks = config.plugins.get("mkdocs-jupyter")
    for notebook in [f for f in files if notebooks is not None and notebooks.should_include(f)]:
        files.remove(notebook)
        files.append(notebook)
    if config.extra["pdf"]:
        files.append(File.generated(config, PDF_PATH, content=Path(os.environ["PDF_FILE"]).read_bytes()))
    for name in ["datapackage.json"] + [resource["path"] for resource in _state["package"]["resources"]]:
        files.append(File.generated(config, f"downloads/{name}", content=(DATA_DIR / name).read_bytes()))
    return files


# ----------------------------------------------------------------- citations

def pinned_url(config, page_url: str) -> str:
    """The address of this page in this version, which stays valid after later releases."""
    version = config.extra["site_version"]
    prefix = "" if version == "dev" else f"{version}/"
    return f"{config.extra['base_url']}{prefix}{page_url}"


def citable(config, title: str, url: str) -> Citable:
    published = str(config.extra["published"])
    return Citable(title=title, url=url, year=published[:4], version=config.extra["site_version"],
                   data_version=config.extra["data_version"], published=published)


def page_citable(page, config) -> Citable:
    return citable(config, full_title(page.title if page.url else ""), pinned_url(config, page.url))


def claim_citation(config, page):
    """Citations for single claims on a page: the pinned page address plus the claim's anchor."""
    def cite(anchor: str, title: str) -> ClaimCitation:
        item = citable(config, full_title(title), f"{pinned_url(config, page.url)}#{anchor}")
        return ClaimCitation(title, harvard_parts(item), "cite-" + anchor)
    return cite


def page_citation(page, config) -> str:
    version = config.extra["site_version"]
    return fragment("cite-page.html", parts=harvard_parts(page_citable(page, config)), element_id="cite-page",
                    downloads={kind: download_name(page.url, version, kind) for kind in ("bib", "ris", "json")})


# ------------------------------------------------------------- publication line

def publication_line(page, config, full: bool) -> str:
    """Publisher, dates, version and how to report an error, from mkdocs.yml, the release snapshots and the data."""
    facts = _pipeline().get("publication", lambda: publication_facts(config))
    return fragment("publication.html", full=full, publisher=config.extra["publisher"], root=page_root(page),
                    version=config.extra["site_version"], data_version=config.extra["data_version"], **facts)


def publication_facts(config) -> dict[str, str]:
    """The dates the publication line shows. Memoised with the pipeline: computing them imports the
    statistics (pandas, Altair), which an unchanged rebuild otherwise never loads."""
    from scripts.changes import load_snapshots
    from scripts.render import date_text
    stats = _pipeline().results()[1]
    updated = str(config.extra["published"])
    first_published = min([s["published"] for s in load_snapshots() if s.get("published")] + [updated])
    return dict(first_published=first_published, first_published_text=date_text(first_published),
                updated=updated, updated_text=date_text(updated), evidence_up_to=stats["evidence_up_to"].display,
                referrals_end=stats["referrals_end"].display)


def after_title(content: str, html_after: str) -> str:
    """Put HTML right after the page's <h1> (or first, where a page has none)."""
    end = content.find("</h1>")
    return content[:end + 5] + html_after + content[end + 5:] if end >= 0 else html_after + content


# -------------------------------------------------------------------------- pages

def page_root(page) -> str:
    """The relative path from a page back to the site root."""
    return "../" * page.url.count("/")


def _known(kind: str | None) -> set[str]:
    def names():
        from scripts.render import BLOCKS, record_ids
        tables, stats, charts = _pipeline().results()
        return {None: set(stats), "chart": set(charts), "block": set(BLOCKS), "quote": set(tables["quotes"]["id"]),
                "ref": record_ids(tables)}
    return _pipeline().get("known", names)[kind]


def _expand(kind: str | None, name: str, page, config) -> str:
    if kind == "ref":   # numbered in order of first appearance on the page, like footnotes
        refs = page.refs
        number = refs.setdefault(name, len(refs) + 1)
        return _pipeline().get(("ref", name, number, page.url), lambda: _ref_marker(name, number, page))

    def fresh() -> str:
        from scripts.changes import load_notes, load_snapshots, snapshot
        from scripts.render import (BLOCKS, PageLinks, changes_block, chart_figure, corrections_log_block, one_quote,
                                    schema_block, stat_in_heading, stat_link)
        tables, stats, charts = _pipeline().results()
        links = PageLinks(root=page_root(page), cite=claim_citation(config, page),
                          publisher=config.extra["publisher"], contact=config.extra["contact"])
        if kind == "heading":
            return stat_in_heading(stats[name])
        if kind == "quote":
            return one_quote(tables, name, links)
        if kind == "chart":
            return chart_figure(charts[name], tables, links)
        if kind is None:
            return stat_link(stats[name], links.root)
        if name == "schema":
            return schema_block(tables, stats, links, package=_state["package"])
        if name == "changes":
            current = snapshot(stats, tables["figures"], "unreleased", _state["package"]["version"], "")
            return changes_block(tables, stats, links, snapshots=load_snapshots(), current=current, notes=load_notes())
        if name == "corrections_log":
            return corrections_log_block(tables, stats, links, snapshots=load_snapshots())
        return BLOCKS[name](tables, stats, links)
    return _pipeline().get(("expand", kind, name, page.url), fresh)


def on_page_markdown(markdown, page, config, files):
    page.refs = {}
    try:
        markdown, page.generated_html = substitute(
            markdown, page.file.src_uri, _known, lambda kind, name: _expand(kind, name, page, config))
    except UnknownNames as error:
        raise PluginError(str(error)) from None
    except Exception as error:   # noqa: BLE001
        _stop_plainly(error, f"docs/{page.file.src_uri} (filling in its numbers and tables from data/)")
    return markdown


def _stop_plainly(error: Exception, where: str):
    """Stop the build with one plain message for a failure in a page's data-dependent step, never a traceback."""
    if isinstance(error, PluginError):
        raise error
    if isinstance(error, DataError):
        raise PluginError(str(error)) from None
    raise PluginError(unexpected(error, where)) from error


def _strip_notebook(content: str) -> str:
    """Drop nbconvert's inline styles (about 600 KB of JupyterLab CSS) and scripts (a MathJax stub and
    a Mermaid loader that imports from a CDN); site.css styles the cells instead."""
    from bs4 import BeautifulSoup
    document = BeautifulSoup(content, "html.parser")
    for element in document.find_all(["style", "script"]):
        element.decompose()
    # Markdown cells are prose: no reason to stop the keyboard on them (code cells scroll, so keep theirs).
    for wrapper in document.select(".jp-MarkdownCell .jp-Cell-inputWrapper[tabindex]"):
        del wrapper["tabindex"]
    # jupytext gives cells random ids on every read; number them so two builds are identical.
    for number, cell in enumerate(document.select('[id^="cell-id="]'), start=1):
        cell["id"] = f"notebook-cell-{number}"   # not "cell-N": mkdocs-jupyter gives its copy buttons those ids
    return str(document)


def on_page_content(content, page, config, files):
    generated = getattr(page, "generated_html", {})
    content = join_adjacent_markers(insert_html(content, generated))
    if "<table>" in content:
        from scripts.markdown_tables import own_markdown_tables
        content = own_markdown_tables(content)
    _fill_toc(page.toc, generated)
    _add_generated_headings(page, generated)
    if "jp-Notebook" in content:
        content = _pipeline().get(("notebook", hashlib.sha256(content.encode()).hexdigest()),
                                  lambda: _strip_notebook(content))
    try:
        line = publication_line(page, config, full=page.file.src_uri == "index.md")
    except Exception as error:   # noqa: BLE001
        _stop_plainly(error, f"docs/{page.file.src_uri} (its publication line, from data/releases/ and mkdocs.yml)")
    content = after_title(content, line)
    refs = list(getattr(page, "refs", {}))
    notes = _pipeline().get(("notes", page.url, tuple(refs)), lambda: _page_notes(refs, page)) if refs else ""
    return content + notes + page_citation(page, config)


def join_adjacent_markers(content: str) -> str:
    """Source markers side by side become one superscript, '1,2', as in a printed briefing."""
    return content.replace('</sup><sup class="ref">', '<span class="ref-sep">,</span>')


def _add_generated_headings(page, generated: dict[str, str]) -> None:
    """Blocks that group a long list under their own headings (Every figure, Sources) stand last on their
    page: add those headings to the page's contents, after the page's own."""
    from mkdocs.structure.toc import AnchorLink
    for fragment_html in generated.values():
        for anchor, title in re.findall(r'<h2 id="([^"]+)">([^<]+)</h2>', fragment_html):
            page.toc.items.append(AnchorLink(html.unescape(title), anchor, 2))


def _ref_marker(record_id: str, number: int, page) -> str:
    from scripts.render import ref_marker
    return ref_marker(_pipeline().results()[0], record_id, number, page_root(page))


def _page_notes(record_ids: list[str], page) -> str:
    from scripts.render import page_notes
    return page_notes(_pipeline().results()[0], record_ids, page_root(page))


def _fill_toc(items, generated: dict[str, str]) -> None:
    """A statistic in a heading: the page's contents show its value as plain text, not the placeholder."""
    for item in items:
        for key, fragment_html in generated.items():
            if key in item.title:
                item.title = item.title.replace(key, re.sub(r"<[^>]+>", "", fragment_html))
        _fill_toc(item.children, generated)


def on_page_context(context, page, config, nav):
    """What the templates need for citation, Open Graph and JSON-LD metadata."""
    item = page_citable(page, config)
    is_data_page = page.file.src_uri == "data.md"
    context["citation"] = item
    # Help and safety pages are for readers in danger, not part of the brief's argument: no scholarly tags.
    context["scholarly"] = page.file.src_uri not in SUPPORT_PAGES
    context["citation_pdf_url"] = pinned_url(config, PDF_PATH)
    try:
        context["json_ld"] = json_ld(item, page.meta.get("description", config.site_description), config.site_name,
                                     config.extra["base_url"], _state["package"] if is_data_page else None,
                                     pinned_url(config, "downloads/"), scholarly=context["scholarly"])
    except Exception as error:   # noqa: BLE001
        _stop_plainly(error, f"docs/{page.file.src_uri} (its metadata, from data/datapackage.json)")
    context["social_image"] = pinned_url(config, SOCIAL_CARD)
    return context


def on_post_page(output, page, config):
    """Write the page's BibTeX, RIS and CSL-JSON, then finish its HTML like every other page."""
    item = page_citable(page, config)
    folder = Path(config.site_dir) / page.url
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cite.bib").write_text(bibtex(item), encoding="utf-8")
    (folder / "cite.ris").write_text(ris(item), encoding="utf-8", newline="")
    (folder / "cite.json").write_text(json.dumps(csl_json(item), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return finish_html(output, config, help_url=page_root(page) + "help/")


def on_post_template(output, template_name, config):
    """The 404 page is rendered from a template, not a page: it needs the exit button and CSP too."""
    if template_name != "404.html":
        return output
    return finish_html(output, config, help_url=config.extra["root_path"] + "help/")


def finish_html(output: str, config, help_url: str) -> str:
    """Put "Exit this page" first in <body>, so it is the first thing a keyboard reaches and sits outside
    the components that instant navigation swaps; give the skip link a landmark; add the page's CSP."""
    link = fragment("quick-exit.html", exit_url=config.extra["exit_url"], help_url=help_url)
    output = BODY_OPEN.sub(lambda match: match.group(0) + link, output, count=1)
    output = SKIP_LINK.sub(lambda match: f'<nav class="md-skip-nav" aria-label="Skip to content">{match.group(0)}</nav>',
                           output, count=1)
    if _state.get("command") == "serve":
        return output  # `mkdocs serve` adds an inline live-reload script at serving time, which a CSP would block
    return HEAD_OPEN.sub(lambda match: match.group(0) + content_security_policy(output), output, count=1)


def content_security_policy(output: str) -> str:
    """A policy for this page alone: the site's own files, plus the hashes of exactly the inline
    scripts this page carries (Material's few lines that locate the site root, which differ with
    the page's depth). Nothing else can run."""
    return f'<meta http-equiv="Content-Security-Policy" content="{csp(script_hashes(output))}">'


def on_serve(server, config, builder):
    """`make serve`: a failed rebuild keeps the last good pages served, with its error shown on them."""
    from scripts.serve import keep_serving
    return keep_serving(server)


def check_links(config) -> bool:
    from scripts.linkcheck import check_folder
    problems = check_folder(Path(config.site_dir))
    if problems:
        raise PluginError("Broken internal links or anchors:\n  " + "\n  ".join(problems))
    return True


def on_build_error(error):
    from scripts.serve import ERRORS
    ERRORS.record(error)


def on_post_build(config):
    """Write the charts' files (drawn while the pages rendered); stop the build on a broken internal link
    or #anchor, checked in the built pages, so the ids that the hooks and templates add count too; only
    then keep the pipeline's results for the next build."""
    try:
        key, generated = _state.pop("drawn").result()
    except Exception as error:   # noqa: BLE001
        _stop_plainly(error, "the charts' files (drawn from data/ and the pages that show them)")
    _pipeline().get(key, lambda: generated)
    for path, content in generated:
        target = Path(config.site_dir) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    # Pages identical to a build that checked clean need no second check (an unchanged rebuild).
    site = Path(config.site_dir)
    _pipeline().get(("links checked", content_digest(site, relative_to=site)), lambda: check_links(config))
    _pipeline().save()
    cache.evict_old_states()
    if _notebook_cache(config) is not None:
        cache.seal_notebook_entries(_notebook_cache(config))
