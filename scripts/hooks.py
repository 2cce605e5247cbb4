"""MkDocs hooks: run the pipeline (load and validate → statistics → charts) and put its
results into the pages.

In Markdown, `{{ referrals_total }}` becomes that statistic, linked to its entry on the
Methods page; `{{ chart: forces }}` becomes a chart with its description, table, source
line and downloads; `{{ block: quotes }}` becomes a generated section. An unknown name
stops the build and says which page and line. Text inside code is left alone.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # mkdocs loads hooks by path, not as part of a package
    sys.path.insert(0, str(ROOT))

from bs4 import BeautifulSoup  # noqa: E402
from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402

from scripts.charts import build_charts  # noqa: E402
from scripts.load import DATA_DIR, DataError, load  # noqa: E402
from scripts.render import BLOCKS, chart_csv, chart_figure, chart_svg, schema_block, stat_link  # noqa: E402
from scripts.stats import compute_statistics  # noqa: E402

TOKEN = re.compile(r"\{\{\s*(?:(chart|block)\s*:\s*)?([A-Za-z0-9_\-]+)\s*\}\}")
FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")

_pipeline: dict = {}


def on_config(config):
    try:
        tables = load(DATA_DIR)
        stats = compute_statistics(tables)
    except DataError as error:
        raise PluginError(str(error)) from None
    package = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    _pipeline.update(tables=tables, stats=stats, charts=build_charts(tables, stats), package=package)
    config.extra["data_version"] = package["version"]
    return config


def on_files(files, config):
    for chart in _pipeline["charts"].values():
        files.append(File.generated(config, f"charts/{chart.name}.svg", content=chart_svg(chart)))
        files.append(File.generated(config, f"charts/{chart.name}.csv", content=chart_csv(chart)))
    downloads = ["datapackage.json"] + [resource["path"] for resource in _pipeline["package"]["resources"]]
    for name in downloads:
        files.append(File.generated(config, f"downloads/{name}", content=(DATA_DIR / name).read_bytes()))
    return files


def _expand(kind: str | None, name: str, root: str) -> str:
    tables, stats, charts = _pipeline["tables"], _pipeline["stats"], _pipeline["charts"]
    if kind == "chart":
        return chart_figure(charts[name], tables["sources"], tables["figures"], root)
    if kind == "block":
        if name == "schema":
            return schema_block(tables, stats, root, package=_pipeline["package"])
        return BLOCKS[name](tables, stats, root)
    return stat_link(stats[name], root)


def _known(kind: str | None) -> dict:
    return {"chart": _pipeline["charts"], "block": BLOCKS}.get(kind, _pipeline["stats"])


def substitute(markdown: str, page_path: str, root: str) -> tuple[str, dict[str, str]]:
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
                html[key] = _expand(kind, name, root)
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
    markdown, page.generated_html = substitute(markdown, page.file.src_uri, "../" * page.url.count("/"))
    return markdown


def on_page_content(html, page, config, files):
    """Generated HTML goes into its placeholders. Notebook pages: drop nbconvert's inline styles (about 600 KB of JupyterLab CSS) and scripts
    (a MathJax stub and a Mermaid loader that imports from a CDN); site.css styles the cells."""
    html = insert_html(html, getattr(page, "generated_html", {}))
    if "jp-Notebook" not in html:
        return html
    document = BeautifulSoup(html, "html.parser")
    for element in document.find_all(["style", "script"]):
        element.decompose()
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
    link = EXIT_LINK.format(url=config.extra["exit_url"])
    return BODY_OPEN.sub(lambda match: match.group(0) + link, output, count=1)
