"""`make release VERSION=x.y.z SITE_URL=… SITE_CONTACT=…`: check, build, test and print the brief, then
deploy that version with mike into the gh-pages branch as `latest`.

A release refuses, with a message saying why and with nothing changed, when:
- the version is already deployed or not greater than the latest one (semantic version order);
- the working tree has uncommitted changes, or the data changed since the last release while
  data/datapackage.json's version did not;
- a changed statistic is not explained in data/releases/notes.yml (revision or correction, and why);
- SITE_URL or SITE_CONTACT is missing or still the placeholder;
- the build, the link check, the tests or the PDF fail.
On any failure after the checks, the branch and gh-pages are put back exactly as they were, and any
failure (a check, the PDF step, mike, git) ends in one "Release refused: …" message, not a traceback.

A release commits its snapshot (data/releases/<version>.json, never rewritten) and CITATION.cff, then
deploys. Published versions are never rebuilt: each keeps citing its own pinned address. mike writes
the redirect pages (latest/… and the root index.html) from the release's template, so they carry "Exit
this page" like every other page; at the site's root the release writes the 404 page, robots.txt, a
sitemap index, the `_headers` file and changes.json, the index of every change to every statistic that
pages of older versions read.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts import hosting  # noqa: E402
from scripts.changes import (ReleaseNotesError, changes_index, data_digest, explain_changes, load_notes,  # noqa: E402
                             load_snapshots, snapshot, version_key, write_snapshot)
from scripts.cite import TITLE, Citable, harvard  # noqa: E402
from scripts.load import DataError, data_version, load  # noqa: E402
from scripts.stats import compute_statistics  # noqa: E402

VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")   # semantic version: no leading zeros
PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net", "example", "localhost", "invalid", "test")
PDF_NAME = "safe-to-report.pdf"


class Refused(Exception):
    """A release that must not happen; the message says why and what to do."""


def git(*args: str, env: dict | None = None, input: str | None = None) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, env=env, input=input, check=True, capture_output=True,
                          text=True).stdout.strip()


def run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise Refused(f"{' '.join(Path(c).name if i == 0 else c for i, c in enumerate(command[:3]))} failed:\n"
                      f"{(result.stdout + result.stderr)[-4000:]}")


# ------------------------------------------------------------------------ checks

def placeholder(host: str) -> bool:
    return not host or any(host == d or host.endswith("." + d) for d in PLACEHOLDER_DOMAINS)


def checked_site_url(value: str | None) -> str:
    parts = urlsplit(value or "")
    if parts.scheme != "https" or placeholder(parts.hostname or ""):
        raise Refused(f"SITE_URL must be the real https address the site is published at (got {value!r}); "
                      "every citation, canonical link and the PDF carry it. "
                      "Use: make release VERSION=x.y.z SITE_URL=https://… SITE_CONTACT=…")
    return value.rstrip("/") + "/"


def checked_contact(value: str | None) -> str:
    value = (value or "").strip()
    host = value.rpartition("@")[2] if "@" in value and not value.startswith("https://") else urlsplit(value).hostname
    if not value or placeholder(host or "") or not (value.startswith("https://") or "@" in value):
        raise Refused(f"SITE_CONTACT must be the real email or https address where readers report errors (got "
                      f"{value!r}); the Corrections page shows it.")
    return value


def deployed_versions(branch: str) -> list[str]:
    try:
        listing = git("show", f"{branch}:versions.json")
    except subprocess.CalledProcessError:
        return []
    return [v["version"] for v in json.loads(listing)]


def check_version(version: str, deployed: list[str], snapshots: list[dict]) -> None:
    if not VERSION.match(version):
        raise Refused(f"VERSION must be a semantic version like 1.2.3 (no leading zeros), not {version!r}")
    known = sorted(set(deployed) | {s["version"] for s in snapshots}, key=version_key)
    if version in known:
        raise Refused(f"Version {version} was already released; a published version never changes. "
                      f"Release a new version greater than {known[-1]}.")
    if known and version_key(version) <= version_key(known[-1]):
        raise Refused(f"Version {version} is not greater than the latest release, {known[-1]}.")


def check_clean_tree() -> None:
    changes = git("status", "--porcelain")
    if changes:
        raise Refused("The working tree has uncommitted changes; a release records the commit it was built from, "
                      f"so commit or stash them first:\n{changes}")


def check_data_version(previous: dict | None, digest: str, package_version: str) -> None:
    if previous is None or package_version != previous["data_version"]:
        return
    if previous.get("data_digest") != digest:
        raise Refused(f"The data changed since release {previous['version']} but data/datapackage.json still says "
                      f"version {package_version}; raise the data version (e.g. to the release's version).")


# ------------------------------------------------------------------- release files

def update_citation_cff(text: str, version: str, published: str, site_url: str) -> str:
    """CITATION.cff follows the release: its version, date and address."""
    values = {"version": version, "date-released": f'"{published}"', "url": f'"{site_url}"'}
    for key, value in values.items():
        line = f"{key}: {value}"
        text, found = re.subn(rf"^{key}:.*$", line, text, flags=re.M)
        if not found:
            text = text.rstrip("\n") + f"\n{line}\n"
    return text


def commit_files_to_branch(branch: str, files: dict[str, bytes], message: str) -> None:
    """Add files to the tip of a branch without touching the working tree."""
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(folder) / "index")}
        git("read-tree", branch, env=env)
        for name, content in files.items():
            blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=ROOT, input=content, check=True,
                                  capture_output=True).stdout.decode().strip()
            git("update-index", "--add", "--cacheinfo", f"100644,{blob},{name}", env=env)
        tree = git("write-tree", env=env)
        git("update-ref", f"refs/heads/{branch}", git("commit-tree", tree, "-p", branch, "-m", message))


def branch_tree(branch: str, destination: Path) -> Path:
    archive = subprocess.run(["git", "archive", branch], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")
    return destination


def root_files(branch: str, version: str, site_url: str, snapshots: list[dict]) -> dict[str, bytes]:
    """Files at the root of the deployed site, rewritten by each release from the deployed versions."""
    with tempfile.TemporaryDirectory() as folder:
        deployed = branch_tree(branch, Path(folder))
        versions = [v["version"] for v in json.loads((deployed / "versions.json").read_text())]
        not_found = (deployed / version / "404.html").read_bytes()
        (deployed / "404.html").write_bytes(not_found)
        policy = hosting.site_csp(deployed)
    return {
        "404.html": not_found,   # its links are absolute (site_url), so it works at any depth
        "robots.txt": hosting.robots_txt(site_url).encode(),
        "sitemap.xml": hosting.sitemap_index(site_url, versions).encode(),
        "_headers": hosting.headers_file(policy).encode(),
        "changes.json": (json.dumps(changes_index(snapshots), ensure_ascii=False, indent=1) + "\n").encode(),
    }


def exit_url() -> str:
    """Where "Exit this page" leads: the neutral site named in mkdocs.yml (extra.exit_url)."""
    from mkdocs.config import load_config
    return load_config(str(ROOT / "mkdocs.yml")).extra["exit_url"]


def redirect_template(site_url: str, version: str, exit_url: str) -> str:
    """The template mike writes the redirect pages with (latest/… and the site's root index.html): with
    "Exit this page" and "Get help" as on every page, styled by the released version's stylesheet, and
    its own Content-Security-Policy. Links start from the site's root path: the pages are at any depth."""
    from scripts.fragments import fragment
    root = urlsplit(site_url).path.rstrip("/") + "/"
    values = {"exit_url": exit_url, "help_url": f"{root}{version}/help/",
              "stylesheet": f"{root}{version}/assets/stylesheets/site.css"}
    unsigned = fragment("redirect.html", policy="", **values)
    return fragment("redirect.html", policy=hosting.csp(hosting.script_hashes(unsigned)), **values) + "\n"


# ------------------------------------------------------------------------ release

def release(version: str, branch: str = "gh-pages", make_pdf: bool = True, run_tests: bool = True) -> None:
    site_url = checked_site_url(os.environ.get("SITE_URL"))
    contact = checked_contact(os.environ.get("SITE_CONTACT"))
    snapshots = load_snapshots()
    check_version(version, deployed_versions(branch), snapshots)
    check_clean_tree()
    try:
        tables = load()
    except DataError as error:
        raise Refused(f"The data does not validate:\n{error}") from None
    stats = compute_statistics(tables)
    package_version, digest = data_version(), data_digest()
    previous = snapshots[-1] if snapshots else None
    check_data_version(previous, digest, package_version)
    notes = load_notes().get(version, {})
    published = os.environ.get("SITE_PUBLISHED", date.today().isoformat())
    new = snapshot(stats, tables["figures"], version, package_version, published, digest, summary=notes.get("summary", ""))
    try:
        new["changes"] = explain_changes(previous, new, notes)
    except ReleaseNotesError as error:
        raise Refused(f"Release notes for {version} (data/releases/notes.yml) are incomplete:\n{error}") from None

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": site_url, "SITE_CONTACT": contact,
           "SITE_VERSION": version, "SITE_PUBLISHED": published, "VERSION_PROVIDER": "mike",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}  # mike runs `mkdocs`
    head = git("rev-parse", "HEAD")
    pages_before = git("rev-parse", "--verify", "--quiet", branch) if _has_branch(branch) else ""
    try:
        # 1. The release's own commit: its snapshot and CITATION.cff.
        path = write_snapshot(new)
        citation = ROOT / "CITATION.cff"
        citation.write_text(update_citation_cff(citation.read_text(encoding="utf-8"), version, published, site_url),
                            encoding="utf-8")
        git("add", str(path), str(citation))
        git("commit", "-q", "-m", f"Release {version}: snapshot of its statistics and CITATION.cff")
        commit = git("rev-parse", "HEAD")
        # 2. Build, check and print it before anything is deployed.
        with tempfile.TemporaryDirectory() as staging:
            run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", staging], env)
            if run_tests:   # the pages' tests; the release machinery's own tests are not about this release
                run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                     "--ignore", str(ROOT / "tests" / "test_release.py")], test_environment())
            if make_pdf:
                try:
                    env["PDF_FILE"] = str(print_pdf(Path(staging), version, package_version, published, site_url))
                except Exception as error:
                    raise Refused(f"The PDF step failed. {failure(error)}") from None
        # 3. Deploy, then the files at the site's root.
        mike = str(Path(sys.executable).parent / "mike")   # mike has no `python -m` entry point
        with tempfile.TemporaryDirectory() as folder:
            template = Path(folder) / "redirect.html"
            template.write_text(redirect_template(site_url, version, exit_url()), encoding="utf-8")
            run([mike, "deploy", "--branch", branch, "--update-aliases", "--alias-type", "redirect",
                 "--template", str(template),
                 "--prop-set-string", f"commit={commit}", "--prop-set-string", f"data_version={package_version}",
                 "--message", f"Release {version} (commit {commit[:12]}, data {package_version})", version, "latest"],
                env)
            run([mike, "set-default", "--branch", branch, "--template", str(template), "latest"], env)
        commit_files_to_branch(branch, root_files(branch, version, site_url, [*snapshots, new]),
                               f"Root files for release {version}")
    except BaseException:
        restore(branch, pages_before, head)
        raise
    print(f"Released {version} to {branch}: data {package_version}, commit {commit[:12]}.\n"
          f"Preview it with: make preview   Publish it with: git push origin {branch} main")


def failure(error: BaseException) -> str:
    """An unexpected error in a few lines (a browser or git error carries a long log), and that nothing changed."""
    detail = str(getattr(error, "stderr", "") or "")
    lines = [line.strip() for line in f"{error}\n{detail}".splitlines() if line.strip()]
    return (f"{type(error).__name__}: " + "\n".join(lines[:4])
            + "\nNothing was changed: gh-pages, the branch and the working tree are as they were.")


def test_environment() -> dict:
    """The tests build the site as a developer would: without this release's settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith("SITE_") and k not in ("VERSION_PROVIDER", "PDF_FILE")}


def restore(branch: str, pages_before: str, head: str) -> None:
    """Put gh-pages and the working branch back as they were before the release started."""
    if pages_before:
        git("update-ref", f"refs/heads/{branch}", pages_before)
    elif _has_branch(branch):
        git("update-ref", "-d", f"refs/heads/{branch}")
    git("reset", "-q", "--hard", head)
    git("clean", "-q", "-f", "--", "data/releases")   # a snapshot written but never committed


def _has_branch(branch: str) -> bool:
    return subprocess.run(["git", "rev-parse", "--verify", "--quiet", branch], cwd=ROOT,
                          capture_output=True).returncode == 0


def print_pdf(site: Path, version: str, package_version: str, published: str, site_url: str) -> Path:
    from scripts.pdf import build_pdf, cover_html
    brief = Citable(TITLE, f"{site_url}{version}/", published[:4], version, package_version, published)
    cover = cover_html(version, package_version, published, harvard(brief).replace("ACCESSED", "date you read it"))
    return build_pdf(site, ROOT / "build" / f"safe-to-report-{version}.pdf", site_url, f"{site_url}{version}/", cover,
                     version=version)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version")
    parser.add_argument("--branch", default="gh-pages")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF (for quick local trials)")
    parser.add_argument("--no-tests", action="store_true", help="skip the test suite (the build and link check still run)")
    arguments = parser.parse_args()
    try:
        release(arguments.version, arguments.branch, make_pdf=not arguments.no_pdf, run_tests=not arguments.no_tests)
    except Refused as refusal:
        sys.exit(f"Release refused: {refusal}")
    except Exception as error:   # release() has already put the branch and gh-pages back
        sys.exit(f"Release refused: {failure(error)}")
