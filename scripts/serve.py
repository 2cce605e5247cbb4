"""`make serve` when a rebuild fails: keep serving the last good pages, with the error shown on them.

mkdocs serve on its own stops answering after a failed rebuild ("the server will appear stuck"). Here the
rebuild's failure is kept, the server goes on serving what it has (bad data stops a build before it touches
the served folder), and every page it serves carries a banner that says what is wrong and where. The next
good rebuild clears it, and the live-reload script reloads open pages both times.
"""
from __future__ import annotations

import logging
import re

import jinja2

log = logging.getLogger("mkdocs.serve.errors")
BANNER = jinja2.Environment(autoescape=True).from_string(
    '<div class="build-error" role="alert" style="position:sticky;top:0;z-index:10000;margin:0;padding:1rem 1.25rem;'
    'background:#fff0f0;color:#1a1a1a;border-bottom:4px solid #b00020;font:16px/1.45 system-ui,sans-serif;'
    'max-height:60vh;overflow:auto">'
    '<p style="margin:0 0 .5rem;font-weight:bold;font-size:1.1rem">This preview is out of date: the last rebuild failed</p>'
    "<p style=\"margin:0 0 .5rem\">You are seeing the last pages that built. Fix what is listed below and save the file; "
    "this page reloads by itself.</p>"
    '<ul style="margin:0;padding-left:1.25rem">{% for problem in problems %}'
    '<li style="margin:.25rem 0"><code style="white-space:pre-wrap;word-break:break-word">{{ problem }}</code></li>'
    "{% endfor %}</ul></div>")
BODY_OPEN = re.compile(rb"<body[^>]*>")


class BuildErrors:
    """The failure of the latest build, if it failed."""

    def __init__(self):
        self.problems: list[str] | None = None

    def record(self, error: BaseException) -> None:
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        if lines and lines[0].endswith("nothing was built:"):
            lines = lines[1:]
        self.problems = [line.removeprefix("- ") for line in lines] or [type(error).__name__]

    def banner(self) -> bytes:
        return BANNER.render(problems=self.problems).encode("utf-8")


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


def keep_serving(server):
    """For the on_serve event: rebuilds that fail leave the server answering, with the banner on."""
    build = server.builder

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
