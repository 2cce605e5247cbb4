"""`make release VERSION=x.y.z`: build that version, print its PDF, and deploy it with mike into the
gh-pages branch as `latest` (redirect aliases), recording the git commit and the data version.

Older versions stay as they were: Material shows them a banner that links to the same page in the
latest version, their canonical links point at latest, and robots.txt asks search engines to skip them.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.changes import snapshot, write_snapshot  # noqa: E402
from scripts.cite import Citable, harvard  # noqa: E402
from scripts.load import data_version, load  # noqa: E402
from scripts.pdf import build_pdf, cover_html  # noqa: E402
from scripts.stats import compute_statistics  # noqa: E402

VERSION = re.compile(r"^\d+\.\d+\.\d+$")
DEFAULT_SITE_URL = "https://safe-to-report.example.org/"


def run(command: list[str], env: dict, cwd: Path = ROOT) -> None:
    subprocess.run(command, cwd=cwd, env=env, check=True)


def git(*args: str, env: dict | None = None) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.strip()


def robots_txt(versions: list[dict], site_url: str) -> str:
    """Ask search engines to index only the latest version (paths include any sub-path of the site)."""
    prefix = urlsplit(site_url).path.rstrip("/")
    older = [v["version"] for v in versions if "latest" not in v.get("aliases", [])]
    return "User-agent: *\n" + "".join(f"Disallow: {prefix}/{v}/\n" for v in older) + "Allow: /\n"


def commit_file_to_branch(branch: str, name: str, content: str, message: str) -> None:
    """Add one file to the tip of a branch without touching the working tree."""
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(folder) / "index")}
        git("read-tree", branch, env=env)
        blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=ROOT, input=content, text=True,
                              check=True, capture_output=True).stdout.strip()
        git("update-index", "--add", "--cacheinfo", f"100644,{blob},{name}", env=env)
        tree = git("write-tree", env=env)
        commit = git("commit-tree", tree, "-p", branch, "-m", message)
        git("update-ref", f"refs/heads/{branch}", commit)


def record_snapshot(version: str, data: str, published: str) -> None:
    """Commit this release's computed statistics, so later releases can say what changed."""
    tables = load()
    path = write_snapshot(snapshot(compute_statistics(tables), tables["figures"], version, data, published))
    if git("status", "--porcelain", str(path)):
        git("add", str(path))
        git("commit", "-m", f"Snapshot of statistics for release {version}", "--", str(path))


def release(version: str, branch: str = "gh-pages", make_pdf: bool = True) -> None:
    if not VERSION.match(version):
        sys.exit(f"VERSION must look like 1.2.3, not {version!r}")
    site_url = os.environ.get("SITE_URL", DEFAULT_SITE_URL).rstrip("/") + "/"
    published = os.environ.get("SITE_PUBLISHED", date.today().isoformat())
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": site_url, "SITE_VERSION": version,
           "SITE_PUBLISHED": published, "VERSION_PROVIDER": "mike",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}  # mike runs `mkdocs`
    data = data_version()
    record_snapshot(version, data, published)
    mkdocs = [sys.executable, "-m", "mkdocs"]
    if make_pdf:
        with tempfile.TemporaryDirectory() as staging:
            run([*mkdocs, "build", "--strict", "--site-dir", staging], env)
            brief = Citable("The brief", f"{site_url}{version}/", published[:4], version, data, published)
            pdf = build_pdf(Path(staging), ROOT / "build" / f"safe-to-report-{version}.pdf", site_url, f"{site_url}{version}/",
                            cover_html("Safe to Report", version, data, published,
                                       harvard(brief).replace("ACCESSED", "date you read it")))
        env["PDF_FILE"] = str(pdf)
    commit = git("rev-parse", "HEAD")
    mike = str(Path(sys.executable).parent / "mike")   # mike has no `python -m` entry point
    run([mike, "deploy", "--branch", branch, "--update-aliases", "--alias-type", "redirect",
         "--prop-set-string", f"commit={commit}", "--prop-set-string", f"data_version={data}",
         "--message", f"Release {version} (commit {commit[:12]}, data {data})", version, "latest"], env)
    run([mike, "set-default", "--branch", branch, "latest"], env)
    versions = json.loads(git("show", f"{branch}:versions.json"))
    commit_file_to_branch(branch, "robots.txt", robots_txt(versions, site_url), f"robots.txt for release {version}")
    print(f"Released {version} to {branch}: data {data}, commit {commit[:12]}. Publish with: git push origin {branch}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version")
    parser.add_argument("--branch", default="gh-pages")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF (for quick local trials)")
    arguments = parser.parse_args()
    release(arguments.version, arguments.branch, make_pdf=not arguments.no_pdf)
