"""Tables written in a page's Markdown, presented like the generated ones. Apart from scripts/render.py,
which imports pandas and Altair: every build runs this, and an unchanged rebuild imports neither."""
from __future__ import annotations

import html
import re

from scripts.fragments import fragment

MARKDOWN_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
HEADING_TEXT = re.compile(r"<h[1-6][^>]*>(.*?)(?:<a class=\"headerlink\"|</h[1-6]>)", re.S)


def own_markdown_tables(content: str) -> str:
    """Every table written in a page's Markdown (Python-Markdown gives it no class) in the same scroll
    region as a generated table, named by the nearest heading above it."""
    def wrap(match: re.Match) -> str:
        headings = HEADING_TEXT.findall(content, 0, match.start())
        label = html.unescape(re.sub(r"<[^>]+>", "", headings[-1])).strip() if headings else "Table"
        return fragment("markdown-table.html", label=label, inside=match.group(1))
    return MARKDOWN_TABLE.sub(wrap, content)
