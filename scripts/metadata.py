"""Metadata for search engines and link previews: schema.org JSON-LD and an offline social card."""
from __future__ import annotations

import html
import json

from scripts.cite import Citable

SOCIAL_CARD = "assets/social-card.png"


def social_card_svg(site_name: str) -> str:
    """A 1200x630 link-preview image, drawn here so that no service is asked to make one."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630">'
        '<rect width="1200" height="630" fill="#1a237e"/>'
        f'<text x="80" y="280" font-family="sans-serif" font-size="96" font-weight="700" fill="#ffffff">{html.escape(site_name)}</text>'
        '<text x="80" y="370" font-family="sans-serif" font-size="40" fill="#e8eaf6">Police, domestic abuse victims and</text>'
        '<text x="80" y="425" font-family="sans-serif" font-size="40" fill="#e8eaf6">Immigration Enforcement: the evidence</text>'
        '</svg>')


def json_ld(item: Citable, description: str, site_name: str, base_url: str,
            package: dict | None = None, downloads_url: str = "", scholarly: bool = True) -> str:
    """A schema.org Report for a page of the brief, a WebPage for help pages, or a Dataset when given
    the Data Package."""
    if package is None:
        data = {
            "@context": "https://schema.org", "@type": "Report" if scholarly else "WebPage", "name": item.title,
            "isPartOf": {"@type": "WebSite", "name": site_name, "url": base_url},
            "author": {"@type": "Organization", "name": "Safe to Report"},
            "datePublished": item.published, "version": item.version, "url": item.url, "inLanguage": "en-GB",
            "description": description, "license": "https://creativecommons.org/licenses/by/4.0/",
        }
    else:
        data = {
            "@context": "https://schema.org", "@type": "Dataset", "name": package["title"],
            "description": package["description"], "version": package["version"], "url": item.url,
            "license": package["licenses"][0]["path"], "keywords": package["keywords"],
            "creator": {"@type": "Organization", "name": "Safe to Report"}, "datePublished": item.published,
            "distribution": [{"@type": "DataDownload", "encodingFormat": "text/csv", "name": r["path"],
                              "contentUrl": f"{downloads_url}{r['path']}"} for r in package["resources"]],
        }
    # "</" cannot end the script element early.
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
