"""Citations: a Harvard reference for a page or a single claim, and BibTeX, RIS and CSL-JSON files for a
page, pointing at the version-pinned address. Pure functions of the page's details; the hook supplies those.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

AUTHOR = "Safe to Report"
TITLE = "Safe to Report: police referrals of domestic abuse victims to Immigration Enforcement"


def short_title(title: str) -> str:
    """The page's own title, without the brief's: "Findings" (the brief itself keeps its title)."""
    return title.removesuffix(" — " + TITLE)


def full_title(name: str) -> str:
    """A page's or claim's title that names the brief it belongs to: "Findings — Safe to Report: …"."""
    return f"{name} — {TITLE}" if name and name not in (AUTHOR, TITLE) else TITLE


@dataclass(frozen=True)
class Citable:
    title: str            # full title, naming the brief (full_title)
    url: str              # version-pinned address, with #anchor for a claim
    year: str
    version: str
    data_version: str
    published: str        # YYYY-MM-DD


def harvard(item: Citable) -> str:
    """Harvard style as used in UK policy writing; the reader adds the date they accessed it."""
    return (f"{AUTHOR} ({item.year}) {item.title}. Version {item.version} (data version "
            f"{item.data_version}). Available at: {item.url} (Accessed: ACCESSED).")


def bibtex_key(item: Citable) -> str:
    name = item.title.removesuffix(TITLE).removesuffix(" — ") or "brief"
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-")
    return f"safetoreport-{item.year}-{slug}-{item.version}".replace(".", "-")


def _bibtex_escape(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


# Characters that break a \url inside an ordinary field (biblatex stores the field in a macro: a # is a
# parameter there, a % a comment), or that \url cannot take inside another command's argument.
NOT_IN_A_BIBTEX_URL = re.compile(r"[#%\\{}^\s]")


def bibtex(item: Citable) -> str:
    """A @misc entry that BibTeX's plain and plainnat styles and biblatex (with biber) render the same
    way. The title names the brief (there is no container field all of them print), and the address is
    given once, in howpublished: plain ignores `url`, and plainnat would print both. A page's address
    only: an #anchor cannot go in howpublished (see NOT_IN_A_BIBTEX_URL)."""
    if NOT_IN_A_BIBTEX_URL.search(item.url):
        raise ValueError(f"{item.url}: BibTeX gives the address in howpublished, where biblatex fails on "
                         "#, %, \\, braces, ^ and spaces; cite the page's address")
    fields = {
        "author": "{" + AUTHOR + "}",   # a corporate author, kept as one name
        "title": "{" + _bibtex_escape(item.title) + "}",
        "howpublished": f"Version {item.version}, data version {item.data_version}. \\url{{{item.url}}}",
        "year": item.year,
        "date": item.published,
    }
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    return f"@misc{{{bibtex_key(item)},\n{body}\n}}\n"


def ris(item: Citable) -> str:
    lines = [
        ("TY", "ELEC"), ("AU", AUTHOR), ("TI", item.title), ("T2", TITLE), ("PY", item.year),
        ("DA", item.published.replace("-", "/")), ("ET", item.version),
        ("N1", f"Data version {item.data_version}"), ("UR", item.url), ("LA", "en"), ("ER", ""),
    ]
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


def csl_json(item: Citable) -> list[dict]:
    """CSL-JSON, the data citeproc processors (Zotero, Mendeley, Pandoc, citeproc-py) format: a web page
    with the brief as its container, the version and the pinned address, each in its own variable."""
    year, month, day = (int(part) for part in item.published.split("-"))
    title = short_title(item.title)
    entry = {
        "id": bibtex_key(item),
        "type": "webpage",
        "author": [{"literal": AUTHOR}],
        "title": title,
        **({"container-title": TITLE} if title != TITLE else {}),
        "version": item.version,
        "issued": {"date-parts": [[year, month, day]]},
        "URL": item.url,
        "note": f"Data version {item.data_version}",
        "language": "en-GB",
    }
    return [entry]   # CSL-JSON is a list of items, also for one


NEUTRAL_NAMES = {"staying-safe": "online-privacy"}   # page addresses that would say too much as a file name


def download_name(page_url: str, version: str, extension: str) -> str:
    """What a downloaded citation file is called: descriptive and neutral (a file list on a shared device
    says nothing about the subject)."""
    slug = re.sub(r"[^a-z0-9]+", "-", page_url.lower()).strip("-") or "summary"
    return f"citation-{NEUTRAL_NAMES.get(slug, slug)}-{version}.{extension}"


def harvard_parts(item: Citable) -> tuple[str, str]:
    """The Harvard reference split where the reader's access date goes (filled in by cite.js)."""
    before, after = harvard(item).split("ACCESSED")
    return before, after


@dataclass(frozen=True)
class ClaimCitation:
    """What a claim's small "Cite" control shows (the cite_claim macro in overrides/fragments/macros.html)."""
    title: str                  # what is cited, for screen readers: "Figure F-001"
    reference: tuple[str, str]  # harvard_parts
    element_id: str             # the reference's id, which its copy button names
