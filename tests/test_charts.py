"""Charts: each drawn twice (phone, wide) with labels placed so none collide or leave the drawing, and
downloads (SVG, PNG, CSV, ZIP) that carry their title, sources, address, versions, date and licence,
reference no other host and have neutral names."""
from __future__ import annotations

import csv as csv_module
import html
import io
import json
import re
import struct
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from scripts.chart_files import LATIN_1, page_svg
from scripts.charts import KEY_EVENTS, LAYOUTS, build_charts, spread, stack_levels
from scripts.load import DataError, load
from scripts.render import chart_csv
from scripts.stats import compute_statistics, format_number, lower_bound
from tests.conftest import require_chromium

require_chromium()


@pytest.fixture(scope="module")
def charts():
    tables = load()
    return build_charts(tables, compute_statistics(tables))


# ----------------------------------------------------------------------- layout, pure functions

def test_spread_moves_boxes_apart_only_as_far_as_needed():
    # Boxes 20 high centred at 100, 105 and 300: the second is pushed below the first (with a gap of 6).
    assert spread([100, 105, 300], [20, 20, 20], 0, 400) == [90, 116, 290]
    # Near the bottom edge they are pushed back up, in order.
    assert spread([390, 395], [20, 20], 0, 400) == [354, 380]


def test_stack_levels_never_lets_a_leader_cross_a_label():
    # Two labels 100 wide, anchored 10 px apart: they cannot share a level on one side.
    placed = stack_levels([100, 110], [100, 100], 640)
    assert placed[0][:2] != placed[1][:2]
    # Far apart, both sit on the first level above the axis.
    assert [p[:2] for p in stack_levels([50, 400], [100, 100], 640)] == [(1, 0), (1, 0)]
    # Near the right edge a label ends at its anchor instead of starting there.
    assert stack_levels([600], [100], 640) == [(1, 0, 500, 600)]


def test_every_chart_has_a_narrow_and_a_wide_drawing_of_the_planned_widths(charts):
    for chart in charts.values():
        assert {name: d.width for name, d in chart.drawings.items()} == LAYOUTS, chart.name
        assert all(d.height > 60 for d in chart.drawings.values()), chart.name   # a drawing, not an empty frame


def svg_text(svg: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>.*?</text>", svg, re.S))


def test_the_timeline_names_at_least_five_key_events_in_each_drawing(charts):
    timeline = charts["timeline"]
    labels = [label for label in timeline.data["labelled_as"] if label]
    assert len(labels) >= 5
    for layout in LAYOUTS:
        text = svg_text(page_svg(timeline, layout))
        named = [label for label in labels if label in html.unescape(text)]
        assert len(named) == len(KEY_EVENTS) >= 5, (layout, named)


def test_a_timeline_without_a_named_key_event_fails_with_a_clear_message():
    tables = load()
    stats = compute_statistics(tables)
    tables["timeline"] = tables["timeline"][tables["timeline"]["id"] != "T-032"]
    with pytest.raises(DataError) as error:
        build_charts(tables, stats)
    assert error.value.problems == ["data/timeline.csv: the timeline chart names events T-032 (KEY_EVENTS in "
                                    "scripts/charts.py), which the file does not have"]


# ----------------------------------------------------------------------- drawn in Chromium


def text_boxes(browser, svg: str) -> dict:
    page = browser.new_page()
    page.set_content(f"<!doctype html><body style='margin:0'>{svg}</body>")
    result = page.evaluate("""() => {
        const svg = document.querySelector('svg'), frame = svg.getBoundingClientRect();
        return {width: frame.width, height: frame.height,
                texts: [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
                  const r = t.getBoundingClientRect();
                  return {text: t.textContent, left: r.left - frame.left, right: r.right - frame.left,
                          top: r.top - frame.top, bottom: r.bottom - frame.top,
                          size: parseFloat(getComputedStyle(t).fontSize)};
                })};
    }""")
    page.close()
    return result


def test_no_label_overlaps_another_or_leaves_its_drawing(browser, charts):
    problems = []
    for chart in charts.values():
        for layout in LAYOUTS:
            drawn = text_boxes(browser, page_svg(chart, layout))
            texts = drawn["texts"]
            for t in texts:
                if t["left"] < -0.5 or t["right"] > drawn["width"] + 0.5 or t["top"] < -0.5 or t["bottom"] > drawn["height"] + 0.5:
                    problems.append(f"{chart.name} {layout}: {t['text']!r} leaves the drawing")
                if t["size"] < 13:
                    problems.append(f"{chart.name} {layout}: {t['text']!r} is drawn at {t['size']} px")
            for i, a in enumerate(texts):
                for b in texts[i + 1:]:
                    # Text boxes include the font's line gap: ignore overlaps of under 3 px vertically.
                    if a["left"] < b["right"] and b["left"] < a["right"] and \
                            min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 3:
                        problems.append(f"{chart.name} {layout}: {a['text']!r} overlaps {b['text']!r}")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------- the built site

def drawings_shown(browser, served_site, width: int, javascript: bool) -> list[dict]:
    """Each chart on each page as the reader sees it: which drawing, and the smallest text as rendered
    (its font size times the drawing's rendered width over its own width)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
    page = context.new_page()
    shown = []
    for path in ("findings/", "recommendations/", "timeline/"):
        page.goto(served_site["url"] + path, wait_until="networkidle")
        for figure in page.locator("figure.chart").all():
            image = figure.locator("img")
            image.scroll_into_view_if_needed()
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
            seen = image.evaluate("img => ({src: img.currentSrc, width: img.getBoundingClientRect().width})")
            svg = (Path(served_site["dir"]) / re.sub(r"^https?://[^/]+/", "", seen["src"])).read_text(encoding="utf-8")
            own_width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
            smallest = min(float(size) for size in re.findall(r'font-size="([\d.]+)', svg))
            shown.append({"chart": figure.get_attribute("id"), "drawing": seen["src"].rsplit("/", 1)[1],
                          "smallest_text": round(smallest * seen["width"] / own_width, 2)})
    context.close()
    return shown


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
@pytest.mark.parametrize("width, layout", [(375, "narrow"), (1280, "wide")])
def test_each_screen_gets_its_drawing_and_no_text_renders_below_12_px(browser, served_site, charts, width, layout,
                                                                       javascript, record_property):
    shown = drawings_shown(browser, served_site, width, javascript)
    record_property(f"smallest_text_px_{width}", json.dumps({s["chart"]: s["smallest_text"] for s in shown}))
    assert {s["chart"] for s in shown} == {f"chart-{name}" for name in charts}
    assert all(s["drawing"] == s["chart"].removeprefix("chart-") + f"-{layout}.svg" for s in shown), shown
    assert all(s["smallest_text"] >= 12 for s in shown), shown


def png_text(png: bytes) -> dict[str, str]:
    chunks, position = {}, 8
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        if kind == b"tEXt":
            keyword, value = png[position + 8:position + 8 + length].split(b"\0", 1)
            chunks[keyword.decode("latin-1")] = value.decode("latin-1")
        position += 12 + length
    return chunks


def png_size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])


EXTERNAL_REFERENCE = re.compile(r"""(?:href|src)\s*=\s*["'](?!#)|@import|url\(\s*['"]?(?!#)|<image\b|<style\b|@font-face""", re.I)


def test_downloaded_images_carry_title_sources_address_versions_date_and_licence(built_site, charts):
    charts_dir = built_site["dir"] / "charts"
    for chart in charts.values():
        svg = (charts_dir / f"{chart.name}.svg").read_text(encoding="utf-8")
        drawn = svg_text(svg)
        for expected in ("Source: ", f"{built_site['url']}", f"#chart-{chart.name}", "version dev",
                         "data version 1.0.0", "published 25 November 2026", "Licence: CC BY 4.0"):
            assert expected in drawn, (chart.name, expected)
        assert chart.title.split(":")[0] in drawn
        png = (charts_dir / f"{chart.name}.png").read_bytes()
        text = png_text(png)
        assert text["Title"] == chart.title.translate(LATIN_1)
        assert text["URL"].endswith(f"#chart-{chart.name}") and text["Source"]
        assert text["Copyright"].startswith("CC BY 4.0") and "version dev" in text["Comment"]
        # The PNG is that SVG drawn (at twice its size): the provenance is drawn in the image too.
        width, height = (int(v) for v in re.search(r'<svg[^>]* width="(\d+)" height="(\d+)"', svg).groups())
        assert png_size(png) == (2 * width, 2 * height)
        assert png[25] == 3 and len(png) < 200_000, (chart.name, png[25], len(png))   # a palette PNG: small


def test_exported_images_reference_no_other_host(built_site):
    for image in (built_site["dir"] / "charts").glob("*.svg"):
        svg = image.read_text(encoding="utf-8")
        assert not EXTERNAL_REFERENCE.search(svg), (image.name, EXTERNAL_REFERENCE.search(svg).group(0))


def test_each_chart_zip_holds_its_csv_with_readme_and_metadata(built_site, charts):
    for chart in charts.values():
        archive = zipfile.ZipFile(io.BytesIO((built_site["dir"] / "charts" / f"{chart.name}.zip").read_bytes()))
        names = sorted(archive.namelist())
        assert names == sorted(f"{chart.name}/{n}" for n in (f"{chart.name}.csv", "README.txt", "metadata.json"))
        zipped = archive.read(f"{chart.name}/{chart.name}.csv")
        downloaded = (built_site["dir"] / "charts" / f"{chart.name}.csv").read_bytes()
        # UTF-8 with a byte order mark, so that Excel reads ’ and – as themselves.
        assert zipped == downloaded and downloaded.startswith(b"\xef\xbb\xbf")
        assert downloaded.decode("utf-8-sig") == chart_csv(chart)
        readme = archive.read(f"{chart.name}/README.txt").decode("utf-8")
        assert readme.startswith(chart.title) and "Licence: CC BY 4.0" in readme and f"#chart-{chart.name}" in readme
        assert "YYYY-MM is a month" in readme
        metadata = json.loads(archive.read(f"{chart.name}/metadata.json"))
        assert metadata["site_version"] == "dev" and metadata["data_version"] == "1.0.0" and metadata["sources"]
        # Every column of the CSV, in order, is described in the README and in metadata.json.
        header = next(csv_module.reader(io.StringIO(downloaded.decode("utf-8-sig"))))
        described = re.findall(r"^  (\w+): ", readme.split(f"Columns of {chart.name}.csv", 1)[1], re.M)
        assert described == header == list(metadata["columns"]), chart.name


def test_no_chart_csv_cell_starts_with_what_a_spreadsheet_reads_as_a_formula(built_site):
    for csv in (built_site["dir"] / "charts").glob("*.csv"):
        for line in csv.read_text(encoding="utf-8").splitlines():
            for cell in re.findall(r'(?:^|,)("(?:[^"]|"")*"|[^,]*)', line):
                assert not cell.strip('"').startswith(("=", "+", "-", "@", "\t", "\r")), (csv.name, cell)


TOPIC_WORDS = re.compile(r"abuse|immigra|referr|victim|domestic|police|enforce|deport|firewall", re.I)


def test_chart_files_have_neutral_names(built_site):
    names = [p.name for p in (built_site["dir"] / "charts").iterdir()]
    assert names and not [n for n in names if TOPIC_WORDS.search(n)]


# ----------------------------------------------------------------------- what the charts say

def test_integers_are_written_as_integers_and_mixed_measures_carry_a_unit(charts):
    for chart in charts.values():
        text = chart_csv(chart)
        for column in chart.data.columns:
            if column in ("count", "value", "out_of"):
                cells = [row[column] for row in csv_module.DictReader(io.StringIO(text))]
                assert not [c for c in cells if c.endswith(".0")], (chart.name, column, cells)
    outcomes = charts["outcomes"].data
    assert outcomes["unit"].nunique() == len(outcomes) and outcomes["unit"].str.len().min() > 0


def test_a_minimum_is_never_shown_without_its_at_least(built_site, charts):
    """A count whose evidence says "at least 1,787" is shown as "at least 1,787" on every page, in every
    drawing and download, and in every rate worked out from it."""
    tables = load()
    figures = tables["figures"].set_index("id")
    said = {i for i, f in figures.iterrows() if pd.notna(f["value"]) and re.search(
        rf"\b(at least|no less than) {re.escape(format_number(f['value']))}\b", f["evidence"], re.I)}
    minimums = {i for i, f in figures.iterrows() if lower_bound(f["wording"])}
    assert {"F-015", "F-026"} <= said == minimums
    stats = compute_statistics(tables)
    shown = {format_number(figures.loc[i, "value"]) for i in minimums if figures.loc[i, "value"] >= 100}
    shown |= {s.display for s in stats.values() if s.name.startswith("monthly_") and set(s.figure_ids) & minimums}
    assert {"423", "1,787"} <= shown

    def bare(text: str) -> list[str]:
        text = re.sub(r"\s+", " ", html.unescape(text))
        return [text[max(0, m.start() - 60):m.end() + 20] for number in shown
                for m in re.finditer(rf"(?<![\d,.]){re.escape(number)}(?![\d]|,\d)", text)
                if not re.search(r"(at least|no less than)\b", text[max(0, m.start() - 60):m.start()], re.I)]

    counts = charts["counts"]
    problems = []
    for layout in LAYOUTS:
        problems += bare(svg_text(page_svg(counts, layout)))
    charts_dir = built_site["dir"] / "charts"
    problems += bare(svg_text((charts_dir / "counts.svg").read_text(encoding="utf-8")))
    problems += bare(counts.description)
    rows = list(csv_module.DictReader(io.StringIO((charts_dir / "counts.csv").read_bytes().decode("utf-8-sig"))))
    for row in rows:
        assert row["count_is_minimum"] == ("yes" if row["figure_id"] in minimums else "no"), row
        assert row["count_shown"].startswith("at least ") == (row["figure_id"] in minimums), row
    for page in ("findings", "figures", "methods", "analysis"):
        text = (built_site["dir"] / page / "index.html").read_text(encoding="utf-8")
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
        problems += [f"{page}: {p}" for p in bare(re.sub(r"<[^>]+>", " ", text))]
    assert not problems, "\n".join(problems)


def test_the_responses_chart_draws_only_what_its_sources_count(charts):
    responses = charts["responses"]
    assert set(responses.figure_ids) == set(responses.data["figure_id"]) and not responses.source_ids
    drawn = html.unescape(svg_text(page_svg(responses, "wide")))
    assert "tracked on this site" not in drawn and "unclear" not in drawn
    # The title and the drawing count the same recommendations.
    accepted, total = responses.data.set_index("status").loc["accepted", "count"], responses.data["count"].sum()
    assert f"accepted {accepted} of the Commissioner’s {total} " in responses.title
    numbers = [int(word) for word in drawn.split() if word.isdigit()]   # the drawing has no title of its own
    assert sorted(numbers) == sorted(responses.data["count"]) and sum(numbers) == total


def test_the_outcomes_chart_names_each_statements_area_and_who_reported_it(charts):
    outcomes = charts["outcomes"]
    assert list(outcomes.data["area"]) == ["England and Wales", "UK"]
    for layout in LAYOUTS:
        drawn = html.unescape(svg_text(page_svg(outcomes, layout)))
        assert "as reported by NCDV" in drawn and "England and Wales" in drawn and "covers UK" in drawn
        assert "documents, areas, periods and measures" in drawn
    assert "England and Wales" in outcomes.description and "(UK)" in outcomes.description


def test_alt_text_says_what_is_drawn_not_the_title_again(built_site, charts):
    page = (built_site["dir"] / "findings" / "index.html").read_text(encoding="utf-8")
    for name in ("counts", "outcomes"):
        alt = html.unescape(re.search(rf'<img src="[^"]*charts/{name}-wide.svg"[^>]* alt="([^"]+)"', page).group(1))
        assert alt == charts[name].summary and alt != charts[name].title


def test_drawings_carry_no_per_mark_screen_reader_labels(built_site):
    for image in (built_site["dir"] / "charts").glob("*.svg"):
        svg = image.read_text(encoding="utf-8")
        assert not re.search(r'graphics-symbol|aria-label="x:|(text|rect|rule|symbol) mark container', svg), image.name


def test_the_timeline_csv_names_each_events_source(charts):
    timeline = charts["timeline"].data
    assert timeline["source_id"].str.match(r"^S-\d{3,}$").all()
    assert list(timeline["source_id"]) == list(load()["timeline"]["source_id"])
    # The source line names the key events' sources, and says where the others are.
    assert "other events marked" in charts["timeline"].more_sources


def test_a_release_build_pins_each_downloaded_chart_to_its_version(tmp_path, monkeypatch):
    """In a release (SITE_VERSION set), the address inside each downloaded image is that version's page,
    which stays valid after later releases."""
    from tests.conftest import ROOT, mkdocs_build
    monkeypatch.setenv("SITE_VERSION", "1.0.0")
    result = mkdocs_build(ROOT, tmp_path / "site", "https://safe-to-report.example.org/")
    assert result.returncode == 0, result.stderr
    pinned = "https://safe-to-report.example.org/1.0.0/findings/#chart-counts"
    svg = (tmp_path / "site" / "charts" / "counts.svg").read_text(encoding="utf-8")
    assert pinned in svg_text(svg) and "version 1.0.0 (data version 1.0.0)" in svg_text(svg)
    assert png_text((tmp_path / "site" / "charts" / "counts.png").read_bytes())["URL"] == pinned
