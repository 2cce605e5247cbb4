"""`make serve` (python -m scripts.serve: mkdocs serve whose builds are swapped in only on success) rebuilds when a
file in data/ changes, and the page then shows the new value; a failed build keeps the last good pages served."""
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
    server = subprocess.Popen([sys.executable, "-m", "scripts.serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=project,
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


def page(url: str) -> str | None:
    try:
        return urllib.request.urlopen(url, timeout=30).read().decode("utf-8")
    except OSError:
        return None


def test_serve_with_bad_data_keeps_the_last_good_pages_and_shows_the_error(tmp_path):
    project = copy_project(tmp_path / "project")
    port = free_port()
    log = open(tmp_path / "serve.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "scripts.serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=project,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/"
        assert wait_for(url, "537") == "537"
        figures = project / "data" / "figures.csv"
        good = figures.read_text(encoding="utf-8")
        figures.write_text(good.replace("Home Office).,537,", "Home Office).,537.5,", 1), encoding="utf-8")
        deadline, shown = time.monotonic() + 90, None
        while time.monotonic() < deadline:
            shown = page(url)
            if shown and "the last rebuild failed" in shown:
                break
            time.sleep(0.5)
        assert shown and "the last rebuild failed" in shown, "the page never showed the error"
        assert "data/figures.csv, line 2, field &#39;value&#39;: &#39;537.5&#39; is not a whole number" in shown
        assert HEADLINE.search(shown).group(1) == "537"          # the last good page, still answering
        assert page(url + "findings/") and "the last rebuild failed" in page(url + "findings/")
        figures.write_text(good.replace("Home Office).,537,", "Home Office).,538,", 1), encoding="utf-8")
        assert wait_for(url, "538") == "538"
        assert "the last rebuild failed" not in page(url)
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    output = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "Traceback" not in output, output[-3000:]


def start_serving(project, tmp_path):
    port = free_port()
    log = open(tmp_path / "serve.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "scripts.serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=project,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, stdout=log, stderr=subprocess.STDOUT)
    return server, log, f"http://127.0.0.1:{port}/"


def wait_for_text(url: str, text: str, seconds: float = 120) -> str | None:
    deadline, shown = time.monotonic() + seconds, None
    while time.monotonic() < deadline:
        shown = page(url)
        if shown and text in shown:
            break
        time.sleep(0.5)
    return shown


def stop(server, log, tmp_path) -> str:
    server.terminate()
    server.wait(timeout=20)
    log.close()
    return (tmp_path / "serve.log").read_text(encoding="utf-8")


def test_a_failure_while_rendering_pages_keeps_the_last_good_pages(tmp_path):
    """A failure after validation (here an unknown statistic on a page) happens after mkdocs has emptied
    its output folder: the build goes to a fresh folder, so the served one keeps the last good pages."""
    project = copy_project(tmp_path / "project")
    server, log, url = start_serving(project, tmp_path)
    try:
        assert wait_for(url, "537") == "537"
        about = project / "docs" / "about.md"
        good = about.read_text(encoding="utf-8")
        about.write_text(good + "\n{{ no_such_statistic }}\n", encoding="utf-8")
        shown = wait_for_text(url, "the last rebuild failed")
        assert shown and "the last rebuild failed" in shown, "the page never showed the error"
        assert "no_such_statistic" in shown
        assert HEADLINE.search(shown).group(1) == "537"
        findings = page(url + "findings/")
        assert findings and "the last rebuild failed" in findings and "<h1 id=\"findings\"" in findings
        about.write_text(good, encoding="utf-8")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and "the last rebuild failed" in (page(url) or "the last rebuild failed"):
            time.sleep(0.5)
        assert HEADLINE.search(page(url)).group(1) == "537" and "the last rebuild failed" not in page(url)
    finally:
        output = stop(server, log, tmp_path)
    assert "Traceback" not in output, output[-3000:]


def test_starting_with_bad_data_serves_an_error_page_and_recovers(tmp_path):
    project = copy_project(tmp_path / "project")
    figures = project / "data" / "figures.csv"
    good = figures.read_text(encoding="utf-8")
    figures.write_text(good.replace("Home Office).,537,", "Home Office).,53x7,", 1), encoding="utf-8")
    server, log, url = start_serving(project, tmp_path)
    try:
        shown = wait_for_text(url, "The site could not be built")
        assert shown and "The site could not be built" in shown, "the error page never appeared"
        assert "data/figures.csv, line 2, field &#39;value&#39;: &#39;53x7&#39; is not a number" in shown
        assert "You are seeing the last pages" not in shown
        assert server.poll() is None, "the server stopped"
        figures.write_text(good, encoding="utf-8")
        assert wait_for(url, "537") == "537"
        assert "could not be built" not in page(url)
    finally:
        output = stop(server, log, tmp_path)
    assert "Traceback" not in output, output[-3000:]
