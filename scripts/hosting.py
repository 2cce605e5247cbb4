"""What a static host needs besides the pages: HTTP headers (a `_headers` file for hosts that read one,
and an nginx server block), robots.txt and a sitemap index at the root of the deployed site.

Every page carries its own Content-Security-Policy in a meta tag; the header policy allows the union of
the inline scripts of every page of every deployed version (Material's few lines that locate the site
root, which differ with the page's depth), adds what a meta tag cannot say (frame-ancestors) and is
recomputed on every release from the deployed files.

    python -m scripts.hosting nginx SITE_DIR [LISTEN [PREFIX]]   # an nginx server block for a checkout of gh-pages
"""
from __future__ import annotations

import base64
import hashlib
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>(.*?)</script>", re.S)
# Only the site itself: no other host may be contacted. Styles allow inline because Material sets
# style attributes from its JavaScript; images allow data: for the notebook's rendered chart.
CSP = ("default-src 'none'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; base-uri 'self'; form-action 'self'")
PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
                      "payment=(), usb=(), interest-cohort=(), browsing-topics=()")
CONTENT_TYPES = {"ris": "application/x-research-info-systems", "bib": "application/x-bibtex; charset=utf-8",
                 "csv": "text/csv; charset=utf-8", "svg": "image/svg+xml", "json": "application/json",
                 "xml": "application/xml", "pdf": "application/pdf"}


def script_hashes(page_html: str) -> set[str]:
    return {"'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"
            for code in INLINE_SCRIPT.findall(page_html)}


def csp(hashes: set[str]) -> str:
    return CSP.format(hashes="".join(" " + h for h in sorted(hashes)))


def site_csp(site_dir: Path) -> str:
    """The policy for the whole deployed site: every page's own inline scripts, nothing else."""
    hashes = set()
    for page in site_dir.rglob("*.html"):
        hashes |= script_hashes(page.read_text(encoding="utf-8", errors="replace"))
    return csp(hashes) + "; frame-ancestors 'none'"


def security_headers(policy: str) -> dict[str, str]:
    return {"Content-Security-Policy": policy, "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff",
            "Permissions-Policy": PERMISSIONS_POLICY, "X-Frame-Options": "DENY", "Cross-Origin-Opener-Policy": "same-origin"}


def headers_file(policy: str) -> str:
    """Netlify/Cloudflare Pages `_headers`: the security headers on every path, and content types for
    the citation and data downloads that such hosts may not know."""
    lines = ["/*"] + [f"  {name}: {value}" for name, value in security_headers(policy).items()]
    for extension in ("ris", "bib", "csv", "svg"):
        lines += [f"/*.{extension}", f"  Content-Type: {CONTENT_TYPES[extension]}"]
    return "\n".join(lines) + "\n"


def nginx_server(root: Path, policy: str, listen: str = "80", prefix: str = "/") -> str:
    """An nginx server block for the deployed site (a checkout of gh-pages) at `prefix`, with a
    root 404 page and the same headers as `_headers`."""
    headers = "".join(f"    add_header {name} \"{value}\" always;\n" for name, value in security_headers(policy).items())
    types = "".join(f"        {value.split(';')[0]} {ext};\n" for ext, value in CONTENT_TYPES.items())
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    return (
        "server {\n"
        f"    listen {listen};\n"
        "    server_tokens off;\n"
        "    charset utf-8;\n"
        "    charset_types text/css application/javascript application/json application/x-research-info-systems "
        "application/x-bibtex text/csv image/svg+xml application/xml;\n"
        f"    location {prefix} {{\n"
        f"        alias {root.resolve()}/;\n"
        "        index index.html;\n"
        f"        error_page 404 {prefix}404.html;\n"
        "        types {\n"
        "        text/html html;\n        text/css css;\n        application/javascript js;\n        text/plain txt py;\n"
        "        image/png png;\n        image/jpeg jpg jpeg;\n        image/webp webp;\n        image/x-icon ico;\n"
        "        font/woff2 woff2;\n        application/gzip gz;\n        application/zip zip;\n"
        "        application/x-ipynb+json ipynb;\n        application/manifest+json webmanifest;\n"
        f"{types}"
        "        }\n"
        f"{headers}"
        "    }\n"
        "}\n")


def robots_txt(site_url: str) -> str:
    """Every version may be crawled and archived: citations point at them. Canonical links say which
    address is the page's own; the sitemap index lists every version's pages."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_url}sitemap.xml\n"


def sitemap_index(site_url: str, versions: list[str]) -> str:
    entries = "".join(f"<sitemap><loc>{site_url}{v}/sitemap.xml</loc></sitemap>" for v in versions)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>\n')


def site_prefix(site_url: str) -> str:
    return urlsplit(site_url).path or "/"


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] != "nginx":
        sys.exit(__doc__)
    folder = Path(sys.argv[2])
    print(nginx_server(folder, site_csp(folder), sys.argv[3] if len(sys.argv) > 3 else "80",
                       sys.argv[4] if len(sys.argv) > 4 else "/"))
