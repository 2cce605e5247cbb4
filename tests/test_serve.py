"""`make serve` (mkdocs serve) rebuilds when a file in data/ changes, and the page then shows the new value."""
import os
import re
import subprocess
import sys
import time
import urllib.request

from tests.conftest import copy_project, free_port

HEADLINE = re.compile(r'stat-referrals_total"[^>]*>([\d,]+)<')


def headline(url: str) -> str | None:
    try:
        page = urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
    except OSError:
        return None
    match = HEADLINE.search(page)
    return match.group(1) if match else None


def wait_for(url: str, value: str, seconds: float = 90) -> str | None:
    deadline, seen = time.monotonic() + seconds, None
    while time.monotonic() < deadline:
        seen = headline(url)
        if seen == value:
            break
        time.sleep(0.5)
    return seen


def test_serve_rebuilds_when_data_changes(tmp_path):
    project = copy_project(tmp_path / "project")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=project,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/"
        assert wait_for(url, "537") == "537"
        figures = project / "data" / "figures.csv"
        figures.write_text(figures.read_text(encoding="utf-8").replace("Home Office).,537,", "Home Office).,612,", 1),
                           encoding="utf-8")
        assert wait_for(url, "612") == "612"
    finally:
        server.terminate()
        server.wait(timeout=20)
