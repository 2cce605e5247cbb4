"""`make bench`: how long builds take, as medians (min-max) of several runs, against the floor: a bare
`mkdocs build` of the same pages with everything already generated. Then Lighthouse on every page.

Runs in a temporary copy of the project, so it never touches your site/ or caches.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.chromium import ARGS, CHROMIUM  # noqa: E402
from scripts.project import copy_project  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
TARGETS = {"clean build": 4.0, "rebuild, nothing changed": 1.5}
# Issue 10's promise, as ratios to bare mkdocs: no slower than before the charts got phone drawings and
# self-describing downloads.
TARGETS_BARE = {"clean build": 7.0, "rebuild, one figure changed": 6.6, "rebuild, nothing changed": 1.95}
# The floor for the targets: the same pages and config without our hooks, everything generated,
# including the notebook (mkdocs-jupyter still has to be imported to show it: about 1 s here).
FLOOR = "floor: mkdocs + notebook plugin"


def timed_build(project: Path, config: str = "mkdocs.yml") -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", config, "-d", "site"],
                   cwd=project, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def set_headline(project: Path, value: int) -> None:
    figures = project / "data" / "figures.csv"
    figures.write_text(re.sub(r"Home Office\)\.,\d+,", f"Home Office).,{value},", figures.read_text(encoding="utf-8"), count=1),
                       encoding="utf-8")


def floor_project(project: Path, destination: Path, notebook_plugin: bool) -> Path:
    """The same pages with every statistic, chart and block already in place and no hooks: what
    mkdocs alone costs. The notebook page is either its rendered HTML as a plain page, or (with
    notebook_plugin) left to mkdocs-jupyter with its executed result already in the plugin's cache."""
    from mkdocs.config import load_config

    from scripts import hooks

    copy_project(destination)
    config = load_config(str(project / "mkdocs.yml"))
    hooks.on_config(config)
    built = project / "site"
    docs = destination / "docs"
    for source in (project / "docs").glob("*.md"):
        page = SimpleNamespace(url="" if source.name == "index.md" else f"{source.stem}/",
                               file=SimpleNamespace(src_uri=source.name))
        markdown = hooks.on_page_markdown(source.read_text(encoding="utf-8"), page, config, None)
        (docs / source.name).write_text(hooks.insert_html(markdown, page.generated_html), encoding="utf-8")
    for folder in ("charts", "downloads", "assets"):
        shutil.copytree(built / folder, docs / folder, dirs_exist_ok=True)
    yml = (destination / "mkdocs.yml").read_text(encoding="utf-8")
    yml = re.sub(r"\nhooks:\n(  - .*\n)+", "\n", yml)
    if notebook_plugin:
        cached = next((project / ".cache" / "mkdocs-jupyter").glob("*/*.json"))
        (destination / ".cache" / "mkdocs-jupyter").mkdir(parents=True)
        shutil.copy2(cached, destination / ".cache" / "mkdocs-jupyter" / cached.name)
    else:
        notebook = built / "analysis" / "index.html"
        article = re.search(r"<article[^>]*>(.*)</article>", notebook.read_text(encoding="utf-8"), re.S).group(1)
        (docs / "analysis.py").unlink()
        (docs / "analysis.md").write_text(article, encoding="utf-8")
        yml = yml.replace("analysis.py", "analysis.md")
        yml = re.sub(r"  - mkdocs-jupyter:\n(      .*\n)+", "", yml)
    (destination / "mkdocs.yml").write_text(yml, encoding="utf-8")
    return destination


def summary(times: list[float]) -> str:
    return f"{statistics.median(times):6.2f} s  (min {min(times):.2f}, max {max(times):.2f}, n={len(times)})"


def bench_builds(runs: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        project = copy_project(Path(folder) / "project")
        results["clean build"] = []
        for _ in range(runs):
            shutil.rmtree(project / ".cache", ignore_errors=True)
            shutil.rmtree(project / "site", ignore_errors=True)
            results["clean build"].append(timed_build(project))
        results["rebuild, nothing changed"] = [timed_build(project) for _ in range(runs)]
        results["rebuild, one figure changed"] = []
        for run in range(runs):
            set_headline(project, 600 + run)
            results["rebuild, one figure changed"].append(timed_build(project))
        set_headline(project, 537)
        timed_build(project)
        bare = floor_project(project, Path(folder) / "bare", notebook_plugin=False)
        results["floor: bare mkdocs build"] = [timed_build(bare) for _ in range(runs)]
        with_plugin = floor_project(project, Path(folder) / "with-plugin", notebook_plugin=True)
        results[FLOOR] = [timed_build(with_plugin) for _ in range(runs)]
    return results


class StaticHost:
    """Serve a built site as a static host would: gzip for text, long caching for fingerprinted assets."""

    def __init__(self, folder: str):
        import functools
        import gzip
        import threading
        from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def end_headers(self):
                self.send_header("Cache-Control", "public, max-age=31536000, immutable" if "/assets/" in self.path
                                 else "public, max-age=600")
                super().end_headers()

            def send_head(self):
                path = Path(self.translate_path(self.path))
                if path.is_dir():
                    path = path / "index.html"
                text = path.suffix in (".html", ".css", ".js", ".json", ".svg", ".xml", ".csv")
                if not (text and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")):
                    return super().send_head()
                if self.path.endswith("/") is False and path.name == "index.html" and not self.path.endswith("index.html"):
                    return super().send_head()   # let the server redirect to the address with a slash
                body = gzip.compress(path.read_bytes(), 6)
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(str(path)))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return io.BytesIO(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=folder))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


def lighthouse(node_dir: Path, only: list[str] | None = None) -> list[tuple[str, dict]]:
    """Lighthouse (npm, pinned) against Debian's Chromium, on every page of a fresh local build."""
    import xml.etree.ElementTree as ET

    scores = []
    with tempfile.TemporaryDirectory() as folder:
        host = StaticHost(folder)
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", folder], cwd=ROOT,
                       env={**ENV, "SITE_URL": host.url}, check=True, capture_output=True)
        pages = [loc.text for loc in ET.parse(Path(folder) / "sitemap.xml").getroot()
                 .iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
        flags = " ".join(ARGS)
        for page in pages:
            if only and page.removeprefix(host.url) not in only:
                continue
            with tempfile.NamedTemporaryFile(suffix=".json") as report:
                subprocess.run([str(node_dir / "node_modules" / ".bin" / "lighthouse"), page, f"--chrome-path={CHROMIUM}",
                                f"--chrome-flags={flags}", "--output=json", f"--output-path={report.name}", "--quiet"],
                               check=True, capture_output=True)
                result = json.loads(Path(report.name).read_text())
            score = {k: round(v["score"] * 100) for k, v in result["categories"].items()}
            score["metrics"] = {k: result["audits"][k]["displayValue"] for k in
                                ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                                 "cumulative-layout-shift", "speed-index")}
            scores.append((page.removeprefix(host.url) or "/", score))
        host.close()
    return scores


GROWTH = [("today's data", 1, False), ("10x today's rows", 10, False), ("100x today's rows", 100, False),
          ("per force per month (44 x 36 = 1,584 rows)", 1, True)]
GROWTH_TARGETS = {"time": 4.0, "memory_mb": 1024}   # 100x: under 4x today's clean build, under 1 GB


def measured_build(project: Path) -> tuple[float, float, float]:
    """(seconds, peak resident memory in MB of the largest process, CPU seconds of all its processes)
    for a clean build of project. CPU time is the steadier measure on a busy machine."""
    probe = ("import resource, subprocess, sys, time; start = time.perf_counter(); "
             "build = subprocess.run(sys.argv[1:], capture_output=True); sys.stderr.buffer.write(build.stderr); "
             "usage = resource.getrusage(resource.RUSAGE_CHILDREN); "
             "print(time.perf_counter() - start, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime); "
             "sys.exit(build.returncode)")
    result = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                             "-d", "site"], cwd=project, env=ENV, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"growth benchmark: the build of {project.name} failed:\n{result.stderr[-3000:]}")
    seconds, megabytes, cpu = result.stdout.split()
    return float(seconds), float(megabytes), float(cpu)


def bench_growth(runs: int) -> list[tuple[str, int, float, float, float]]:
    """Clean builds of synthetic data (scripts/growth.py) in temporary copies, each size once per round so
    that a busy moment weighs on all alike: (name, rows, median seconds, largest MB, median CPU s)."""
    from scripts.growth import add_force_months, grow, rows_in

    with tempfile.TemporaryDirectory() as folder:
        projects = []
        for index, (name, factor, force_months) in enumerate(GROWTH):
            project = copy_project(Path(folder) / f"grow-{index}")
            grow(project / "data", factor)
            if force_months:
                add_force_months(project / "data")
            projects.append((name, project, rows_in(project / "data"), []))
        for _ in range(runs):
            for name, project, rows, measured in projects:
                for built in ("site", ".cache"):   # a clean build each time
                    shutil.rmtree(project / built, ignore_errors=True)
                measured.append(measured_build(project))
        return [(name, rows, statistics.median(m[0] for m in measured), max(m[1] for m in measured),
                 statistics.median(m[2] for m in measured)) for name, _, rows, measured in projects]


def report_growth(results) -> bool:
    """Print the growth table; True if 100x today's rows missed a target."""
    base_seconds, base_cpu = results[0][2], results[0][4]
    print("\nGrowth: clean builds of synthetic data (medians of the runs: time, CPU time of all its processes; "
          "peak memory of the largest)")
    print(f"  {'data':44} {'rows':>7} {'time':>8} {'x today':>8} {'CPU':>7} {'x today':>8} {'ms/row':>7} {'peak MB':>8} {'KB/row':>7}")
    for name, rows, seconds, megabytes, cpu in results:
        print(f"  {name:44} {rows:7,} {seconds:7.1f}s {seconds / base_seconds:7.2f}x {cpu:6.1f}s {cpu / base_cpu:7.2f}x "
              f"{1000 * seconds / rows:7.2f} {megabytes:8.0f} {1024 * megabytes / rows:7.1f}")
    _, rows, seconds, megabytes, cpu = next(r for r in results if r[0].startswith("100x"))
    missed = [f"time {seconds / base_seconds:.2f}x > {GROWTH_TARGETS['time']}x"] if seconds / base_seconds > GROWTH_TARGETS["time"] else []
    missed += [f"memory {megabytes:.0f} MB > {GROWTH_TARGETS['memory_mb']} MB"] if megabytes > GROWTH_TARGETS["memory_mb"] else []
    print(f"  100x today's rows, targets under {GROWTH_TARGETS['time']}x today's time and "
          f"{GROWTH_TARGETS['memory_mb']} MB: " + ("MISSED (" + "; ".join(missed) + ")" if missed else "met")
          + f"; machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return bool(missed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--growth-only", action="store_true", help="only the growth benchmark (synthetic data)")
    parser.add_argument("--lighthouse-only", action="store_true", help="only Lighthouse on every page")
    parser.add_argument("--pages", nargs="+", metavar="PAGE", help="Lighthouse on these pages only (e.g. / methods/)")
    arguments = parser.parse_args()
    if arguments.growth_only:
        return 1 if report_growth(bench_growth(arguments.runs)) else 0
    if arguments.lighthouse_only:
        return 1 if report_lighthouse(arguments.pages) else 0

    results = bench_builds(arguments.runs)
    floor = statistics.median(results[FLOOR])
    bare = statistics.median(results["floor: bare mkdocs build"])
    print(f"\nBuild times (medians of {arguments.runs} runs); ratios to the floor ({FLOOR}) and to bare mkdocs; "
          f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    failed = False
    for name, times in results.items():
        ratio, ratio_bare = statistics.median(times) / floor, statistics.median(times) / bare
        verdicts = [f"<= {target}x {what}: " + ("met" if ratio <= target else "MISSED")
                    for what, ratio, target in (("floor", ratio, TARGETS.get(name)), ("bare", ratio_bare, TARGETS_BARE.get(name)))
                    if target is not None]
        failed |= any(v.endswith("MISSED") for v in verdicts)
        print(f"  {name:32} {summary(times)}  = {ratio:.2f}x floor, {ratio_bare:.2f}x bare"
              + (f"  targets {'; '.join(verdicts)}" if verdicts else ""))

    failed |= report_growth(bench_growth(arguments.runs))

    if not arguments.no_lighthouse:
        failed |= report_lighthouse(arguments.pages)
    return 1 if failed else 0


def report_lighthouse(pages: list[str] | None = None) -> bool:
    """Lighthouse on every page (or those named); True if any page is below a target."""
    print("\nLighthouse 12.2.3 (mobile), per page: performance / accessibility / best practices / SEO")
    targets = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
    failed = False
    for page, score in lighthouse(ROOT, [page.removeprefix("/") for page in pages] if pages else None):
        misses = [k for k, t in targets.items() if score[k] < t]
        failed |= bool(misses)
        print(f"  {page:22} {score['performance']:3} / {score['accessibility']:3} / {score['best-practices']:3} / {score['seo']:3}"
              + (f"  below target: {', '.join(misses)}" if misses else ""))
    return failed


if __name__ == "__main__":
    sys.exit(main())
