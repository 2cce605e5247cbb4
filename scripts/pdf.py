"""The whole brief as one PDF: a cover with version and citation, then every page in reading order,
printed offline by Debian's Chromium from a local build of the site."""
from __future__ import annotations

import functools
import html
import io
import threading
import xml.etree.ElementTree as ET
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright
from pypdf import PdfWriter

from scripts.chromium import ARGS, CHROMIUM

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def cover_html(title: str, version: str, data_version: str, published: str, reference: str) -> str:
    e = html.escape
    return (f"<!doctype html><html lang='en'><meta charset='utf-8'><title>{e(title)}</title>"
            "<body style='font-family: sans-serif; margin: 3cm 2cm;'>"
            f"<h1 style='font-size: 32pt; color: #1a237e;'>{e(title)}</h1>"
            f"<p style='font-size: 14pt;'>Version {e(version)} · data version {e(data_version)} · published {e(published)}</p>"
            f"<h2 style='margin-top: 3cm;'>How to cite</h2><p>{e(reference)}</p></body></html>")


def build_pdf(site_dir: Path, output: Path, site_url: str, pinned_base: str, cover: str) -> Path:
    """Print every page listed in the site's sitemap.xml, after the cover, into one PDF.

    Links are rewritten to the version-pinned public address first, so the PDF never points at
    the local server it was printed from.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    local = f"http://127.0.0.1:{server.server_address[1]}/"
    locs = [loc.text for loc in ET.parse(site_dir / "sitemap.xml").getroot().iter(SITEMAP_NS)]
    paths = [loc.removeprefix(site_url) for loc in locs]   # the site may live under a sub-path
    writer = PdfWriter()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.set_content(cover)
            writer.append(io.BytesIO(page.pdf(format="A4", print_background=True)))
            for path in paths:
                page.goto(local + path, wait_until="networkidle")
                page.evaluate("""([local, pinned]) => {
                    document.querySelectorAll('details').forEach(d => d.open = true);
                    document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager');
                    document.querySelectorAll('a[href]').forEach(a => {
                        if (!a.href.startsWith(local)) return;
                        a.href = pinned + a.href.slice(local.length);
                        a.dataset.internal = "";   // print.css prints the address of external links only
                    });
                }""", [local, pinned_base])
                page.wait_for_function("[...document.images].every(i => i.complete)")
                writer.append(io.BytesIO(page.pdf(format="A4", print_background=True,
                                                  margin={"top": "1.5cm", "bottom": "1.5cm", "left": "1.5cm", "right": "1.5cm"})))
            browser.close()
    finally:
        server.shutdown()
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as handle:
        writer.write(handle)
    return output
