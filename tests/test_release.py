"""Two releases deployed with mike into a temporary git repository live side by side, each citing
its own pinned address; the older one points readers and search engines at the latest."""
from __future__ import annotations

import io
import json
import os
import posixpath
import subprocess
import sys
import tarfile
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from tests.conftest import ROOT, copy_project

BASE = "https://user.example.org/brief/"   # a sub-path, as on GitHub Pages


def sh(*command, cwd, env=None):
    return subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """Release 1.0.0 (with its PDF), change a figure, release 1.1.0; return the unpacked gh-pages tree."""
    repo = copy_project(tmp_path_factory.mktemp("repo"))
    (repo / "CITATION.cff").write_text((ROOT / "CITATION.cff").read_text())
    env = {**os.environ, "SITE_URL": BASE, "SITE_PUBLISHED": "2026-11-25", "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    sh("git", "init", "-q", "-b", "main", cwd=repo)
    sh("git", "add", "-A", cwd=repo)
    sh("git", "commit", "-qm", "first", cwd=repo, env=env)
    first = sh("git", "rev-parse", "HEAD", cwd=repo).strip()
    sh(sys.executable, "-m", "scripts.release", "1.0.0", cwd=repo, env=env)
    figures = repo / "data" / "figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace("Home Office).,537,", "Home Office).,538,", 1), encoding="utf-8")
    sh("git", "commit", "-qam", "corrected figure", cwd=repo, env=env)
    sh(sys.executable, "-m", "scripts.release", "1.1.0", "--no-pdf", cwd=repo, env=env)
    archive = subprocess.run(["git", "archive", "gh-pages"], cwd=repo, check=True, capture_output=True).stdout
    out = tmp_path_factory.mktemp("gh-pages")
    tarfile.open(fileobj=io.BytesIO(archive)).extractall(out)
    return {"out": out, "first_commit": first}


def test_versions_json_lists_both_with_commit_and_data_version(released):
    versions = json.loads((released["out"] / "versions.json").read_text())
    by_version = {v["version"]: v for v in versions}
    assert set(by_version) == {"1.0.0", "1.1.0"}
    assert by_version["1.1.0"]["aliases"] == ["latest"] and by_version["1.0.0"]["aliases"] == []
    assert by_version["1.0.0"]["properties"]["commit"] == released["first_commit"]
    assert by_version["1.0.0"]["properties"]["data_version"] == "1.0.0"


def test_version_selector_is_configured_for_mike(released):
    page = BeautifulSoup((released["out"] / "1.1.0" / "index.html").read_text(encoding="utf-8"), "html.parser")
    config = json.loads(page.find("script", id="__config").string)
    assert config["version"] == {"default": "latest", "provider": "mike"}


def test_root_and_latest_redirect_to_the_newest_version(released):
    out = released["out"]
    assert "latest/" in (out / "index.html").read_text()
    assert "../1.1.0/" in (out / "latest" / "index.html").read_text()
    assert "Disallow: /brief/1.0.0/" in (out / "robots.txt").read_text()


def test_links_inside_1_0_stay_inside_1_0_and_cite_the_pinned_url(released):
    version_root = released["out"] / "1.0.0"
    for page in version_root.rglob("*.html"):
        if page.name == "404.html":
            continue  # served for any missing address, so it links to latest by design
        document = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        here = "/1.0.0/" + str(page.parent.relative_to(version_root)).replace(".", "") + "/"
        outdated = document.select_one("[data-md-component=outdated]")
        for link in document.find_all("a", href=True):
            href = link["href"]
            if urlparse(href).scheme or href.startswith(("#", "mailto:")) or (outdated and outdated in link.parents):
                continue
            target = posixpath.normpath(posixpath.join(here, href))
            assert target.startswith("/1.0.0"), f"{page}: {href} -> {target}"
        if page.name == "index.html" and (page.parent / "cite.bib").exists():
            url = document.find("meta", attrs={"name": "citation_public_url"})["content"]
            assert url.startswith(BASE + "1.0.0/")
            assert url in document.select_one("#cite-page").get_text()
            assert document.find("link", rel="canonical")["href"].startswith(BASE + "latest/")


def test_each_version_shows_its_own_figures(released):
    def headline(version):
        page = BeautifulSoup((released["out"] / version / "index.html").read_text(encoding="utf-8"), "html.parser")
        return page.select_one('a.stat[href$="#stat-referrals_total"]').get_text()
    assert (headline("1.0.0"), headline("1.1.0")) == ("537", "538")


def test_older_version_links_to_the_same_page_in_latest(released):
    page = BeautifulSoup((released["out"] / "1.0.0" / "findings" / "index.html").read_text(encoding="utf-8"), "html.parser")
    link = page.select_one("[data-md-component=outdated] a")
    assert posixpath.normpath(posixpath.join("/1.0.0/findings/", link["href"])) == "/latest/findings"


def test_pdf_has_a_cover_and_every_page_of_the_brief(released):
    version_root = released["out"] / "1.0.0"
    text = "\n".join(page.extract_text() for page in PdfReader(version_root / "downloads" / "safe-to-report.pdf").pages)
    assert "Version 1.0.0" in text and "data version 1.0.0" in text
    for page in version_root.rglob("index.html"):
        if not (page.parent / "cite.bib").exists():
            continue
        h1 = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("h1").get_text(" ", strip=True)
        assert h1.replace("¶", "").strip() in text, h1
    footer = BeautifulSoup((version_root / "index.html").read_text(encoding="utf-8"), "html.parser").select_one(".site-versions")
    assert footer.find("a", href=lambda h: h and h.endswith("downloads/safe-to-report.pdf"))


def test_robots_txt_uses_the_sites_sub_path():
    from scripts.release import robots_txt
    versions = [{"version": "1.1.0", "aliases": ["latest"]}, {"version": "1.0.0", "aliases": []}]
    assert robots_txt(versions, "https://user.github.io/brief/") == "User-agent: *\nDisallow: /brief/1.0.0/\nAllow: /\n"
