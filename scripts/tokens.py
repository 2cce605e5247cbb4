"""`{{ name }}`, `{{ chart: name }}`, `{{ block: name }}`, `{{ quote: Q-001 }}` and `{{ ref: F-001 }}` in
Markdown pages. A ref is a numbered source marker, footnote style; the page lists its refs at the end.

Tokens become placeholders before Markdown runs and HTML after it (insert_html), so nothing
generated from data, not even a title attribute, is ever read as Markdown. Text inside code is
left alone (fenced code blocks and `code spans`; indented code blocks are not recognised).
Every unknown name is collected, with its page and line, before the build fails.
"""
from __future__ import annotations

import re
from typing import Callable

TOKEN = re.compile(r"\{\{\s*(?:(chart|block|quote|ref)\s*:\s*)?([A-Za-z0-9_\-]+)\s*\}\}")
FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
EXPLICIT_ANCHOR = re.compile(r"\{\s*#[\w-]+[^}]*\}\s*$")
KINDS = {None: "statistic", "chart": "chart", "block": "block", "quote": "quote", "ref": "record"}


class UnknownNames(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _outside_code(line: str):
    """(text, is_outside_code) pieces of one line."""
    last = 0
    for span in CODE_SPAN.finditer(line):
        yield line[last:span.start()], True
        yield span.group(0), False
        last = span.end()
    yield line[last:], True


def substitute(markdown: str, page_path: str, known: Callable[[str | None], set[str]],
               expand: Callable[[str | None, str], str]) -> tuple[str, dict[str, str]]:
    """Replace every token outside code with a placeholder; return the HTML each placeholder stands for."""
    problems, out, in_fence, html = [], [], False, {}
    for number, line in enumerate(markdown.split("\n"), start=1):
        if FENCE.match(line):
            in_fence = not in_fence
        if in_fence or "{{" not in line:
            out.append(line)
            continue
        heading = bool(HEADING.match(line))
        if heading and TOKEN.search(line) and not EXPLICIT_ANCHOR.search(line):
            problems.append(f"docs/{page_path}, line {number}: a heading with a {{{{ }}}} token needs its own anchor, "
                            "e.g. '## … {#name}', so that its address does not change when the data does")

        def replace(match):
            kind, name = match.group(1), match.group(2)
            if heading and kind is not None:
                problems.append(f"docs/{page_path}, line {number}: a {{{{ {kind}: }}}} token cannot stand in a heading; "
                                "expected only statistics there, or the token in the text below the heading")
                return match.group(0)
            if name not in known(kind):
                problems.append(f"docs/{page_path}, line {number}: unknown {KINDS[kind]} '{name}'. "
                                f"Known: {', '.join(sorted(known(kind)))}")
                return match.group(0)
            key = f"SAFETOREPORTPLACEHOLDER{len(html):04d}X"
            html[key] = expand("heading" if heading else kind, name)
            return key
        out.append("".join(TOKEN.sub(replace, text) if active else text for text, active in _outside_code(line)))
    if problems:
        raise UnknownNames(problems)
    return "\n".join(out), html


def insert_html(content: str, html: dict[str, str]) -> str:
    """Put generated HTML where its placeholder stands; a placeholder alone in a paragraph replaces the paragraph."""
    for key, fragment in html.items():
        content = content.replace(f"<p>{key}</p>", fragment).replace(key, fragment)
    return content
