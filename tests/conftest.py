"""Shared fixtures: a strict build of the site in a temporary folder, and a local server for it."""
from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from scripts.chromium import ARGS, CHROMIUM
from scripts.project import ROOT, copy_project  # noqa: F401  (tests import copy_project from here)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mkdocs_build(project: Path, site_dir: Path, site_url: str = "http://127.0.0.1:8000/") -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": site_url}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
                          cwd=project, env=env, capture_output=True, text=True)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The real project, built strictly once per test session, for a server on a free port."""
    port = free_port()
    site_dir = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT, site_dir, f"http://127.0.0.1:{port}/")
    assert result.returncode == 0, result.stderr
    return {"dir": site_dir, "port": port, "url": f"http://127.0.0.1:{port}/", "log": result.stderr}


@pytest.fixture(scope="session")
def served_site(built_site):
    handler = functools.partial(QuietHandler, directory=str(built_site["dir"]))
    server = ThreadingHTTPServer(("127.0.0.1", built_site["port"]), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield built_site
    server.shutdown()


def require_chromium() -> None:
    """Skip browser tests where Chromium is missing, except in CI, where .ci/run must have installed it."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def page_urls(site) -> list[str]:
    """Every page of the built site, from its sitemap."""
    tree = ET.parse(Path(site["dir"]) / "sitemap.xml")
    urls = [loc.text for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(urls) >= 9, urls
    return urls
