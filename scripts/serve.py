"""`make serve` when a build fails: keep serving the last good pages, with the error shown on them.

mkdocs serve on its own stops answering after a failed rebuild ("the server will appear stuck"), and
exits if the first build fails. `make serve` runs `python -m scripts.serve`, which is mkdocs serve with one
override: its build goes into a fresh folder that replaces the served one only when the build succeeds
(`build_then_swap`). So a failure at any stage leaves the last good pages served; if the very first build
fails, the server starts anyway with an error page, and rebuilds when a file is saved. The failure is kept,
and every page served carries a banner that says what is wrong and where. The next good build clears it,
and the live-reload script reloads open pages both times.
"""
from __future__ import annotations

import logging
import re
import shutil
import sys
import tempfile
from pathlib import Path

import jinja2

from scripts.build_site import exchange

log = logging.getLogger("mkdocs.serve.errors")
BANNER = jinja2.Environment(autoescape=True).from_string(
    '<div class="build-error" role="alert" style="position:sticky;top:0;z-index:10000;margin:0;padding:1rem 1.25rem;'
    'background:#fff0f0;color:#1a1a1a;border-bottom:4px solid #b00020;font:16px/1.45 system-ui,sans-serif;'
    'max-height:60vh;overflow:auto">'
    '<p style="margin:0 0 .5rem;font-weight:bold;font-size:1.1rem">{% if served %}This preview is out of date: the last '
    'rebuild failed{% else %}The site could not be built{% endif %}</p>'
    "<p style=\"margin:0 0 .5rem\">{% if served %}You are seeing the last pages that built. {% endif %}Fix what is "
    "listed below and save the file; this page reloads by itself.</p>"
    '<ul style="margin:0;padding-left:1.25rem">{% for problem in problems %}'
    '<li style="margin:.25rem 0"><code style="white-space:pre-wrap;word-break:break-word">{{ problem }}</code></li>'
    "{% endfor %}</ul></div>")
BODY_OPEN = re.compile(rb"<body[^>]*>")
NOTHING_BUILT = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The site could not be built</title>'
                 "</head><body></body></html>")


class BuildErrors:
    """The failure of the latest build, if it failed."""

    def __init__(self):
        self.problems: list[str] | None = None
        self.served = False    # whether the served folder holds a good build (or only the error page)
        self.swapped = False   # builds go through build_then_swap (`make serve`), not plain `mkdocs serve`

    def record(self, error: BaseException) -> None:
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        if lines and lines[0].endswith("nothing was built:"):
            lines = lines[1:]
        self.problems = [line.removeprefix("- ") for line in lines] or [type(error).__name__]

    def banner(self) -> bytes:
        return BANNER.render(problems=self.problems, served=self.served).encode("utf-8")


ERRORS = BuildErrors()


def with_banner(app):
    """WSGI middleware: while the latest build has failed, put the banner at the top of every HTML page."""
    def serve(environ, start_response):
        if ERRORS.problems is None:
            return app(environ, start_response)
        response = {}

        def keep(status, headers, exc_info=None):
            response.update(status=status, headers=headers)
            return lambda data: None

        result = app(environ, keep)
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        headers = response["headers"]
        if any(name.lower() == "content-type" and value.startswith("text/html") for name, value in headers):
            match = BODY_OPEN.search(body)
            at = match.end() if match else 0
            body = body[:at] + ERRORS.banner() + body[at:]
            headers = [(n, v) for n, v in headers if n.lower() != "content-length"] + [("Content-Length", str(len(body)))]
        start_response(response["status"], headers)
        return [body]
    return serve


def build_then_swap(build):
    """mkdocs serve's build, made safe: build into a fresh folder beside the served one and swap it in only
    on success. A failure is recorded for the banner and logged, never raised, so the server keeps running."""
    def safe_build(config, **kwargs) -> None:
        served = Path(config.site_dir)
        staging = Path(tempfile.mkdtemp(prefix=served.name + "-next-", dir=served.parent))
        config.site_dir = str(staging)
        ERRORS.problems = None
        try:
            build(config, **kwargs)
        except Exception as error:   # noqa: BLE001: the message is already in the log and now on every page
            if ERRORS.problems is None:
                ERRORS.record(error)
            if not ERRORS.served:   # nothing good to keep serving: an error page at every address
                for name in ("index.html", "404.html"):
                    (served / name).write_text(NOTHING_BUILT, encoding="utf-8")
            log.error(("The site was not rebuilt; the last good pages are still served" if ERRORS.served else
                       "The site could not be built; an error page is served") + ", with the error shown on them. "
                      "Fix it and save: the pages reload by themselves.")
        else:
            exchange(staging, served)   # staging now holds the previous pages
            ERRORS.served = True
        finally:
            config.site_dir = str(served)
            shutil.rmtree(staging, ignore_errors=True)
    return safe_build


def main(argv: list[str] | None = None) -> None:
    """`make serve`: `mkdocs serve` with its build replaced by `build_then_swap` (the one override)."""
    import mkdocs.commands.serve as mkdocs_serve
    from mkdocs.__main__ import cli
    mkdocs_serve.build = build_then_swap(mkdocs_serve.build)
    ERRORS.swapped = True
    cli(["serve", *(sys.argv[1:] if argv is None else argv)])


def keep_serving(server):
    """For the on_serve event: rebuilds that fail leave the server answering, with the banner on (for a
    plain `mkdocs serve` too, whose build is not swapped in: there a page-stage failure empties the folder)."""
    build = server.builder
    if not ERRORS.swapped:
        ERRORS.served = True   # plain `mkdocs serve` exits if its first build fails: this one succeeded

    def rebuild(*args, **kwargs):
        ERRORS.problems = None
        try:
            build(*args, **kwargs)
        except Exception as error:   # noqa: BLE001: the message is already in the log and now on every page
            if ERRORS.problems is None:
                ERRORS.record(error)
            log.error("The site was not rebuilt; the last good pages are still served, with the error shown on "
                      "them. Fix it and save: the pages reload by themselves.")

    server.builder = rebuild
    server.set_app(with_banner(server.get_app()))
    return server


if __name__ == "__main__":
    from scripts.serve import main as serve   # the module the hooks import, not this __main__ copy: one ERRORS
    serve()
