"""Step 3: the charts. For each: the plotted data, a headline title, a written description, the figures it
rests on, and two drawings: a narrow one laid out for phones and a wide one for larger screens.

Each drawing is laid out here, in pixels, so that every label has a known place: text is never scaled
below its drawn size (the page shows each drawing at its own width), labels are wrapped to the width
they have and moved apart where they would collide. Altair turns the placed marks into a Vega-Lite
spec (`draw`); vl-convert draws it (scripts/render.py).
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import altair as alt
import pandas as pd

from scripts import stats as st
from scripts.load import DataError

alt.data_transformers.disable_max_rows()   # charts are drawn at build time from data/, however many rows it grows to

# Okabe–Ito: distinguishable with the common forms of colour blindness.
BLUE, ORANGE, GREEN, VERMILLION, PURPLE, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#6b6b6b"
INK, MUTED, GRID = "#1a1a1a", "#4a4a4a", "#dedede"
FONT = 13          # the smallest text in any drawing (CSS px, as drawn; pages never shrink a drawing)
LINE = 17          # the distance between lines of 13 px text
CHAR_EM = 0.6      # a generous average character width (in em) for sans-serif: wrapping and collisions
LAYOUTS = {"narrow": 304, "wide": 640}   # px; narrow: text stays >= 12 px even in the 288 px column of a 320 px phone
PHONE_MAX_WIDTH = 679                     # below this the content column is narrower than the wide drawing


# ------------------------------------------------------------------ placed marks

def text_width(text: str, size: float = FONT, bold: bool = False) -> float:
    return len(text) * size * CHAR_EM * (1.08 if bold else 1)


def wrap(text: str, width: float, size: float = FONT, bold: bool = False) -> list[str]:
    return textwrap.wrap(text, max(8, int(width / text_width("x", size, bold))), break_on_hyphens=False)


@dataclass
class Canvas:
    """Marks placed in pixels, (0, 0) at the top left."""
    width: int
    marks: list[dict] = field(default_factory=list)

    def text(self, x, y, text, size=FONT, bold=False, color=INK, align="left", baseline="alphabetic"):
        self.marks.append(dict(kind="text", x=x, y=y, text=text, size=size, weight="bold" if bold else "normal",
                               color=color, align=align, baseline=baseline))

    def lines(self, x, y, lines, size=FONT, bold=False, color=INK, align="left") -> float:
        """Lines of text, the first baseline at y; returns the y below the last line."""
        for number, line in enumerate(lines):
            self.text(x, y + number * (size + 4), line, size, bold, color, align)
        return y + len(lines) * (size + 4)

    def rect(self, x, y, x2, y2, color, dashed=False, opacity=1.0):
        self.marks.append(dict(kind="rect", x=x, y=y, x2=x2, y2=y2, color=color, dashed=dashed, opacity=opacity))

    def rule(self, x, y, x2, y2, color=GRID, width=1):
        self.marks.append(dict(kind="rule", x=x, y=y, x2=x2, y2=y2, color=color, stroke=width))

    def point(self, x, y, size, color):
        self.marks.append(dict(kind="point", x=x, y=y, size=size, color=color))


@dataclass(frozen=True)
class Drawing:
    spec: alt.LayerChart
    width: int
    height: int


def draw(canvas: Canvas, height: float) -> Drawing:
    """One layer per kind and style of mark, on pixel scales."""
    height = int(round(height))
    x = dict(scale=alt.Scale(domain=[0, canvas.width], range=[0, canvas.width]), axis=None)
    y = dict(scale=alt.Scale(domain=[0, height], range=[0, height]), axis=None)
    marks = pd.DataFrame(canvas.marks)
    layers = []
    def of(kind):
        return marks[marks["kind"] == kind].dropna(axis="columns", how="all")
    rules = of("rule")
    for stroke, group in (rules.groupby("stroke", sort=True) if len(rules) else ()):
        layers.append(alt.Chart(group[["x", "y", "x2", "y2", "color"]]).mark_rule(strokeWidth=float(stroke), aria=False).encode(
            alt.X("x:Q", **x), alt.X2("x2:Q"), alt.Y("y:Q", **y), alt.Y2("y2:Q"), alt.Color("color:N", scale=None)))
    rects = of("rect")
    for (dashed, opacity), group in (rects.groupby(["dashed", "opacity"], sort=True) if len(rects) else ()):
        style = dict(stroke=GREY, strokeDash=[4, 3], strokeWidth=1.5) if dashed else {}
        layers.append(alt.Chart(group[["x", "y", "x2", "y2", "color"]]).mark_rect(opacity=float(opacity), aria=False, **style).encode(
            alt.X("x:Q", **x), alt.X2("x2:Q"), alt.Y("y:Q", **y), alt.Y2("y2:Q"), alt.Color("color:N", scale=None)))
    points = of("point")
    if len(points):
        layers.append(alt.Chart(points[["x", "y", "size", "color"]]).mark_circle(opacity=1, aria=False).encode(
            alt.X("x:Q", **x), alt.Y("y:Q", **y), alt.Size("size:Q", scale=None), alt.Color("color:N", scale=None)))
    texts = of("text")
    for (align, baseline, weight), group in texts.groupby(["align", "baseline", "weight"], sort=True):
        layers.append(alt.Chart(group[["x", "y", "text", "size", "color"]]).mark_text(
            align=align, baseline=baseline, fontWeight=weight, font="sans-serif", aria=False).encode(
            alt.X("x:Q", **x), alt.Y("y:Q", **y), alt.Text("text:N"), alt.Size("size:Q", scale=None),
            alt.Color("color:N", scale=None)))
    # aria=False (on the marks and in the config): the drawing has its own title and description; without it
    # every mark would carry "x: 50.12; y: 246; ..." for screen readers.
    spec = (alt.layer(*layers).properties(width=canvas.width, height=height, autosize="none", padding=0)
            .configure(background="white", aria=False).configure_view(stroke=None))
    return Drawing(spec, canvas.width, height)


# ------------------------------------------------------------------- time axes

def day(partial_date: str, end: bool = False) -> date:
    """The first (or, with end, the day after the last) day of a date given to the year, month or day."""
    parts = [int(p) for p in partial_date.split("-")]
    if len(parts) == 3:
        return date(*parts)
    if len(parts) == 2:
        year, month = parts
        return date(year + month // 12, month % 12 + 1, 1) if end else date(year, month, 1)
    return date(parts[0] + 1, 1, 1) if end else date(parts[0], 1, 1)


def plot_date(partial_date: str) -> str:
    """Where to draw a date known only to the year (mid-year) or month (mid-month)."""
    return {0: f"{partial_date}-07-01", 1: f"{partial_date}-15"}.get(partial_date.count("-"), partial_date)


@dataclass(frozen=True)
class TimeScale:
    start: date
    end: date
    low: float      # pixel of start
    high: float     # pixel of end

    def __call__(self, when: date) -> float:
        return self.low + (when - self.start).days / (self.end - self.start).days * (self.high - self.low)

    def years(self) -> range:
        return range(self.start.year, self.end.year + (self.end > date(self.end.year, 1, 1)))


def year_axis(canvas: Canvas, scale: TimeScale, top: float, bottom: float, labels_at: list[float]) -> None:
    """Year gridlines from top to bottom, each year's label centred on its span, at each y in labels_at."""
    for year in scale.years():
        left, right = max(scale.start, date(year, 1, 1)), min(scale.end, date(year + 1, 1, 1))
        if date(year, 1, 1) >= scale.start:
            canvas.rule(scale(date(year, 1, 1)), top, scale(date(year, 1, 1)), bottom)
        if scale(right) - scale(left) >= text_width(str(year)) + 2:
            for y in labels_at:
                canvas.text((scale(left) + scale(right)) / 2, y, str(year), color=MUTED, align="center")


def window_rows(canvas: Canvas, scale: TimeScale, y: float, rows: list[dict], wide: bool) -> float:
    """Labelled time windows, one per row: a bold lead (a count or a statement), a label and the period,
    then a bar from the window's start to its end. A window known only to whole years is drawn dashed
    and pale. y is the first baseline; returns the baseline below the rows."""
    for row in rows:
        size = row.get("lead_size", FONT)
        lead_width = text_width(row["lead"], size, bold=True) + 8
        label_width = text_width(row["label"]) + 10
        if size == FONT and lead_width + label_width <= canvas.width:
            canvas.text(0, y, row["lead"], bold=True)                    # "537  Domestic Abuse Commissioner"
            canvas.text(lead_width, y, row["label"])
            last, end = y, lead_width + label_width
        else:
            after = canvas.lines(0, y, wrap(row["lead"], canvas.width, size, bold=True), size=size, bold=True)
            lines = wrap(row["label"], canvas.width)
            canvas.lines(0, after, lines)
            last, end = after + (len(lines) - 1) * LINE, text_width(lines[-1]) + 10
        if wide and end + text_width(row["period"]) <= canvas.width:
            canvas.text(canvas.width, last, row["period"], color=MUTED, align="right")   # a column of its own
        else:
            lines = wrap(row["period"], canvas.width)
            canvas.lines(0, last + LINE, lines, color=MUTED)
            last += LINE * len(lines)
        top = last + 8
        canvas.rect(scale(row["start"]), top, scale(row["end"]), top + 12, row["color"],
                    dashed=bool(row.get("years_only")), opacity=0.35 if row.get("years_only") or row.get("pale") else 1.0)
        y = top + 12 + 14 + FONT
    return y


# ------------------------------------------------------------------- the charts

@dataclass(frozen=True)
class Chart:
    name: str                   # also the neutral stem of its files: charts/<name>.svg, .png, .csv, .zip
    title: str                  # headline: the chart's point, in words
    description: str
    data: pd.DataFrame          # exactly what is plotted; also the table and the CSV
    columns: dict[str, str]     # data column -> table heading (the columns the page's table shows)
    about_columns: dict[str, str]   # every data column, in order -> what it holds (the CSV's README)
    figure_ids: tuple[str, ...]
    drawings: dict[str, Drawing]   # layout ("narrow", "wide") -> drawing
    summary: str                # one line saying what is drawn (the image's alt text; the title is its caption)
    note: str = ""
    source_ids: tuple[str, ...] = ()   # sources named directly (when the chart rests on rows, not figures)
    more_sources: str = ""      # where the sources of what the source line does not name are listed


def both_layouts(layout: Callable[[int, bool], tuple[Canvas, float]]) -> dict[str, Drawing]:
    drawings = {}
    for name, width in LAYOUTS.items():
        canvas, height = layout(width, name == "wide")
        drawings[name] = draw(canvas, height)
    return drawings


COUNT_ORDER = [("domestic abuse victims", "England and Wales"), ("domestic abuse victims", "UK"),
               ("victims of all crimes", "UK")]
# How the group headings say what is counted: the sources say "victims of crime", not "all crimes".
COUNTED = {"victims of all crimes": "victims of crime (not only domestic abuse)"}


def months_after(start: date, months: int) -> date:
    return date(start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, start.day)


MAX_WINDOWS = 10   # per group: beyond this a chart of windows stops being readable (e.g. one per force per month)


def drawn_and_rest(members: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The windows drawn one by one and the rest, drawn as one row. Drawn are the longest windows, at most
    MAX_WINDOWS - 1 and each strictly longer than every window in the rest (a tie is never split by row
    order), in date order."""
    if len(members) <= MAX_WINDOWS:
        return members.sort_values("period_start", kind="stable"), members.iloc[0:0]
    span = members["drawn_to"].map(date.fromisoformat) - members["period_start"].map(day)
    longest_of_rest = span.sort_values(ascending=False, kind="stable").iloc[MAX_WINDOWS - 1]
    drawn = span[span > longest_of_rest].index
    return members.loc[drawn].sort_values("period_start", kind="stable"), members.drop(index=drawn)


def rest_row(rest: pd.DataFrame, after_drawn: bool) -> dict:
    """One row standing for many shorter windows (after_drawn: below the longest, drawn one by one) or, when
    they tie, for all of a group's windows: how many, and the span they fall within (not a claim that
    together they cover all of it)."""
    first, last = min(rest["period_start"], key=day), max(rest["drawn_to"])
    shown_last = max(rest["period_end"], key=lambda p: day(p, end=True))
    period = st.period_label(first, shown_last) if st.has_month_precision(first, shown_last) else f"{first} to {shown_last}"
    return {"lead": f"{st.format_number(len(rest))} {'other ' if after_drawn else ''}counts",
            "label": ("each of a shorter window than those above, listed in the chart's data" if after_drawn
                      else "too many to draw one by one, listed in the chart's data"),
            "period": f"all within {period}", "start": day(first), "end": date.fromisoformat(last), "pale": True}


def _counts(tables, stats) -> Chart:
    figures = tables["figures"].set_index("id")
    datasets = tables["referral_datasets"]
    rows = []
    for _, d in datasets.iterrows():
        figure = figures.loc[d["figure_id"]]
        start, end = figure["period_start"], figure["period_end"]
        years_only = not st.has_month_precision(start, end)
        bound = st.lower_bound(figure["wording"])
        # A source's own length of period (JCWI: "in the two years since May 2020") is drawn as that length.
        own_months = int(d["months"]) if not pd.isna(d.get("months")) and d.get("months") else None
        if years_only:
            period = f"{start} to {end} (whole years only)"
        elif own_months and own_months != st.months_in_period(start, end):
            period = f"“{d['months_words'][0].upper()}{d['months_words'][1:]}”, in the source’s words"
        else:
            period = st.period_label(start, end)
        rows.append({
            "dataset": d["label"], "counts": d["counts"], "counted_as": d["counted_as"], "area": d["area"],
            "count": st.whole(figure["value"]), "count_is_minimum": "yes" if bound else "no",
            "count_shown": f"{bound} {st.format_number(figure['value'])}".strip(),
            "period_start": start, "period_end": end, "period": period,
            "drawn_to": (months_after(day(start), own_months) if own_months else day(end, end=True)).isoformat(),
            "figure_id": d["figure_id"], "source_id": figure["source_id"],
        })
    data = pd.DataFrame(rows)
    groups = [key for key in COUNT_ORDER if ((data["counts"] == key[0]) & (data["area"] == key[1])).any()]
    groups += [key for key in data[["counts", "area"]].drop_duplicates().itertuples(index=False, name=None) if key not in groups]
    colours = {"domestic abuse victims": VERMILLION, "victims of all crimes": BLUE}
    start = min(day(p) for p in data["period_start"])
    end = max(day(p, end=True) for p in data["period_end"])
    start, end = date(start.year, 1, 1), date(end.year, 7 if end.month <= 7 else 12, 1)

    # each group's rows as drawn, in the drawing's order: the windows drawn one by one, then any drawn together
    splits = {(counts, area): drawn_and_rest(data[(data["counts"] == counts) & (data["area"] == area)])
              for counts, area in groups}
    rows = {(counts, area): [{
        "lead": r["count_shown"], "label": r["dataset"], "period": r["period"],
        "start": day(r["period_start"]), "end": date.fromisoformat(r["drawn_to"]),
        "years_only": "whole years" in r["period"], "color": colours.get(counts, GREY)} for _, r in shown.iterrows()]
        + ([{**rest_row(rest, after_drawn=len(shown) > 0), "color": colours.get(counts, GREY)}] if len(rest) else [])
        for (counts, area), (shown, rest) in splits.items()}

    def heading(counts: str, area: str) -> str:
        return f"Concerning {COUNTED.get(counts, counts)}, {area}"

    def layout(width: int, wide: bool):
        canvas = Canvas(width)
        scale = TimeScale(start, end, 1, width - 1)
        y = FONT + 20
        for counts, area in groups:
            y += 4
            y = canvas.lines(0, y, wrap(heading(counts, area), width, 14, bold=True), size=14,
                             bold=True, color=colours.get(counts, INK)) + 2
            y = window_rows(canvas, scale, y, rows[(counts, area)], wide)
        bottom = y - FONT - 4
        year_axis(canvas, scale, 4, bottom, [FONT, bottom + FONT + 4])
        return canvas, bottom + FONT + 8

    drawn = pd.concat([shown for shown, _ in splits.values()])
    if len(drawn) == len(data):
        listed = "; ".join(f"{r.dataset}: {r.count_shown} {r.counted_as}, {r.area}, {r.period}" for r in drawn.itertuples())
        how = f"each drawn as the window of time it covers on one time axis, grouped by who is counted and where: {listed}. "
    else:   # what each group shows, as the drawing says it, after drawn_and_rest's rule in words
        how = (f"drawn as windows of time on one time axis, grouped by who is counted and where. A group of more than "
               f"{MAX_WINDOWS} counts shows only its longest windows one by one, and the rest as one pale bar for the "
               "span they fall within; every count is listed in the chart's data. "
               + " ".join(f"{heading(counts, area)}: " + "; ".join(
                   [f"{r.dataset}: {r.count_shown} {r.counted_as}, {r.period}" for r in shown.itertuples()]
                   + [f"{row['lead']}, {row['label']}, {row['period']}" for row in rows[(counts, area)][len(shown):]]) + "."
                   for (counts, area), (shown, _) in splits.items()) + " ")
    description = (
        f"{len(data)} published counts of police referrals to Immigration Enforcement, {how}The windows overlap but differ, "
        "and so do the definitions and areas, so the counts are not a series and cannot show a trend.")
    bars = len(drawn) + sum(len(rest) > 0 for _, rest in splits.values())
    summary = (f"{bars} time bars from {start.year} to {end.year}, in {len(groups)} groups by who is counted and "
               "where, each labelled with its count" + ("" if len(drawn) == len(data) else " or, for the windows drawn together, how many"))
    return Chart("counts", "Each published count covers a different window, area and definition", description,
                 data.drop(columns=["source_id"]),
                 {"dataset": "Dataset", "counted_as": "What is counted", "area": "Area", "count_shown": "Count",
                  "period_start": "From", "period_end": "To", "period": "Period", "figure_id": "Figure"},
                 {"dataset": "who published the count",
                  "counts": "who is counted: domestic abuse victims, or victims of crime of any kind",
                  "counted_as": "what the count is of, as its source describes it",
                  "area": "where the count covers",
                  "count": "the number published (a whole number)",
                  "count_is_minimum": "yes if the source gives the count as a minimum (“at least …”), no if not",
                  "count_shown": "the count as the chart shows it, with “at least” where it is a minimum",
                  "period_start": "start of the period counted: YYYY-MM is a month, YYYY a whole year",
                  "period_end": "end of the period counted, included: YYYY-MM is a month, YYYY a whole year",
                  "period": "the period in words: the text to read",
                  "drawn_to": "the day the chart's bar ends (exclusive), YYYY-MM-DD",
                  "figure_id": "the figure in the evidence base (figures.csv on the site)"},
                 tuple(data["figure_id"]), both_layouts(layout), summary)


def _outcomes(tables, stats) -> Chart:
    fig = tables["figures"].set_index("id")
    publisher = tables["sources"].set_index("id")["publisher"]
    total, actions = st.QUOTED_FIGURES["referrals_total"], st.QUOTED_FIGURES["enforcement_actions"]
    papers = st.QUOTED_FIGURES["enforcement_papers_2020_percent"]
    wording = (fig.loc[papers, "wording"] or f"{fig.loc[papers, 'value']:.0f}%").split(" (")[0]
    rows = [
        {"statement": f"{stats['enforcement_actions'].display} of {stats['referrals_total'].display} referrals "
                      "led to enforcement action",
         "measure": "referrals on which enforcement action was taken",
         "document": f"The Domestic Abuse Commissioner’s Home Office data, as reported by {publisher[fig.loc[actions, 'source_id']]}",
         "area": fig.loc[actions, "geography"],
         "value": st.whole(stats["enforcement_actions"].value), "unit": fig.loc[actions, "unit"],
         "out_of": st.whole(stats["referrals_total"].value),
         "period_start": fig.loc[actions, "period_start"], "period_end": fig.loc[actions, "period_end"],
         "figure_id": f"{actions}; {total}"},
        {"statement": f"{wording[0].upper()}{wording[1:]} of domestic abuse victims referred were served enforcement papers",
         "measure": "domestic abuse victims referred who were served enforcement papers (the source’s wording)",
         "document": "A Home Office document, reported by The Detail and the Guardian",
         "area": fig.loc[papers, "geography"],
         "value": st.rounded(fig.loc[papers, "value"]), "unit": fig.loc[papers, "unit"], "out_of": None,
         "period_start": fig.loc[papers, "period_start"], "period_end": fig.loc[papers, "period_end"],
         "figure_id": papers},
    ]
    data = pd.DataFrame(rows)
    data["value"] = data["value"].astype("Int64") if all(float(v).is_integer() for v in data["value"]) else data["value"]
    data["out_of"] = data["out_of"].astype("Int64")
    data.insert(data.columns.get_loc("period_end") + 1, "period",
                [st.period_label(r.period_start, r.period_end) for r in data.itertuples()])
    start = date(day(data["period_start"].min()).year, 1, 1)
    end_day = max(day(p, end=True) for p in data["period_end"])
    end = date(end_day.year, 7 if end_day.month <= 7 else 12, 1)

    def layout(width: int, wide: bool):
        canvas = Canvas(width)
        scale = TimeScale(start, end, 1, width - 1)
        y = window_rows(canvas, scale, FONT + 24, [{
            "lead": r.statement, "lead_size": 15, "label": f"{r.document}; covers {r.area}", "period": r.period,
            "start": day(r.period_start), "end": day(r.period_end, end=True), "color": PURPLE}
            for r in data.itertuples()], wide)
        bottom = y - FONT - 4
        year_axis(canvas, scale, 4, bottom, [FONT, bottom + FONT + 4])
        y = canvas.lines(0, bottom + FONT + 4 + LINE + 6,
                         wrap("Different documents, areas, periods and measures: the two cannot be set side by side.", width),
                         color=MUTED)
        return canvas, y

    description = (
        "Two separate statements, each drawn with the period it covers on a time axis. "
        f"{rows[0]['document']} ({rows[0]['area']}): {rows[0]['statement']} ({data['period'][0]}). "
        f"{rows[1]['document']} ({rows[1]['area']}): {rows[1]['statement'].lower()} ({data['period'][1]}). "
        "The documents, areas, periods and measures differ, and the sources do not reconcile the two.")
    return Chart("outcomes", "What followed a referral: two documents, two measures, two periods", description, data,
                 {"statement": "Statement", "measure": "What it measures", "document": "Document", "area": "Area",
                  "period": "Period", "figure_id": "Figures"},
                 {"statement": "the statement, as the chart shows it",
                  "measure": "what the statement measures",
                  "document": "the document it comes from, and who reported it",
                  "area": "where the document covers",
                  "value": "the number in the statement, in the row's unit (a whole number)",
                  "unit": "what value counts: the two rows are different measures and cannot be compared",
                  "out_of": "the number value is out of, where the statement gives one",
                  "period_start": "start of the period covered: YYYY-MM is a month",
                  "period_end": "end of the period covered, included: YYYY-MM is a month",
                  "period": "the period in words: the text to read",
                  "figure_id": "the figures in the evidence base (figures.csv on the site)"},
                 (actions, total, papers), both_layouts(layout),
                 f"Two statements, each with a bar for the period it covers, {start.year} to {end.year}")


# The events the timeline names in its drawing: event ID -> short label (the date comes from the data).
KEY_EVENTS = {
    "T-005": "Super-complaint lodged",
    "T-010": "Inspectors find significant harm",
    "T-011": "Lords back a firewall",
    "T-019": "Home Office rejects a firewall",
    "T-032": "Commissioner publishes the referral data",
    "T-033": "Lords vote for a firewall again",
    "T-034": "Act passed without a firewall",
    "T-039": "Strategy: consent before sharing",
}


def _timeline_labels(data: pd.DataFrame) -> pd.DataFrame:
    missing = set(KEY_EVENTS) - set(data["event_id"])
    if missing:
        raise DataError([f"data/timeline.csv: the timeline chart names events {', '.join(sorted(missing))} "
                         "(KEY_EVENTS in scripts/charts.py), which the file does not have"])
    key = data[data["event_id"].isin(KEY_EVENTS)].copy()
    key["label"] = [f"{st.month_label(r.date[:7], abbreviated=True)}: {KEY_EVENTS[r.event_id]}" for r in key.itertuples()]
    return key.sort_values("when")


def spread(centres: list[float], heights: list[float], low: float, high: float, gap: float = 6) -> list[float]:
    """Tops of boxes as near their centres as they can be without overlapping, within [low, high]."""
    tops = [c - h / 2 for c, h in zip(centres, heights)]
    for i in range(len(tops)):
        tops[i] = max(tops[i], low if i == 0 else tops[i - 1] + heights[i - 1] + gap)
    for i in reversed(range(len(tops))):
        limit = high if i == len(tops) - 1 else tops[i + 1] - gap
        tops[i] = min(tops[i], limit - heights[i])
    return tops


def stack_levels(anchors: list[float], widths: list[float], width: float) -> list[tuple[int, int, float, float]]:
    """(side, level, left, right) for labels above (side 1) or below (side -1) a horizontal axis, one per
    anchor x, each starting or ending at its anchor, in as few levels as possible: no two labels on a
    level overlap, and no leader line (from the axis to its label) crosses another label.
    A small exhaustive search: charts name a few events."""
    def clashes(a, b):
        (xa, la, ra, va, sa), (xb, lb, rb, vb, sb) = a, b
        return sa == sb and ((va == vb and la < rb + 8 and lb < ra + 8)
                             or (vb > va and la - 2 <= xb <= ra + 2) or (va > vb and lb - 2 <= xa <= rb + 2))

    order = sorted(range(len(anchors)), key=lambda i: anchors[i])

    def search(position, placed, levels):
        if position == len(order):
            return placed
        i = order[position]
        x, w = anchors[i], widths[i]
        for level in range(levels):
            for side in (1, -1):
                for left, right in ((x, x + w), (x - w, x)):
                    label = (x, left, right, level, side)
                    if left >= 0 and right <= width and not any(clashes(label, other) for other in placed.values()):
                        found = search(position + 1, {**placed, i: label}, levels)
                        if found:
                            return found
        return None

    for levels in range(1, len(anchors) + 1):
        found = search(0, {}, levels)
        if found:
            return [(found[i][4], found[i][3], found[i][1], found[i][2]) for i in range(len(anchors))]
    raise ValueError("timeline labels cannot be placed without a collision: shorten them or widen the chart")


def _timeline(tables, stats) -> Chart:
    timeline = tables["timeline"]
    precision = timeline["date"].str.count("-").map({0: "year", 1: "month", 2: "day"})
    data = pd.DataFrame({
        "event_id": timeline["id"], "date": timeline["date"], "date_certainty": timeline["date_certainty"],
        "when": timeline["date"].map(plot_date), "date_precision": precision,
        "kind": timeline["kind"], "event": timeline["event"], "source_id": timeline["source_id"],
    })
    key = _timeline_labels(data)
    data["labelled_as"] = data["event_id"].map(dict(zip(key["event_id"], key["label"]))).fillna("")
    start = date(int(data["date"].min()[:4]), 1, 1)
    end = date(int(data["date"].max()[:4]) + 1, 1, 1)
    when = {r.event_id: date.fromisoformat(r.when) for r in data.itertuples()}

    def vertical(width: int):
        canvas = Canvas(width)
        axis_x, label_x = 44, 62
        height = 60 * (end.year - start.year) + 30
        scale = TimeScale(start, end, 12, height - 12)
        canvas.rule(axis_x, scale.low, axis_x, scale.high, GREY)
        for year in range(start.year, end.year + 1):
            y = scale(date(year, 1, 1))
            canvas.rule(axis_x - 5, y, axis_x, y, GREY)
            if year < end.year:
                canvas.text(axis_x - 9, y, str(year), color=MUTED, align="right", baseline="middle")
        for event_id, at in when.items():
            if event_id not in KEY_EVENTS:
                canvas.point(axis_x, scale(at), 30, GREY)
        wrapped = [wrap(label, width - label_x) for label in key["label"]]
        heights = [len(lines) * LINE for lines in wrapped]
        centres = [scale(when[e]) for e in key["event_id"]]
        tops = spread(centres, heights, 0, height)
        for event_id, lines, top, h, centre in zip(key["event_id"], wrapped, tops, heights, centres):
            canvas.rule(axis_x, centre, label_x - 4, top + h / 2, INK)
            canvas.point(axis_x, centre, 70, BLUE)
            canvas.lines(label_x, top + FONT, lines)
        return canvas, height

    def horizontal(width: int):
        canvas = Canvas(width)
        scale = TimeScale(start, end, 4, width - 4)
        wrapped = [wrap(label, 180) for label in key["label"]]
        anchors = [scale(when[e]) for e in key["event_id"]]
        boxes = stack_levels(anchors, [max(text_width(line) for line in lines) + 6 for lines in wrapped], width)
        pitch = max(len(lines) for lines in wrapped) * LINE + 12
        above = max([level + 1 for side, level, _, _ in boxes if side == 1], default=0)
        below = max([level + 1 for side, level, _, _ in boxes if side == -1], default=0)
        base = above * pitch + 16
        band = FONT + 14            # the year labels, just below the axis
        for x, (side, level, left, right), lines in zip(anchors, boxes, wrapped):
            right_aligned = right == x
            text_x, align = (x - 4, "right") if right_aligned else (x + 4, "left")
            if side == 1:
                bottom = base - 14 - level * pitch
                canvas.rule(x, base, x, bottom, INK)
                canvas.lines(text_x, bottom - 4 - (len(lines) - 1) * LINE, lines, align=align)
            else:
                top = base + band + 10 + level * pitch
                canvas.rule(x, base, x, top, INK)
                canvas.lines(text_x, top + FONT, lines, align=align)
        canvas.rule(scale.low, base, scale.high, base, GREY)
        for event_id, at in when.items():
            if event_id not in KEY_EVENTS:
                canvas.point(scale(at), base, 30, GREY)
        for event_id in key["event_id"]:
            canvas.point(scale(when[event_id]), base, 70, BLUE)
        for year in range(start.year, end.year + 1):
            canvas.rule(scale(date(year, 1, 1)), base, scale(date(year, 1, 1)), base + 5, GREY)
        year_axis(canvas, scale, base + 6, base + 6, [base + 6 + FONT + 2])
        return canvas, base + band + 10 + below * pitch

    def layout(width: int, wide: bool):
        return horizontal(width) if wide else vertical(width)

    description = (
        f"Timeline of the {len(data)} events in the evidence base from {stats['timeline_first_year'].display} to "
        f"{stats['timeline_last_year'].display}, one mark each; {len(key)} key events are named: "
        + "; ".join(key["label"]) + ". Events known only to the month or year are drawn mid-month or mid-year.")
    # The point, in the words of the events the drawing names (KEY_EVENTS): two Lords votes for a firewall,
    # the Home Office's rejection and an Act without one, then the strategy's consent requirement.
    title = (f"The Lords twice backed a firewall and the government refused it; in {when['T-039'].year} "
             "its strategy set a requirement to seek victims’ consent before sharing")
    return Chart("timeline", title, description, data,
                 {"event_id": "Event", "date": "Date", "date_certainty": "Date certainty", "kind": "Kind",
                  "event": "What happened", "labelled_as": "Named in the chart as"},
                 {"event_id": "the event in the evidence base (the Timeline page)",
                  "date": "when it happened, as precisely as known: YYYY is a year, YYYY-MM a month, YYYY-MM-DD a day",
                  "date_certainty": "exact, or how the date was worked out",
                  "when": "the day the chart draws it on, YYYY-MM-DD: mid-month or mid-year when only the month or year is known",
                  "date_precision": "year, month or day: how precisely date is known",
                  "kind": "who acted: campaign, research, oversight, policing, government or parliament",
                  "event": "what happened",
                  "source_id": "the source it rests on (the Sources page)",
                  "labelled_as": "the label the chart gives it, if it is one of the events named in the drawing"},
                 (), both_layouts(layout),
                 f"A time line from {start.year} to {end.year - 1} with {len(data)} events marked, {len(key)} of them named",
                 source_ids=tuple(dict.fromkeys(timeline.set_index("id").loc[key["event_id"], "source_id"])),
                 more_sources="for the other events marked, the sources named in the chart’s data and on the Timeline page")


def _responses(tables, stats) -> Chart:
    """The government's response to Safety Before Status, from the figures that count it (F-049-A/B/C).
    This site's own statuses of the recommendations it tracks are not drawn: they are a summary, not a source."""
    colours = {"accepted": GREEN, "partly accepted": ORANGE, "not accepted": VERMILLION}
    counts = {"accepted": stats["sbs_accepted"].value, "partly accepted": stats["sbs_partly_accepted"].value,
              "not accepted": stats["sbs_not_accepted"].value}
    total = sum(st.whole(c) for c in counts.values())
    figure_ids = tuple(st.QUOTED_FIGURES[k] for k in ("sbs_accepted", "sbs_partly_accepted", "sbs_not_accepted"))
    data = pd.DataFrame([{"status": s, "count": st.whole(c), "figure_id": f} for (s, c), f in zip(counts.items(), figure_ids)])
    most = int(data["count"].max())

    def layout(width: int, wide: bool):
        canvas = Canvas(width)
        label_w = text_width("partly accepted") + 10
        unit = (width - label_w - 30) / most
        y = 12   # the first bar's middle: the title is the figure's caption, not part of the drawing
        for status, count in zip(data["status"], data["count"]):
            canvas.text(label_w - 8, y, status, align="right", baseline="middle")
            if count:
                canvas.rect(label_w, y - 9, label_w + count * unit, y + 9, colours[status])
            canvas.text(label_w + count * unit + 5, y, str(count), bold=True, baseline="middle")
            y += 26
        return canvas, y - 6

    description = (
        f"Bars of recommendations by outcome. The government's response to the Commissioner's Safety Before Status report: "
        f"{counts['accepted']} recommendations accepted, {counts['partly accepted']} partly accepted and "
        f"{counts['not accepted']} not accepted, the firewall among them.")
    title = f"The government accepted {counts['accepted']} of the Commissioner’s {total} Safety Before Status recommendations in full"
    return Chart("responses", title, description, data,
                 {"status": "Outcome", "count": "Recommendations", "figure_id": "Figure"},
                 {"status": "the government's response: accepted (in full), partly accepted or not accepted",
                  "count": "how many of the report's recommendations had that response (a whole number)",
                  "figure_id": "the figure in the evidence base (figures.csv on the site)"},
                 figure_ids, both_layouts(layout), f"Three bars: {', '.join(f'{c} {s}' for s, c in counts.items())}")


CHART_BUILDERS: dict[str, Callable] = {
    "counts": _counts,
    "outcomes": _outcomes,
    "timeline": _timeline,
    "responses": _responses,
}


def build_charts(tables, stats) -> dict[str, Chart]:
    return {name: builder(tables, stats) for name, builder in CHART_BUILDERS.items()}
