"""The files of each chart: the two drawings the page shows, and the downloads (SVG, PNG, CSV and a ZIP)
that carry their own provenance, so that a chart copied anywhere can still be cited from the file alone.

Drawing is the slow part, so drawings are cached on disk by what they are drawn from (`drawn`), and the
charts of a clean build are drawn in parallel.
"""
from __future__ import annotations

import hashlib
import html
import io
import json
import os
import struct
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Callable

import PIL
import vl_convert
from PIL import Image

from scripts.cache import CACHE_DIR, read_sealed, write_sealed
from scripts.charts import FONT, INK, LAYOUTS, MUTED, Chart, wrap
from scripts.fragments import fragment

CHART_CACHE = CACHE_DIR / "charts"
DRAWN_BY = f"vl-convert {vl_convert.__version__}; Pillow {PIL.__version__}, 256-colour PNG"   # what draws, and how
CSV_ENCODING = "utf-8-sig"   # with a byte order mark: Excel otherwise reads ’ as â€™
PNG_SCALE = 2          # PNG pixels per CSS pixel: sharp on high-density screens and in print
MARGIN = 20


@dataclass(frozen=True)
class Provenance:
    """What a downloaded chart says about itself."""
    title: str
    sources: str            # "Publisher (year); ..."
    address: str            # the chart on its page, in this version of the site
    site_name: str
    site_version: str
    data_version: str
    published: str          # the release date, YYYY-MM-DD
    licence: str            # its name
    licence_url: str

    def lines(self) -> list[str]:
        return [f"Source: {self.sources}.",
                f"Chart: {self.address}",
                f"{self.site_name}, version {self.site_version} (data version {self.data_version}), "
                f"published {date.fromisoformat(self.published):%-d %B %Y}.",
                f"Licence: {self.licence} ({self.licence_url})."]


# ------------------------------------------------------------------- drawing, cached

def drawn(kind: str, source: str, draw: Callable[[], bytes]) -> bytes:
    """A drawing (kind: "svg" or "png") of `source`. Given versions of vl-convert and Pillow draw a given
    source the same way every time, so the drawing is cached under the hash of both, and used only if it
    matches the hash stored with it (scripts/cache.py)."""
    key = hashlib.sha256(f"{DRAWN_BY}\n{kind}\n{source}".encode()).hexdigest()
    cached = read_sealed(CHART_CACHE / f"{key}.{kind}")
    if cached is not None:
        return cached
    content = draw()
    write_sealed(CHART_CACHE / f"{key}.{kind}", content)
    return content


def svg_of(spec: dict) -> str:
    source = json.dumps(spec, sort_keys=True)
    return drawn("svg", source, lambda: vl_convert.vegalite_to_svg(json.loads(source)).encode()).decode("utf-8")


def png_of(svg: str) -> bytes:
    return drawn("png", svg, lambda: palette_png(vl_convert.svg_to_png(svg, scale=PNG_SCALE)))


def palette_png(png: bytes) -> bytes:
    """The PNG with at most 256 colours: a chart has a few flat colours and grey edges of text, so it looks
    the same at about an eighth of the size of the full-colour one."""
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE,
                                                                 dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=9)
    return out.getvalue()


# ------------------------------------------------------------------- page drawings

def page_svg(chart: Chart, layout: str) -> str:
    """A drawing for the page, with a role, title and description for screen readers."""
    svg = svg_of(chart.drawings[layout].spec.to_dict())
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{chart.name}-title {chart.name}-desc" ', 1)
    head_end = svg.index(">", svg.index("<svg")) + 1
    return (svg[:head_end] + f'<title id="{chart.name}-title">{html.escape(chart.title)}</title>'
            f'<desc id="{chart.name}-desc">{html.escape(chart.description)}</desc>' + svg[head_end:])


# ------------------------------------------------------------------- downloads

def export_svg(chart: Chart, provenance: Provenance) -> str:
    """The wide drawing with the title above it and the provenance below it, all inside the image."""
    drawing = chart.drawings["wide"]
    width = drawing.width + 2 * MARGIN
    lines, y = [], MARGIN + 18
    for line in wrap(chart.title, drawing.width, 18, bold=True):
        lines.append(dict(x=MARGIN, y=y, size=18, bold=True, color=INK, text=line))
        y += 24
    chart_top = y - 8
    y = chart_top + drawing.height + 28
    for sentence in provenance.lines():
        for line in wrap(sentence, drawing.width):
            lines.append(dict(x=MARGIN, y=y, size=FONT, bold=False, color=MUTED, text=line))
            y += FONT + 5
    inner = svg_of(drawing.spec.to_dict()).replace("<svg ", f'<svg x="{MARGIN}" y="{chart_top}" ', 1)
    return fragment("chart-export.svg", width=width, height=y - FONT + MARGIN, title=chart.title,
                    description=chart.description, provenance_text=" ".join(provenance.lines()),
                    lines=lines, drawing=inner)


LATIN_1 = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u00a0": " "})


def png_text_chunks(png: bytes, text: dict[str, str]) -> bytes:
    """The PNG with tEXt chunks after its header, where every reader looks for them. tEXt is Latin-1:
    typographic quotes and dashes become their plain forms."""
    header_end = 8 + 4 + 4 + 13 + 4           # signature, then the IHDR chunk (length, type, 13 bytes, CRC)
    chunks = b""
    for keyword, value in text.items():
        body = keyword.encode("latin-1") + b"\0" + value.translate(LATIN_1).encode("latin-1", "replace")
        chunks += struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    return png[:header_end] + chunks + png[header_end:]


def png_metadata(chart: Chart, provenance: Provenance) -> dict[str, str]:
    """Standard PNG keywords (Title, Description, Source, Copyright, Creation Time) plus the address."""
    return {"Title": chart.title, "Description": chart.description, "Source": provenance.sources,
            "URL": provenance.address, "Author": provenance.site_name,
            "Comment": provenance.lines()[2], "Copyright": f"{provenance.licence} ({provenance.licence_url})",
            "Creation Time": provenance.published}


def readme(chart: Chart, provenance: Provenance, csv_name: str) -> str:
    columns = "\n".join(f"  {column}: {about}" for column, about in chart.about_columns.items())
    return (f"{chart.title}\n\n{chart.description}\n\n" + "\n".join(provenance.lines())
            + f"\n\nFiles\n  {csv_name}: the data the chart plots, one row per mark or window; UTF-8 text (with a\n"
            "    byte order mark, so that spreadsheets read its quotation marks and dashes correctly).\n"
            f"  metadata.json: the same provenance, for programs.\n\nColumns of {csv_name}, in order\n{columns}\n\n"
            "Dates are given only as precisely as the source gives them: YYYY-MM is a month and YYYY a whole year,\n"
            "not the first day of either. Where a column says so, the text is the one to read.\n")


def bundle(chart: Chart, provenance: Provenance, csv: str) -> bytes:
    """A ZIP of the chart's data with its provenance, dated by the release so that builds are identical."""
    when = tuple(int(part) for part in provenance.published.split("-")) + (0, 0, 0)
    csv_name = f"{chart.name}.csv"
    metadata = {**asdict(provenance), "description": chart.description, "columns": chart.about_columns,
                "data": csv_name, "encoding": "utf-8-sig"}
    files = {csv_name: csv, "README.txt": readme(chart, provenance, csv_name),
             "metadata.json": json.dumps(metadata, indent=2, ensure_ascii=False) + "\n"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(f"{chart.name}/{name}", date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode(CSV_ENCODING if name == csv_name else "utf-8"))
    return buffer.getvalue()


def chart_files(chart: Chart, provenance: Provenance, csv: str) -> list[tuple[str, bytes]]:
    """Every file of one chart, by its path in the site."""
    if chart.more_sources:
        provenance = replace(provenance, sources=f"{provenance.sources}; {chart.more_sources}")
    exported = export_svg(chart, provenance)
    return ([(f"charts/{chart.name}-{layout}.svg", page_svg(chart, layout).encode()) for layout in LAYOUTS]
            + [(f"charts/{chart.name}.svg", exported.encode()),
               (f"charts/{chart.name}.png", png_text_chunks(png_of(exported), png_metadata(chart, provenance))),
               (f"charts/{chart.name}.csv", csv.encode(CSV_ENCODING)),
               (f"charts/{chart.name}.zip", bundle(chart, provenance, csv))])


def all_chart_files(charts: list[tuple[Chart, Provenance, str]]) -> list[tuple[str, bytes]]:
    """The files of every chart; vl-convert draws outside Python's lock, so charts are drawn side by side."""
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return [file for files in pool.map(lambda item: chart_files(*item), charts) for file in files]
