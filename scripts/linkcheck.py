"""Check that every internal link and #anchor of a site resolves: in a built folder (the build runs it
after writing the pages, so it sees the ids the hooks add) or over HTTP (the deployed site behind a web
server). Links leaving the site are not followed; a checker must never make a reader's request.
"""
from __future__ import annotations

import posixpath
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urljoin, urlsplit

import lxml.etree
import lxml.html

FOLDER_BASE = "http://site.invalid/"   # a built folder is checked as if served here
LINK_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "iframe": "src", "source": "src"}
SKIPPED_RELS = {"canonical", "alternate"}   # absolute public addresses, not links inside this copy of the site


@dataclass
class Response:
    status: int
    content_type: str = ""
    body: bytes = b""


@dataclass
class _Page:
    """The links and the ids of one HTML page."""
    links: list[str]
    ids: set[str]


def parse(body: bytes) -> _Page:
    """Read with lxml's HTML parser (libxml2): the pages of a site with thousands of rows run to
    megabytes, and a parser written in Python takes most of a build to read them."""
    # huge_tree: without it libxml2 silently stops reading past 256 levels of nesting or a 10 MB text node.
    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True)
    try:
        document = lxml.html.document_fromstring(body, parser=parser)
    except lxml.etree.ParserError:   # an empty page
        return _Page([], set())
    ids = set(document.xpath("//@id")) | set(document.xpath("//a/@name"))
    links = []
    for element in document.iter(*LINK_ATTRIBUTES):
        target = element.get(LINK_ATTRIBUTES[element.tag])
        if target and not (element.tag == "link" and SKIPPED_RELS & set((element.get("rel") or "").split())):
            links.append(target)
    return _Page(links, {str(i) for i in ids if i})


def check(seeds: list[str], fetch: Callable[[str], Response], base: str, follow: bool = True,
          parsed: dict[str, _Page] | None = None) -> list[str]:
    """Problems found checking every link on the seed pages (and, with `follow`, on every page they
    reach inside `base`): targets that do not answer 200, and #anchors with no such id. `parsed`: pages
    already read, by address."""
    responses: dict[str, Response] = {}
    parsed = dict(parsed or {})

    def get(url: str) -> Response:
        if url not in responses:
            responses[url] = fetch(url)
        return responses[url]

    def page(url: str) -> _Page | None:
        response = get(url)
        if response.status != 200 or "html" not in response.content_type:
            return None
        if url not in parsed:
            parsed[url] = parse(response.body)
        return parsed[url]

    @lru_cache(maxsize=None)
    def resolve(source: str, address: str) -> str | None:
        """The page an href's address part (before any #) leads to; None if it is not part of this copy."""
        if escapes_root(source, address, base):
            return None   # e.g. an unversioned build's link to a sibling version: not part of this copy
        target = urljoin(source, address).split("?")[0]
        return target if target.startswith(base) else None   # else another site, or outside this copy

    problems, queue, seen = [], list(seeds), set(seeds)
    while queue:
        source = queue.pop(0)
        document = page(source)
        if document is None:
            problems.append(f"{source}: answers {get(source).status}")
            continue
        for href in dict.fromkeys(document.links):   # a link repeated on a page resolves the same way
            if href.startswith(("mailto:", "tel:", "data:", "javascript:")):
                continue
            # Pages link thousands of anchors on a few pages: resolve each page address once.
            address, _, fragment = href.partition("#")
            target = resolve(source, address)
            if target is None:
                continue
            if get(target).status != 200:
                problems.append(f"{source}: link {href!r} → {target} answers {get(target).status}")
                continue
            if fragment and not fragment.startswith(":~:"):   # text fragments are the browser's, not ids
                linked = page(target)
                if linked is not None and unquote(fragment) not in linked.ids:
                    problems.append(f"{source}: link {href!r} → no element with id {unquote(fragment)!r} in {target}")
            if follow and target not in seen and page(target) is not None:
                seen.add(target)
                queue.append(target)
    return sorted(set(problems))


def escapes_root(source: str, href: str, base: str) -> bool:
    """A relative link climbing above the site's root (urljoin would silently clamp it to the root)."""
    if urlsplit(href).scheme or href.startswith(("/", "#")):
        return False
    here = posixpath.dirname(urlsplit(source).path.removeprefix(urlsplit(base).path)) or "."
    return posixpath.normpath(posixpath.join(here, urlsplit(href).path)).startswith("..")


def folder_fetcher(folder: Path) -> Callable[[str], Response]:
    """Serve a built folder as a static host would: a folder's index.html, 404 for anything missing."""
    def fetch(url: str) -> Response:
        path = unquote(urlsplit(url).path)
        local = folder / posixpath.normpath(path).lstrip("/")
        if path.endswith("/") or local.is_dir():
            local = local / "index.html"
        if not local.is_file():
            return Response(404)
        return Response(200, "text/html" if local.suffix == ".html" else "application/octet-stream", local.read_bytes())
    return fetch


def check_folder(folder: Path, skip: tuple[str, ...] = ("404.html",)) -> list[str]:
    """Every page of a built site as a source (pages outside the navigation too)."""
    pages = [p for p in sorted(folder.rglob("*.html")) if p.name not in skip]
    seeds = [FOLDER_BASE + p.relative_to(folder).as_posix() for p in pages]
    # libxml2 reads without Python's lock, so two pages are read at once (the build's second core is mostly idle)
    with ThreadPoolExecutor(max_workers=2) as pool:
        parsed = dict(zip(seeds, pool.map(lambda path: parse(path.read_bytes()), pages)))
    # links name a folder's page by the folder ("figures/#F-001"): the same page, read once
    parsed |= {seed.removesuffix("index.html"): page for seed, page in parsed.items() if seed.endswith("/index.html")}
    problems = check(seeds, folder_fetcher(folder), FOLDER_BASE, follow=False, parsed=parsed)
    return [p.replace(FOLDER_BASE, "/") for p in problems]
