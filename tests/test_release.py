"""Releases, on a temporary copy of the repository: 1.0.0 and 1.1.0 (a changed figure) deploy with mike
side by side, each citing its own pinned address; every release that must not happen is refused with a
clear message and leaves gh-pages and the working branch exactly as they were."""
from __future__ import annotations

import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tarfile
from urllib.parse import urlparse

import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader

from tests.conftest import ROOT, copy_project, free_port

# A sub-path, as on GitHub Pages. The port is where nginx serves the deployed site in these tests: Material's
# instant navigation matches links against the sitemap's paths and port (it swaps in only protocol and host).
PORT = free_port()
BASE = f"https://user.github.io:{PORT}/brief/"
CONTACT = "corrections@brief.org.uk"
REASON = "new Home Office figures"


def sh(*command, cwd, env=None, check=True):
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if check and result.returncode:
        raise AssertionError(f"{command} failed:\n{result.stdout}\n{result.stderr}")
    return result


def release_env(**changes):
    env = {**os.environ, "SITE_URL": BASE, "SITE_CONTACT": CONTACT, "SITE_PUBLISHED": "2026-11-25",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    env.update(changes)
    return {k: v for k, v in env.items() if v is not None}


def state(repo):
    """Everything a refused release must leave alone: gh-pages, the branch and the working tree."""
    def out(*args):
        return sh(*args, cwd=repo).stdout
    return (out("git", "rev-parse", "gh-pages"), subprocess.run(["git", "archive", "gh-pages"], cwd=repo,
            capture_output=True, check=True).stdout, out("git", "rev-parse", "HEAD"), out("git", "status", "--porcelain"))


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """Release 1.0.0 (with its PDF), try every release that must be refused, change a figure, release
    1.1.0; return the unpacked gh-pages tree and what each refusal said."""
    repo = copy_project(tmp_path_factory.mktemp("repo"))
    for name in ("CITATION.cff", ".gitignore", "requirements.txt"):
        shutil.copy(ROOT / name, repo / name)
    for snapshot in (repo / "data" / "releases").glob("*.json"):
        snapshot.unlink()   # a fresh project: no release yet
    env = release_env()
    git = lambda *args: sh("git", *args, cwd=repo, env=env)  # noqa: E731
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "first")
    first = git("rev-parse", "HEAD").stdout.strip()

    def release(version, *options, **changes):
        return sh(sys.executable, "-m", "scripts.release", version, "--no-tests", *options, cwd=repo,
                  env=release_env(**changes), check=False)

    done = release("1.0.0")
    assert done.returncode == 0, done.stderr
    snapshot_1_0 = (repo / "data" / "releases" / "1.0.0.json").read_bytes()
    refusals = {}

    def refused(name, version, *options, prepare=None, undo=None, pdf=False, **changes):
        if prepare:
            prepare()
        before = state(repo)
        result = release(version, *([] if pdf else ["--no-pdf"]), *options, **changes)
        refusals[name] = {"code": result.returncode, "message": result.stderr, "unchanged": state(repo) == before}
        if undo:
            undo()

    refused("again", "1.0.0")
    refused("older", "0.9.0")
    refused("leading_zeros", "1.01.0")   # would sort as 1.1.0

    chromium = repo / "scripts" / "chromium.py"
    chromium_text = chromium.read_text(encoding="utf-8")

    def break_the_pdf_step():
        chromium.write_text(chromium_text.replace('"/usr/bin/chromium"', '"/nonexistent/chromium"'), encoding="utf-8")
        git("commit", "-qam", "a browser that is not there")

    def mend_the_pdf_step():
        chromium.write_text(chromium_text, encoding="utf-8")
        git("commit", "-qam", "the browser back")
    refused("pdf_fails", "1.1.0", pdf=True, prepare=break_the_pdf_step, undo=mend_the_pdf_step)
    untracked = repo / "docs" / "draft.md"
    refused("dirty", "1.1.0", prepare=lambda: untracked.write_text("draft"), undo=untracked.unlink)
    refused("no_site_url", "1.1.0", SITE_URL=None)
    refused("placeholder_site_url", "1.1.0", SITE_URL="https://safe-to-report.example.org/")
    refused("placeholder_contact", "1.1.0", SITE_CONTACT="corrections@safe-to-report.example.org")

    figures = repo / "data" / "figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace("Home Office).,537,", "Home Office).,538,", 1), encoding="utf-8")
    git("commit", "-qam", "new figure")
    refused("data_version", "1.1.0")
    package = repo / "data" / "datapackage.json"
    package.write_text(package.read_text(encoding="utf-8").replace('"version": "1.0.0"', '"version": "1.1.0"', 1), encoding="utf-8")
    git("commit", "-qam", "data version 1.1.0")
    refused("notes", "1.1.0")
    notes = repo / "data" / "releases" / "notes.yml"
    notes.write_text(notes.read_text(encoding="utf-8") + f'"1.1.0":\n  summary: Newer figures.\n  kind: revision\n  reason: {REASON}\n',
                     encoding="utf-8")
    git("commit", "-qam", "release notes for 1.1.0")
    findings = repo / "docs" / "findings.md"
    findings_text = findings.read_text(encoding="utf-8")
    findings.write_text(findings_text + "\n{{ no_such_statistic }}\n", encoding="utf-8")
    git("commit", "-qam", "a broken page")
    refused("broken_build", "1.1.0")
    findings.write_text(findings_text, encoding="utf-8")
    git("commit", "-qam", "page fixed")

    done = release("1.1.0", "--no-pdf")
    assert done.returncode == 0, done.stderr
    archive = subprocess.run(["git", "archive", "gh-pages"], cwd=repo, check=True, capture_output=True).stdout
    out = tmp_path_factory.mktemp("gh-pages")
    tarfile.open(fileobj=io.BytesIO(archive)).extractall(out)
    out.chmod(0o755)
    return {"out": out, "repo": repo, "first_commit": first, "refusals": refusals, "snapshot_1_0": snapshot_1_0}


@pytest.mark.parametrize("name, says", [
    ("again", "already released"), ("older", "not greater than the latest release, 1.0.0"),
    ("leading_zeros", "no leading zeros"), ("pdf_fails", "The PDF step failed"),
    ("dirty", "uncommitted changes"), ("no_site_url", "SITE_URL"), ("placeholder_site_url", "SITE_URL"),
    ("placeholder_contact", "SITE_CONTACT"), ("data_version", "datapackage.json still says version 1.0.0"),
    ("notes", "does not say whether it is a revision or a correction"), ("broken_build", "no_such_statistic"),
])
def test_refused_releases_say_why_and_change_nothing(released, name, says):
    refusal = released["refusals"][name]
    assert refusal["code"] != 0
    assert "Release refused" in refusal["message"] and says in refusal["message"], refusal["message"]
    assert "Traceback" not in refusal["message"], refusal["message"]
    assert refusal["unchanged"], f"{name}: gh-pages, HEAD or the working tree changed"


def test_snapshot_is_never_rewritten_and_records_the_reason(released):
    releases = released["repo"] / "data" / "releases"
    assert (releases / "1.0.0.json").read_bytes() == released["snapshot_1_0"]
    changes = json.loads((releases / "1.1.0.json").read_text())["changes"]
    assert changes["referrals_total"] == {"old": "537", "new": "538", "kind": "revision", "reason": REASON}
    assert not list(releases.glob("*.partial"))


def test_citation_cff_follows_the_release(released):
    citation = yaml.safe_load((released["repo"] / "CITATION.cff").read_text())
    assert (citation["version"], citation["date-released"], citation["url"]) == ("1.1.0", "2026-11-25", BASE)


def test_versions_json_lists_both_with_commit_and_data_version(released):
    versions = json.loads((released["out"] / "versions.json").read_text())
    by_version = {v["version"]: v for v in versions}
    assert set(by_version) == {"1.0.0", "1.1.0"}
    assert by_version["1.1.0"]["aliases"] == ["latest"] and by_version["1.0.0"]["aliases"] == []
    commit = by_version["1.0.0"]["properties"]["commit"]
    log = sh("git", "log", "--format=%H", cwd=released["repo"]).stdout.split()
    assert commit in log and commit != released["first_commit"]   # the release's own commit, holding its snapshot
    tree = sh("git", "ls-tree", "-r", "--name-only", commit, cwd=released["repo"]).stdout
    assert "data/releases/1.0.0.json" in tree
    assert by_version["1.0.0"]["properties"]["data_version"] == "1.0.0"
    assert by_version["1.1.0"]["properties"]["data_version"] == "1.1.0"


def test_root_files(released):
    out = released["out"]
    assert "latest/" in (out / "index.html").read_text()
    assert "../1.1.0/" in (out / "latest" / "index.html").read_text()
    robots = (out / "robots.txt").read_text()
    assert "Disallow" not in robots and f"Sitemap: {BASE}sitemap.xml" in robots
    index = (out / "sitemap.xml").read_text()
    assert f"{BASE}1.0.0/sitemap.xml" in index and f"{BASE}1.1.0/sitemap.xml" in index
    not_found = BeautifulSoup((out / "404.html").read_text(), "html.parser")
    assert not_found.select_one("[data-exit-this-page] a") and not_found.select_one("[data-not-found]")
    headers = (out / "_headers").read_text()
    # Cloudflare Pages reads at most 2,000 characters a line: the policy holds one hash for every redirect page.
    assert max(len(line) for line in headers.splitlines()) < 2000
    for header in ("Content-Security-Policy:", "frame-ancestors 'none'", "Referrer-Policy: no-referrer",
                   "X-Content-Type-Options: nosniff", "Permissions-Policy:", "/*.ris", "/*.bib", "/*.csv", "/*.svg"):
        assert header in headers
    changes = json.loads((out / "changes.json").read_text())
    assert changes["latest"] == "1.1.0"
    assert {"statistic": "referrals_total", "release": "1.1.0", "old": "537", "new": "538", "kind": "revision",
            "reason": REASON}.items() <= next(c for c in changes["changes"] if c["statistic"] == "referrals_total").items()


def test_every_page_of_the_deployed_site_has_the_exit_button(released):
    """Every HTML file a reader can reach: both versions, latest/'s redirect pages, the root index and 404."""
    from mkdocs.config import load_config
    exit_url = load_config(str(ROOT / "mkdocs.yml")).extra["exit_url"]
    out = released["out"]
    pages = sorted(out.rglob("*.html"))
    assert {out / "index.html", out / "404.html", out / "latest" / "index.html", out / "latest" / "404.html"} <= set(pages)
    for page in pages:
        document = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        exit_link = document.select_one("body > .quick-bar [data-exit-this-page] a")
        assert exit_link and exit_link["href"] == exit_url, page.relative_to(out)


def test_redirect_pages_work_without_javascript_under_their_own_policy(released):
    from scripts.hosting import script_hashes
    out = released["out"]
    stubs = [out / "index.html", *(out / "latest").rglob("*.html")]
    assert len(stubs) > 10
    for stub in stubs:
        text = stub.read_text(encoding="utf-8")
        document = BeautifulSoup(text, "html.parser")
        target = document.find("link", rel="canonical")["href"]
        resolved = posixpath.normpath(posixpath.join(str(stub.parent.relative_to(out)), target))
        assert (out / resolved).exists() or (out / resolved / "index.html").exists(), (stub, target)
        refresh = document.select_one("noscript meta[http-equiv=refresh]")["content"]
        assert refresh == f"0; url={target}" and document.find("a", href=target)
        policy = document.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        assert script_hashes(text) and all(h in policy for h in script_hashes(text))
        for link in (document.find("link", rel="stylesheet")["href"], document.select_one(".quick-help a")["href"]):
            path = link.removeprefix(urlparse(BASE).path)
            assert (out / path).is_file() or (out / path / "index.html").is_file(), link


def test_canonical_sitemap_and_citation_agree_on_each_versions_own_pages(released):
    for version in ("1.0.0", "1.1.0"):
        version_root = released["out"] / version
        sitemap = (version_root / "sitemap.xml").read_text()
        for page in version_root.rglob("index.html"):
            document = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
            canonical = document.find("link", rel="canonical")["href"]
            assert canonical.startswith(f"{BASE}{version}/"), canonical
            assert f"<loc>{canonical}</loc>" in sitemap
            cited = document.find("meta", attrs={"name": "citation_public_url"})
            if cited:
                assert cited["content"] == canonical
                assert canonical in document.select_one("#cite-page").get_text()


def test_links_inside_1_0_stay_inside_1_0(released):
    version_root = released["out"] / "1.0.0"
    for page in version_root.rglob("*.html"):
        if page.name == "404.html":
            continue  # served for any missing address, so its links are absolute
        document = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        here = "/1.0.0/" + str(page.parent.relative_to(version_root)).replace(".", "") + "/"
        for banner in document.select("[data-md-component=outdated], .site-versions"):
            banner.decompose()   # these point at latest on purpose
        for link in document.find_all("a", href=True):
            href = link["href"]
            if urlparse(href).scheme or href.startswith(("#", "mailto:")):
                continue
            target = posixpath.normpath(posixpath.join(here, href))
            assert target.startswith("/1.0.0"), f"{page}: {href} -> {target}"


def test_each_version_shows_its_own_figures(released):
    def headline(version):
        page = BeautifulSoup((released["out"] / version / "index.html").read_text(encoding="utf-8"), "html.parser")
        return page.select_one('[data-stat="referrals_total"]').get_text()
    assert (headline("1.0.0"), headline("1.1.0")) == ("537", "538")


def test_older_version_links_to_the_same_page_in_latest_and_to_what_changed(released):
    page = BeautifulSoup((released["out"] / "1.0.0" / "findings" / "index.html").read_text(encoding="utf-8"), "html.parser")
    targets = [posixpath.normpath(posixpath.join("/1.0.0/findings/", a["href"]))
               for a in page.select("[data-md-component=outdated] a")]
    assert targets == ["/latest/findings", "/latest/changes"]
    footer = page.select_one(".site-versions a[href$='latest/changes/']")
    assert footer is not None   # without JavaScript, the way to what changed since


def test_what_changed_gives_the_reason(released):
    page = BeautifulSoup((released["out"] / "1.1.0" / "changes" / "index.html").read_text(encoding="utf-8"), "html.parser")
    row = page.select_one("#change-1\\.1\\.0-referrals_total").get_text(" ", strip=True)
    assert "537" in row and "538" in row and f"Revision: {REASON}" in row
    assert "First release: " in page.select_one("#release-1\\.0\\.0").get_text()


def test_pdf_is_tagged_with_outline_metadata_and_every_page(released):
    version_root = released["out"] / "1.0.0"
    reader = PdfReader(version_root / "downloads" / "safe-to-report.pdf")
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())   # lines joined
    assert "Version 1.0.0" in text and "data version 1.0.0" in text
    from scripts.cite import TITLE
    assert f"Safe to Report (2026) {TITLE}. Version 1.0.0" in text   # the cover cites the brief by its full title
    metadata = reader.metadata
    assert "Safe to Report" in metadata.title and metadata.author == "Safe to Report" and metadata.subject
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB" and "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    outline = [" ".join(item.title.split()) for item in reader.outline if not isinstance(item, list)]
    for page in version_root.rglob("index.html"):
        document = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        if not document.find("meta", attrs={"name": "citation_pdf_url"}):
            continue
        assert document.find("meta", attrs={"name": "citation_pdf_url"})["content"] == f"{BASE}1.0.0/downloads/safe-to-report.pdf"
        h1 = document.find("h1").get_text(" ", strip=True).replace("¶", "").strip()
        assert h1 in text, h1
        assert h1 in outline, (h1, outline)


# ------------------------------------------------- the deployed site, behind nginx

NGINX = "/usr/sbin/nginx"
SCREENSHOTS = ROOT / "build" / "screenshots"   # looked at by people, not compared


@pytest.fixture(scope="module")
def nginx(released, tmp_path_factory):
    """The deployed gh-pages tree served by Debian's nginx at /brief/, with the project's server block."""
    from scripts.hosting import nginx_server, site_csp
    if not os.path.exists(NGINX):
        if os.environ.get("CI"):
            raise RuntimeError(f"{NGINX} is missing: .ci/run installs Debian's nginx package")
        pytest.skip("nginx not installed (apt-get install nginx)")
    folder, port = tmp_path_factory.mktemp("nginx"), PORT
    temp = " ".join(f"{kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off; worker_processes 1; pid {folder}/nginx.pid; error_log {folder}/error.log;\n"
        + "events { worker_connections 64; }\n"
        + f"http {{ access_log off; {temp} default_type application/octet-stream;\n"
        + nginx_server(released["out"], site_csp(released["out"]), f"127.0.0.1:{port}", "/brief/") + "}\n")
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")])
    import requests
    url = f"http://127.0.0.1:{port}/brief/"
    for _ in range(100):
        try:
            requests.get(url, timeout=1)
            break
        except requests.ConnectionError:
            import time
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_every_deployed_file_answers_with_its_headers_and_type(released, nginx):
    import requests
    session = requests.Session()
    types = {".ris": "application/x-research-info-systems", ".bib": "application/x-bibtex", ".csv": "text/csv",
             ".svg": "image/svg+xml", ".html": "text/html", ".pdf": "application/pdf"}
    files = [p for p in released["out"].rglob("*") if p.is_file()]
    assert len(files) > 100
    for path in files:
        response = session.get(nginx + path.relative_to(released["out"]).as_posix())
        assert response.status_code == 200, path
        if path.suffix in types:
            assert response.headers["Content-Type"].startswith(types[path.suffix]), (path, response.headers["Content-Type"])
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "camera=()" in response.headers["Permissions-Policy"]


def test_every_link_and_anchor_of_the_deployed_site_resolves(released, nginx):
    import requests
    from scripts.linkcheck import Response, check
    session = requests.Session()

    def fetch(url):
        response = session.get(url)
        return Response(response.status_code, response.headers.get("Content-Type", ""), response.content)
    pages = [nginx + p.relative_to(released["out"]).as_posix() for p in released["out"].rglob("*.html")]
    assert check([nginx, *pages], fetch, nginx) == []


def test_no_link_of_the_deployed_site_has_a_double_slash_in_its_path(released):
    """Hosts other than nginx do not merge slashes: /1.1.0//downloads/… would be a missing page there."""
    for page in released["out"].rglob("*.html"):
        document = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for element in document.find_all(href=True) + document.find_all(src=True):
            address = element.get("href") or element.get("src")
            assert "//" not in urlparse(address).path, (page.relative_to(released["out"]), address)


def test_a_missing_address_gets_the_sites_404_page_with_the_exit_button(nginx):
    import requests
    response = requests.get(nginx + "1.0.0/no-such-page/")
    assert response.status_code == 404
    page = BeautifulSoup(response.text, "html.parser")
    assert page.select_one("[data-exit-this-page] a") and "Page not found" in page.get_text()


@pytest.fixture(scope="module")
def deployed_page(nginx, browser):
    from tests.conftest import require_chromium
    require_chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page, errors
    page.close()


def test_older_version_marks_the_changed_number_with_new_value_and_reason(nginx, deployed_page):
    page, errors = deployed_page
    page.goto(nginx + "1.0.0/", wait_until="networkidle")
    note = page.locator('[data-stat="referrals_total"] + .stat-revised').first
    note.wait_for()
    assert note.inner_text().strip() == f"(revised in 1.1.0: 537 → 538, {REASON})"
    marked = page.eval_on_selector_all(".stat-revised", "els => els.map(e => e.previousElementSibling.dataset.stat)")
    changed = {c["statistic"] for c in page.evaluate("() => fetch('../changes.json').then(r => r.json())")["changes"]}
    assert set(marked) <= changed and marked
    page.set_viewport_size({"width": 375, "height": 800})
    page.locator('[data-stat="referrals_total"]').first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "revised-number-375.png"))
    page.goto(nginx + "1.1.0/", wait_until="networkidle")
    assert page.locator(".stat-revised").count() == 0
    assert not [e for e in errors if "Content Security Policy" in e], errors


@pytest.mark.parametrize("path", ["", "findings/", "methods/", "figures/"])
def test_older_version_marks_every_number_that_changed_in_tables_and_lists_too(nginx, deployed_page, path):
    """Not only the numbers in the text: Methods' rows, the counts table, the key numbers and Every figure."""
    page, errors = deployed_page
    page.goto(nginx + "1.0.0/" + path, wait_until="networkidle")
    page.locator(".stat-revised").first.wait_for()
    index = page.evaluate("url => fetch(url).then(r => r.json())", nginx + "changes.json")
    changed = {c["statistic"] for c in index["changes"]}
    shown = page.eval_on_selector_all("[data-stat]", """els => els.map(e => [e.dataset.stat,
        !!(e.nextElementSibling && e.nextElementSibling.classList.contains('stat-revised'))])""")
    assert any(name in changed for name, _ in shown), path
    assert [name for name, marked in shown if marked != (name in changed)] == [], path
    if path == "methods/":   # the entries every marked number links to
        for name in ("referrals_total", "count_dac_2020_2023"):   # 537 -> 538 (14.9 a month either way)
            assert name in changed
            assert page.locator(f"#stat-{name} [data-stat='{name}'] + .stat-revised").count() == 1, name
    if path == "findings/":   # the "Other published counts" table
        assert page.locator("td [data-stat='count_dac_2020_2023'] + .stat-revised").count() == 1
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.locator(".stat-revised").first.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"revised-{path.strip('/') or 'summary'}-{width}.png"))


def test_instant_navigation_works_on_a_deployed_version(nginx, deployed_page):
    page, errors = deployed_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(nginx + "1.0.0/", wait_until="networkidle")
    page.evaluate("() => { window.stillHere = true; }")
    page.locator('a.md-footer__link--next').click()   # Material makes its href absolute
    page.wait_for_url(re.compile(r".*/1\.0\.0/findings/(#.*)?$"))   # navigation.tracking may add a #section
    page.wait_for_function("() => document.querySelector('h1') && document.querySelector('h1').textContent.includes('Findings')")
    assert page.evaluate("() => window.stillHere === true"), "the page was reloaded: instant navigation did not run"


def test_a_redirect_page_keeps_the_cited_anchor(nginx, deployed_page, browser):
    page, errors = deployed_page
    page.goto(nginx + "latest/findings/?from=citation#F-001")
    page.wait_for_url(nginx + "1.1.0/findings/?from=citation#F-001")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    without_javascript = browser.new_context(java_script_enabled=False)
    try:
        plain = without_javascript.new_page()
        plain.goto(nginx + "latest/findings/")
        plain.wait_for_url(nginx + "1.1.0/findings/")
    finally:
        without_javascript.close()


def test_404_offers_the_same_page_in_latest(nginx, deployed_page):
    page, _ = deployed_page
    missing = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    page.goto(nginx + "findings/", wait_until="networkidle")
    offer = page.locator("[data-not-found] a")
    offer.wait_for()
    assert offer.get_attribute("href").endswith("/brief/latest/findings/")
    assert missing == [nginx + "findings/"]   # the page's search index, versions and scripts all load


@pytest.mark.parametrize("version, deployed, refused", [
    ("1.01.0", ["1.0.0"], "no leading zeros"), ("01.1.0", [], "no leading zeros"), ("1.1", [], "like 1.2.3"),
    ("1.1.0", ["1.0.0", "1.1.0"], "already released"), ("1.0.9", ["1.1.0"], "not greater"), ("1.2.0", ["1.1.0"], None),
    ("1.0.0", [], None), ("10.0.0", ["9.9.9"], None),
])
def test_versions_are_semantic_and_only_go_up(version, deployed, refused):
    from scripts.release import Refused, check_version
    if refused is None:
        check_version(version, deployed, [])
    else:
        with pytest.raises(Refused, match=refused):
            check_version(version, deployed, [])


def test_the_pdf_cover_cites_the_brief_by_its_full_title():
    from scripts.cite import TITLE
    from scripts.pdf import cover_html
    cover = BeautifulSoup(cover_html("1.2.0", "1.1.0", "2027-01-10", f"Safe to Report (2027) {TITLE}. Version 1.2.0 <b>"),
                          "html.parser")
    assert cover.find("h1").get_text() == TITLE
    assert "Version 1.2.0 · data version 1.1.0" in cover.get_text() and not cover.find("b")   # escaped
