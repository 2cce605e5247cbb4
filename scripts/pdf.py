"""The whole brief as one PDF: a cover with version and citation, then every page in reading order,
printed offline by Debian's Chromium from a local build of the site.

The pages are gathered into one document and printed once, so the PDF is tagged (structure for screen
readers) and has an outline (bookmarks) from the headings; pypdf then adds its document metadata.
Scripts are never evaluated from strings: the pages' CSP forbids eval, so Playwright gets functions.
"""
from __future__ import annotations

import functools
import io
import threading
import xml.etree.ElementTree as ET
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright
from pypdf import PdfReader, PdfWriter
from pypdf.generic import BooleanObject, DictionaryObject, NameObject, TextStringObject

from scripts.chromium import ARGS, CHROMIUM
from scripts.cite import AUTHOR, TITLE

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
SUBJECT = ("The evidence that police in England and Wales refer victims of domestic abuse to Home Office "
           "Immigration Enforcement: findings, voices, recommendations and what government did with them.")
MARGIN = {"top": "1.5cm", "bottom": "1.5cm", "left": "1.5cm", "right": "1.5cm"}

# Run in each page: open what is folded, load every image, point links at the pinned public address,
# and hand back the page's article with image addresses made absolute (it is moved to another page).
TAKE_ARTICLE = """([local, pinned]) => {
    document.querySelectorAll('details').forEach(d => d.open = true);
    document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; i.setAttribute('src', i.src); });
    document.querySelectorAll('a[href]').forEach(a => {
        if (!a.href.startsWith(local)) return;
        a.href = pinned + a.href.slice(local.length);
        a.dataset.internal = "";   // print.css prints the address of external links only
    });
    const article = document.querySelector('article') || document.querySelector('main');
    return article.innerHTML;
}"""
# Put the cover and every article, each starting on a new sheet, in place of the first page's article.
ASSEMBLE = """([title, sections]) => {
    document.title = title;
    const article = document.querySelector('article') || document.querySelector('main');
    article.innerHTML = sections.map((s, i) =>
        '<section class="pdf-part"' + (i ? ' style="break-before: page"' : '') + '>' + s + '</section>').join('');
}"""
IMAGES_LOADED = "() => [...document.images].every(i => i.complete)"
# Every heading's text, for the outline: Chromium drops the spaces where a heading wraps onto a new line.
HEADINGS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h =>
    [...h.childNodes].filter(n => !(n.classList && n.classList.contains('headerlink'))).map(n => n.textContent).join('')
    .replace(/\\s+/g, ' ').trim())"""
# The site's navigation, in order: the reading order of the brief.
NAV_ORDER = "() => [...new Set([...document.querySelectorAll('nav.md-nav--primary a.md-nav__link[href]')].map(a => a.href.split('#')[0]))]"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def cover_html(version: str, data_version: str, published: str, reference: str) -> str:
    """The cover: the brief's full title, its version and how to cite it (overrides/fragments/pdf-cover.html)."""
    from scripts.fragments import fragment
    return fragment("pdf-cover.html", title=TITLE, version=version, data_version=data_version, published=published,
                    reference=reference)


def build_pdf(site_dir: Path, output: Path, site_url: str, pinned_base: str, cover: str, version: str = "") -> Path:
    """Print every page listed in the site's sitemap.xml, in the order of the site's navigation (pages
    outside it last), after the cover, into one tagged PDF.

    Links are rewritten to the version-pinned public address first, so the PDF never points at
    the local server it was printed from.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    local = f"http://127.0.0.1:{server.server_address[1]}/"
    locs = [loc.text for loc in ET.parse(site_dir / "sitemap.xml").getroot().iter(SITEMAP_NS)]
    paths = [loc.removeprefix(pinned_base).removeprefix(site_url) for loc in locs]   # the site may live under a sub-path
    title = f"{TITLE} (version {version})" if version else TITLE
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(local + paths[0], wait_until="networkidle")
            in_nav = [url.removeprefix(local) for url in page.evaluate(NAV_ORDER) if url.startswith(local)]
            ordered = [p for p in in_nav if p in paths] + [p for p in paths if p not in in_nav]
            sections = [cover]
            for path in ordered:
                page.goto(local + path, wait_until="networkidle")
                sections.append(page.evaluate(TAKE_ARTICLE, [local, pinned_base]))
            page.goto(local + paths[0], wait_until="networkidle")
            page.evaluate(ASSEMBLE, [title, sections])
            page.wait_for_function(IMAGES_LOADED)
            headings = page.evaluate(HEADINGS)
            printed = page.pdf(format="A4", print_background=True, margin=MARGIN, tagged=True, outline=True)
            browser.close()
    finally:
        server.shutdown()
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as handle:
        handle.write(with_metadata(printed, title, headings))
    return output


def with_metadata(pdf: bytes, title: str, headings: list[str] = ()) -> bytes:
    """Title, author, subject and language, read by PDF viewers, screen readers and reference managers;
    bookmarks titled with their headings' own words."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    by_letters = {"".join(h.split()): h for h in headings}
    outlines = writer._root_object.get("/Outlines")
    stack = [outlines.get_object()["/First"]] if outlines and "/First" in outlines.get_object() else []
    while stack:
        item = stack.pop().get_object()
        heading = by_letters.get("".join(str(item["/Title"]).split()))
        if heading:
            item[NameObject("/Title")] = TextStringObject(heading)
        stack += [item[key] for key in ("/Next", "/First") if key in item]
    writer.add_metadata({"/Title": title, "/Author": AUTHOR, "/Subject": SUBJECT, "/Creator": AUTHOR})
    writer._root_object[NameObject("/Lang")] = TextStringObject("en-GB")
    writer._root_object[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)})   # viewers show the title, not the file name
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
