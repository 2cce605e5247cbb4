"""Step 4: turn tables, statistics and charts into what pages show.

Every piece of text that comes from data/ is HTML-escaped here, so nothing in a
data file can add markup, links or template syntax to a page. Links are written
relative to `root`, the path from the current page back to the site root.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable

import pandas as pd
import vl_convert

from scripts.charts import Chart
from scripts.fragments import fragment
from scripts.stats import Statistic, format_number, month_label

e = html.escape

SPEAKER_GROUPS = {  # speaker_group in quotes.csv -> heading on the Voices page
    "commissioner": "The Domestic Abuse Commissioner",
    "government": "Government and the Home Office",
    "police": "Police",
    "oversight": "Inspectors and commissioners",
    "civil_society": "Charities, lawyers and campaigners",
    "parliament": "Parliament",
}
CERTAINTY_NOTE = {"inferred": "date inferred", "approximate": "date approximate", "undated": "undated"}


@dataclass(frozen=True)
class PageLinks:
    """What a generated fragment needs to know about the page it goes on."""
    root: str                                   # relative path from the page to the site root
    cite: Callable[[str, str], str] = lambda anchor, title: ""   # (anchor, title) -> citation HTML
    publisher: str = ""                         # who publishes the brief (mkdocs.yml extra.publisher)
    contact: str = ""                           # where to report an error: an email or a web address


# ----------------------------------------------------------------- small parts

def date_text(partial_date: str, certainty: str = "exact") -> str:
    """'2023-11-09' -> '9 November 2023'; flags dates that are inferred or approximate."""
    if not partial_date:
        return "undated"
    parts = partial_date.split("-")
    text = partial_date if len(parts) == 1 else month_label(partial_date) if len(parts) == 2 else \
        f"{int(parts[2])} {month_label(partial_date[:7])}"
    if certainty == "approximate":
        return f"c. {text}"
    if certainty == "inferred":
        return f"{text} (inferred)"
    return text


def stat_link(stat: Statistic, root: str) -> str:
    return (f'<a class="stat" data-stat="{e(stat.name)}" href="{root}methods/#stat-{stat.name}" title="{e(stat.label)}: how it is computed">'
            f"{e(stat.display)}</a>")


def source_link(source: pd.Series, root: str) -> str:
    year = source["published"][:4] or "n.d."
    return f'<a href="{root}sources/#{source["id"]}">{e(source["publisher"])} ({year})</a>'


def sources_line(source_ids, sources: pd.DataFrame, root: str) -> str:
    by_id = sources.set_index("id", drop=False)
    return "; ".join(source_link(by_id.loc[s], root) for s in dict.fromkeys(source_ids))


def external_link(url: str, text: str) -> str:
    if not url:
        return e(text)
    return f'<a href="{e(url)}" rel="noopener noreferrer">{e(text)}</a>'


def table_html(frame: pd.DataFrame, columns: dict[str, str], caption: str, row_ids: pd.Series | None = None) -> str:
    head = "".join(f'<th scope="col">{e(label)}</th>' for label in columns.values())
    body = []
    for position, (_, row) in enumerate(frame.iterrows()):
        cells = []
        for column in columns:
            value = row[column]
            text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else (
                f"{value:,.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value))
            cells.append(f"<td>{e(text)}</td>")
        row_id = f' id="{e(row_ids.iloc[position])}"' if row_ids is not None else ""
        body.append(f"<tr{row_id}>{''.join(cells)}</tr>")
    return (f'<div class="table-scroll" tabindex="0" role="region" aria-label="{e(caption)}"><table class="data-table">'
            f"<caption>{e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


# ---------------------------------------------------------------------- charts

CHART_CACHE = Path(__file__).resolve().parent.parent / ".cache" / "charts"


def _svg_from_spec(spec_json: str) -> str:
    """A given vl-convert version draws a given spec the same way every time, so a drawing is cached
    under the hash of both, and written whole or not at all."""
    key = hashlib.sha256(f"{vl_convert.__version__}\n{spec_json}".encode()).hexdigest()
    cached = CHART_CACHE / f"{key}.svg"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    svg = vl_convert.vegalite_to_svg(json.loads(spec_json))
    CHART_CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=CHART_CACHE, delete=False) as partial:
        partial.write(svg)
    os.replace(partial.name, cached)
    return svg


def chart_svg(chart: Chart) -> str:
    """The static chart, with a role, title and description for screen readers."""
    svg = _svg_from_spec(json.dumps(chart.chart.to_dict(), sort_keys=True))
    label = f"{chart.name}-title {chart.name}-desc"
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{label}" ', 1)
    head_end = svg.index(">", svg.index("<svg")) + 1
    return (svg[:head_end] + f'<title id="{chart.name}-title">{e(chart.title)}</title>'
            f'<desc id="{chart.name}-desc">{e(chart.description)}</desc>' + svg[head_end:])


def chart_csv(chart: Chart) -> str:
    return chart.data.to_csv(index=False, lineterminator="\n")


def chart_figure(chart: Chart, sources: pd.DataFrame, figures: pd.DataFrame, links: PageLinks) -> str:
    root = links.root
    source_ids = figures.set_index("id").loc[list(chart.figure_ids), "source_id"] if chart.figure_ids else []
    source_html = sources_line(source_ids, sources, root) if len(source_ids) else "this site’s timeline (each event’s source is in the table)"
    note = f'<p class="chart-note">{e(chart.note)}</p>' if chart.note else ""
    table_columns = {c: label for c, label in chart.columns.items()}
    return (
        f'<figure class="chart" id="chart-{chart.name}">'
        f'<img src="{root}charts/{chart.name}.svg" alt="{e(chart.title)}" aria-describedby="chart-{chart.name}-desc" loading="lazy">'
        f'<figcaption><p class="chart-title"><a href="#chart-{chart.name}">Chart: {e(chart.title)}</a></p>'
        f'<p id="chart-{chart.name}-desc">{e(chart.description)}</p>{note}'
        f'<p class="chart-source">Source: {source_html}.</p>'
        f'<p class="chart-downloads"><a href="{root}charts/{chart.name}.csv" download>Download the plotted data (CSV)</a> · '
        f'<a href="{root}charts/{chart.name}.svg" download>Download the chart (SVG)</a></p></figcaption>'
        f'{links.cite("chart-" + chart.name, "Chart: " + chart.title)}'
        f'<details class="chart-data"><summary>Data table for this chart</summary>'
        f'{table_html(chart.data, table_columns, "Data for the chart: " + chart.title)}</details>'
        "</figure>"
    )


# ---------------------------------------------------------------------- blocks

def statistics_block(tables, stats: dict[str, Statistic], links: PageLinks) -> str:
    root = links.root
    figures, sources = tables["figures"], tables["sources"]
    by_figure = figures.set_index("id")
    rows = []
    for stat in stats.values():
        sources_html = sources_line([by_figure.loc[f, "source_id"] for f in stat.figure_ids], sources, root) or "this site’s own tables"
        figure_links = ", ".join(f'<a href="{root}figures/#{f}">{f}</a>' for f in stat.figure_ids) or "—"
        rows.append(
            f'<tr id="stat-{stat.name}"><td><code>{e(stat.name)}</code></td><td>{e(stat.display)}</td><td>{e(stat.label)}</td>'
            f"<td>{e(stat.method)}</td><td>{figure_links}</td><td>{sources_html}</td></tr>")
    return ('<div class="table-scroll" tabindex="0" role="region" aria-label="Statistics"><table class="data-table statistics">'
            "<caption>Every statistic on this site, how it is computed and what it rests on</caption>"
            '<thead><tr><th scope="col">Name</th><th scope="col">Value</th><th scope="col">What it is</th>'
            '<th scope="col">How it is computed</th><th scope="col">Figures</th><th scope="col">Sources</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def figures_block(tables, stats, links: PageLinks) -> str:
    root = links.root
    figures, sources = tables["figures"], tables["sources"]
    items = []
    for _, f in figures.iterrows():
        value = f["wording"] or ("" if pd.isna(f["value"]) else format_number(f["value"], 0 if float(f["value"]).is_integer() else 1))
        period = " to ".join(p for p in (f["period_start"], f["period_end"]) if p)
        caveat = f'<p class="caveat"><strong>Caveat:</strong> {e(f["caveat"])}</p>' if f["caveat"] else ""
        items.append(
            f'<li id="{f["id"]}"><p><a class="data-id" href="#{f["id"]}">{f["id"]}</a> '
            f'<strong>{e(value)}</strong> {e(f["unit"])}. {e(f["statement"])}</p>'
            f'<p class="meta">{e(f["geography"])}{"; " + e(period) if period else ""}{" (" + e(f["period_note"]) + ")" if f["period_note"] else ""}. '
            f'Source: {sources_line([f["source_id"]], sources, root)}. Evidence: “{e(f["evidence"])}”</p>{caveat}'
            f'{links.cite(f["id"], "Figure " + f["id"])}</li>')
    return f'<ol class="figures">{"".join(items)}</ol>'


def sources_block(tables, stats, links: PageLinks) -> str:
    items = []
    for _, s in tables["sources"].iterrows():
        date = date_text(s["published"], s["published_certainty"])
        note = f' <span class="meta">{e(s["notes"])}</span>' if s["notes"] else ""
        date_note = f' ({e(s["published_note"])})' if s["published_note"] and s["published_certainty"] != "exact" else ""
        items.append(f'<li id="{s["id"]}"><a class="data-id" href="#{s["id"]}">{s["id"]}</a> {e(s["publisher"])} '
                     f'({e(date)}{date_note}). {external_link(s["url"], s["title"])}.{note}</li>')
    return f'<ul class="sources">{"".join(items)}</ul>'


def quotes_block(tables, stats, links: PageLinks, group: str = "") -> str:
    """The quotes of one group of speakers (see SPEAKER_GROUPS); the page gives each group its heading."""
    root = links.root
    quotes, sources = tables["quotes"], tables["sources"].set_index("id", drop=False)
    items = []
    for _, q in quotes[quotes["speaker_group"] == group].iterrows():
        source = sources.loc[q["source_id"]]
        role = ", ".join(x for x in (q["role"], q["organisation"]) if x)
        context = f'<p class="meta">{e(q["context"])}</p>' if q["context"] else ""
        items.append(
            f'<figure class="quote" id="{q["id"]}"><blockquote><p>{e(q["quote"])}</p></blockquote>'
            f'<figcaption><strong>{e(q["speaker"])}</strong>, {e(role)}. {e(date_text(q["date"], q["date_certainty"]))}'
            f'{" (" + e(q["date_note"]) + ")" if q["date_note"] else ""}. '
            f'Source: {external_link(source["url"], source["title"])} ({source_link(source, root)}). '
            f'<a class="data-id" href="#{q["id"]}">Link to this quote ({q["id"]})</a></figcaption>{context}'
            f'{links.cite(q["id"], "Quote " + q["id"] + ", " + q["speaker"])}</figure>')
    return "".join(items) or "<p>No quotes in this group.</p>"


def timeline_block(tables, stats, links: PageLinks) -> str:
    root = links.root
    sources = tables["sources"].set_index("id", drop=False)
    items = []
    for _, t in tables["timeline"].iterrows():
        note = f' <span class="meta">({e(t["date_note"])})</span>' if t["date_note"] else ""
        items.append(
            f'<li id="{t["id"]}" class="kind-{t["kind"]}"><p><a class="data-id" href="#{t["id"]}">{t["id"]}</a> '
            f'<strong><time>{e(date_text(t["date"], t["date_certainty"]))}</time></strong>{note} '
            f'<span class="kind">{e(t["kind"])}</span></p><p>{e(t["event"])} '
            f'Source: {source_link(sources.loc[t["source_id"]], root)}.</p></li>')
    return f'<ol class="timeline">{"".join(items)}</ol>'


def recommendations_block(tables, stats, links: PageLinks) -> str:
    root = links.root
    sources = tables["sources"].set_index("id", drop=False)
    items = []
    for _, r in tables["recommendations"].iterrows():
        response_source = f' Source: {source_link(sources.loc[r["response_source_id"]], root)}.' if r["response_source_id"] else ""
        response_date = f' ({e(date_text(r["response_on"], r["response_on_certainty"] or "exact"))})' if r["response_on"] else ""
        items.append(
            f'<article class="recommendation status-{r["status"].replace(" ", "-")}" id="{r["id"]}">'
            f'<h3><a class="data-id" href="#{r["id"]}">{r["id"]}</a> {e(r["recommendation"])}</h3>'
            f'<p class="meta">{e(r["made_by"])}, <em>{e(r["report"])}</em>, {e(date_text(r["made_on"], r["made_on_certainty"]))}. '
            f'To: {e(r["addressed_to"])}. Source: {source_link(sources.loc[r["source_id"]], root)}.</p>'
            f'<p><span class="status">Status: {e(r["status"])}</span> {e(r["response"])}{response_date}{response_source}</p>'
            f'{links.cite(r["id"], "Recommendation " + r["id"])}</article>')
    return "".join(items)


def votes_block(tables, stats, links: PageLinks) -> str:
    root = links.root
    figures = tables["figures"].set_index("id")
    sources = tables["sources"].set_index("id", drop=False)
    rows = []
    for _, v in tables["votes"].iterrows():
        def count(column):
            return f'{figures.loc[v[column], "value"]:,.0f}' if v[column] else "not recorded"
        majority = count("majority_figure_id") if v["majority_figure_id"] else "—"
        rows.append(
            f'<tr id="{v["id"]}"><td><a class="data-id" href="#{v["id"]}">{v["id"]}</a></td>'
            f'<td>{e(date_text(v["date"], v["date_certainty"]))}</td><td>{e(v["house"])}</td><td>{e(v["bill"])}: {e(v["question"])}</td>'
            f'<td>{e(v["result"])}</td><td>{count("votes_for_figure_id")}</td><td>{count("votes_against_figure_id")}</td>'
            f'<td>{majority}</td><td>{e(v["note"])} {source_link(sources.loc[v["source_id"]], root)}</td></tr>')
    return ('<div class="table-scroll" tabindex="0" role="region" aria-label="Parliamentary votes"><table class="data-table">'
            "<caption>Parliamentary votes on a firewall</caption><thead><tr>"
            + "".join(f'<th scope="col">{h}</th>' for h in ("ID", "Date", "House", "Question", "Result", "For", "Against", "Majority", "Notes and source"))
            + f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def helplines_block(tables, stats, links: PageLinks) -> str:
    sources = tables["sources"].set_index("id", drop=False)
    items = []
    for _, h in tables["helplines"].iterrows():
        source = sources.loc[h["source_id"]]
        items.append(
            f'<article class="helpline" id="{h["id"]}"><h3>{e(h["service"])}</h3>'
            f'<p class="contact">{e(h["contact"])}</p><p>{e(h["hours"])}. For: {e(h["who_for"])}.</p>'
            f'<p class="meta">Number from: {external_link(source["url"], source["title"])} ({e(source["publisher"])}). '
            f'Source page dated: {e(date_text(source["published"], source["published_certainty"]))}. '
            f'Last checked: {e(date_text(h["checked_on"]))}, against an {e(h["checked_how"])}.</p></article>')
    return "".join(items)


EMERGENCY_HELPLINE = "H-01"   # the emergency number, shown at the top of the home, help and safety pages


def emergency_block(tables, stats, links: PageLinks) -> str:
    helpline = tables["helplines"].set_index("id").loc[EMERGENCY_HELPLINE]
    return (f'<p class="emergency"><strong>{e(helpline["service"])}: {e(helpline["contact"])}.</strong> '
            f'<a href="{links.root}help/#{EMERGENCY_HELPLINE}">Where this comes from</a>.</p>')


def contact_block(tables, stats, links: PageLinks) -> str:
    return fragment("contact.html", publisher=links.publisher, contact=links.contact)


def referral_datasets_block(tables, stats, links: PageLinks) -> str:
    from scripts.stats import referral_rates
    rates = referral_rates(tables["figures"], tables["referral_datasets"])
    rates["per_month"] = rates["per_month"].map(lambda v: "not computed: period given in years only" if pd.isna(v) else f"{v:.1f}")
    rates["count"] = rates["count"].map(lambda v: f"{v:,.0f}")
    return table_html(rates, {"label": "Dataset", "counts": "Who is counted", "area": "Area", "count": "Count",
                              "period": "Period", "per_month": "Per month", "figure_id": "Figure"},
                      "Every published count of referrals, with what it counts and where")


def schema_block(tables, stats, links: PageLinks, package: dict | None = None) -> str:
    root = links.root
    parts = []
    for resource in package["resources"]:
        fields = resource["schema"]["fields"]
        frame = pd.DataFrame([{
            "name": f["name"], "type": f["type"], "title": f.get("title", ""), "description": f.get("description", ""),
            "rules": "; ".join(f"{k}: {', '.join(v) if isinstance(v, list) else v}" for k, v in f.get("constraints", {}).items()),
        } for f in fields])
        keys = [f"primary key: {', '.join(resource['schema'].get('primaryKey', []))}"] + [
            f"{', '.join(fk['fields'])} → {fk['reference']['resource']}" for fk in resource["schema"].get("foreignKeys", [])]
        parts.append(
            f'<h3 id="table-{resource["name"]}">{e(resource["title"])} (<code>{e(resource["path"])}</code>)</h3>'
            f'<p>{e(resource["description"])} <a href="{root}downloads/{e(resource["path"])}" download>Download {e(resource["path"])}</a>. '
            f'Keys: {e("; ".join(keys))}.</p>'
            + table_html(frame, {"name": "Field", "type": "Type", "title": "Title", "description": "Description", "rules": "Rules"},
                         f"Fields of {resource['path']}"))
    return "".join(parts)


def changes_block(tables, stats, links: PageLinks, snapshots: list | None = None, current: dict | None = None,
                  notes: dict | None = None) -> str:
    """Each release with what changed since the one before, and why; its summary from the release notes."""
    from scripts.changes import history
    if not snapshots:
        return "<p>No release has been recorded yet.</p>"
    notes = notes or {}
    releases = [{"release": release, "previous": previous, "differences": differences,
                 "summary": release.get("summary") or notes.get(release["version"], {}).get("summary", ""),
                 "count": len(release["statistics"])}
                for release, previous, differences in history(snapshots, current)]
    return fragment("changes.html", releases=releases, root=links.root, date_text=date_text)


def corrections_log_block(tables, stats, links: PageLinks, snapshots: list | None = None) -> str:
    """Every correction any release made, newest first, from the releases' recorded reasons."""
    from scripts.changes import changes_index
    corrections = [c for c in changes_index(snapshots or [])["changes"] if c["kind"] == "correction"]
    return fragment("corrections_log.html", corrections=list(reversed(corrections)), root=links.root,
                    date_text=date_text)


BLOCKS = {
    "statistics": statistics_block,
    "figures": figures_block,
    "sources": sources_block,
    **{f"quotes_{group}": partial(quotes_block, group=group) for group in SPEAKER_GROUPS},
    "timeline": timeline_block,
    "recommendations": recommendations_block,
    "votes": votes_block,
    "helplines": helplines_block,
    "emergency": emergency_block,
    "contact": contact_block,
    "referral_datasets": referral_datasets_block,
    "schema": schema_block,
    "changes": changes_block,
    "corrections_log": corrections_log_block,
}
