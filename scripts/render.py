"""Step 4: turn tables, statistics and charts into what pages show.

Every piece of text that comes from data/ is HTML-escaped here, so nothing in a
data file can add markup, links or template syntax to a page. Links are written
relative to `root`, the path from the current page back to the site root.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Callable

import pandas as pd
from scripts.charts import Chart
from scripts.cite import ClaimCitation
from scripts.fragments import fragment
from scripts.passages import passage_url
from scripts.safe_text import spreadsheet_safe
from scripts.stats import Statistic, format_number, month_label, source_ids

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
    cite: Callable[[str, str], ClaimCitation | None] = lambda anchor, title: None   # (anchor, title) -> its citation
    publisher: str = ""                         # who publishes the brief (mkdocs.yml extra.publisher)
    contact: str = ""                           # where to report an error: an email or a web address


# ----------------------------------------------------------------- small parts

@dataclass(frozen=True)
class DateShown:
    """A date as pages print it: once, with its certainty once, and why in a note."""
    iso: str            # for <time datetime>: '2023-11-09', '2023-11' or '2023'
    text: str           # '9 November 2023'
    certainty: str      # '', 'c.' or 'inferred'
    note: str           # why the date is uncertain, without repeating the date


def shown_date(partial_date: str, certainty: str = "exact", note: str = "") -> DateShown | None:
    if not partial_date:
        return None
    parts = partial_date.split("-")
    text = partial_date if len(parts) == 1 else month_label(partial_date) if len(parts) == 2 else \
        f"{int(parts[2])} {month_label(partial_date[:7])}"
    return DateShown(partial_date, text, {"approximate": "c.", "inferred": "inferred"}.get(certainty, ""),
                     note if note_adds_something(note, partial_date) else "")


def note_adds_something(note: str, partial_date: str) -> bool:
    """A date note is shown verbatim, as recorded, unless it only restates the date and its certainty
    ("2023-11-09 (inferred)", "c.2023-03", "undated"): rewording notes risks losing what they say."""
    rest = note.replace(partial_date, "") if partial_date else note
    for restatement in ("(inferred)", "(approx.)", "inferred", "approx.", "undated", "c."):
        rest = rest.replace(restatement, "")
    return bool(rest.strip(" ;,()"))


def date_text(partial_date: str, certainty: str = "exact") -> str:
    """'2023-11-09' -> '9 November 2023'; flags dates that are inferred or approximate (plain text)."""
    shown = shown_date(partial_date, certainty)
    if shown is None:
        return "undated"
    return f"c. {shown.text}" if shown.certainty == "c." else f"{shown.text} ({shown.certainty})" if shown.certainty else shown.text


def stat_link(stat: Statistic, root: str) -> str:
    return fragment("stat.html", stat=stat, root=root)


def stat_in_heading(stat: Statistic) -> str:
    """A statistic in a heading is plain text: a heading is no place for a link."""
    return fragment("stat-in-heading.html", stat=stat)


COPY_KINDS = {  # sources.copy_kind -> what a link to such an address says it is
    "mirror": "a mirror copy", "proxy": "read through a proxy", "syndicated": "a syndicated copy",
    "prototype": "a copy in a parliamentary search prototype", "machine paraphrase": "a machine-paraphrased copy",
    "reproduction": "reproduced by another site", "summary": "a summary by another site",
}


@dataclass(frozen=True)
class SourceShown:
    id: str
    publisher: str
    year: str
    title: str
    url: str
    passage: str = ""                          # the address opened at the excerpt (a text fragment), if there is one
    copy: str = ""                             # what kind of copy the address is, in words ("a mirror copy")
    original: "SourceShown | None" = None      # the original, where the evidence base records it


def shown_source(source, excerpt: str = "", sources: dict[str, dict] | None = None) -> SourceShown:
    """A source (a row) as pages name it; with an excerpt, its link opens at that passage; with the sources
    by ID (Tables.rows_by_id), a copy names its original."""
    original = None
    if sources is not None and source.get("copy_of"):
        original = shown_source(sources[source["copy_of"]], excerpt)   # the same text, so the same passage
    return SourceShown(source["id"], source["publisher"], source["published"][:4] or "n.d.", source["title"], source["url"],
                       passage_url(source["url"], excerpt) if excerpt else "", COPY_KINDS.get(source.get("copy_kind", ""), ""),
                       original)


def records(table: pd.DataFrame) -> list[dict]:
    """The rows as dicts: reading a dict is many times faster than a pandas row, which counts with thousands of rows."""
    return table.to_dict("records")


def cell_text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return f"{value:,.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def table_html(frame: pd.DataFrame, columns: dict[str, str], caption: str) -> str:
    """A reader-facing table: the first column is the key column (kept in view on a phone, where rows
    stack), numbers are right-aligned."""
    numeric = {c for c in columns if c in frame and pd.api.types.is_numeric_dtype(frame[c])}
    rows = [{"id": None,
             "cells": [{"text": cell_text(row[c]), "label": columns[c], "numeric": c in numeric, "stat": None} for c in columns]}
            for row in records(frame)]
    return fragment("table.html", caption=caption, headers=[{"label": columns[c], "numeric": c in numeric} for c in columns],
                    rows=rows)


# ---------------------------------------------------------------------- charts

def chart_csv(chart: Chart) -> str:
    """The plotted data; no text cell may begin like a spreadsheet formula (scripts/safe_text.py)."""
    return chart.data.map(spreadsheet_safe).to_csv(index=False, lineterminator="\n")


def chart_source_ids(chart: Chart, figures: pd.DataFrame) -> list[str]:
    """The sources a chart rests on: those of its figures, then any it names directly, each once."""
    from_figures = list(figures.set_index("id").loc[list(chart.figure_ids), "source_id"]) if chart.figure_ids else []
    return list(dict.fromkeys(from_figures + list(chart.source_ids)))


def sources_text(source_ids, sources: pd.DataFrame) -> str:
    """The sources as plain text, for downloads: "Publisher (year); ...", each text once (two reports by one
    publisher in one year read the same here; the chart's page links each)."""
    by_id = sources.set_index("id", drop=False)
    return "; ".join(dict.fromkeys(f'{by_id.loc[s, "publisher"]} ({by_id.loc[s, "published"][:4] or "n.d."})'
                                   for s in source_ids))


def chart_figure(chart: Chart, tables, links: PageLinks) -> str:
    from scripts.charts import PHONE_MAX_WIDTH
    sources = tables.rows_by_id("sources")
    return fragment(
        "chart.html", chart=chart, root=links.root, phone_max_width=PHONE_MAX_WIDTH,
        narrow=chart.drawings["narrow"], wide=chart.drawings["wide"],
        chart_sources=[shown_source(sources[s]) for s in chart_source_ids(chart, tables["figures"])],
        cite=links.cite("chart-" + chart.name, "Chart: " + chart.title),
        table=table_html(chart.data, chart.columns, "Data for the chart: " + chart.title))


# ---------------------------------------------------------------------- blocks

def statistics_block(tables, stats: dict[str, Statistic], links: PageLinks) -> str:
    sources = tables.rows_by_id("sources")
    source_of = dict(zip(tables["figures"]["id"], tables["figures"]["source_id"]))
    rows = [{"stat": stat, "figure_ids": stat.figure_ids,
             "sources": [shown_source(sources[s]) for s in source_ids(stat, source_of)]}
            for stat in stats.values()]
    return fragment("statistics.html", rows=rows, root=links.root)


FIGURE_GROUPS = [  # (heading, anchor, test on the figure's statement and unit), first match wins
    ("Police referrals and data sharing", "referrals", ("referr", "shared", "status check", "enquir", "inquir", "reported")),
    ("Enforcement and outcomes", "outcomes", ("enforcement", "detain", "remov", "papers")),
    ("Recommendations and government responses", "responses", ("recommend", "accept", "review", "protocol", "strategy", "scheme", "consent", "£")),
    ("Parliament", "parliament", ("peers", "vote", "majority", "amendment", "lords", "commons", "act ")),
]


def mentions(text: str, words) -> bool:
    """Whether the text has one of the words (or stems) at the start of a word: 'referr' matches 'referrals',
    not 'preferred'; 'ons' matches 'ONS', not 'Conservative'."""
    return bool(words) and _word_starts(tuple(words)).search(text) is not None


@lru_cache(maxsize=64)
def _word_starts(words: tuple[str, ...]) -> re.Pattern:
    """One pattern for all the words, compiled once (pages test every row against the same few lists)."""
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(word) for word in words) + ")", re.I)


def figure_group(statement: str) -> tuple[str, str]:
    # "Immigration Enforcement" is the body, not an outcome: leave it out before looking for outcomes.
    text = re.sub(r"immigration enforcement", "", statement, flags=re.I)
    for heading, anchor, words in FIGURE_GROUPS:
        if mentions(text, words):
            return heading, anchor
    return "Surveys, research and other evidence", "other"


def value_and_unit(value: str, unit: str) -> tuple[str, str]:
    """A value and the unit that follows it: '92' and '% of police forces' read '92%' and 'of police forces';
    a value in words that already has its '%' ('over 90%') does not get a second one."""
    if unit.startswith("%"):
        return (value if "%" in value else value + "%"), unit[1:].lstrip()
    return value, unit


def figures_block(tables, stats, links: PageLinks) -> str:
    root = links.root
    sources = tables.rows_by_id("sources")
    # A figure shown as a statistic rests on it alone, with the same value: mark the figure with that statistic,
    # so a page of an older version marks the figure too when a later release changed it.
    shown_by: dict[tuple[str, str], str] = {}
    for stat in stats.values():
        if len(stat.figure_ids) == 1:
            shown_by.setdefault((stat.figure_ids[0], stat.display), stat.name)
    groups: dict[tuple[str, str], list] = {}
    for f in records(tables["figures"]):
        value = f["wording"] or ("" if pd.isna(f["value"]) else format_number(f["value"], 0 if float(f["value"]).is_integer() else 1))
        value, unit = value_and_unit(value, f["unit"])
        groups.setdefault(figure_group(f["statement"]), []).append({
            "row": f, "value": value, "unit": unit, "stat": shown_by.get((f["id"], value)),
            "period": [shown_date(p, f["period_certainty"] or "exact") for p in dict.fromkeys((f["period_start"], f["period_end"])) if p],
            "source": shown_source(sources[f["source_id"]], f["evidence"], sources), "cite": links.cite(f["id"], "Figure " + f["id"])})
    order = [(h, a) for h, a, _ in FIGURE_GROUPS] + [("Surveys, research and other evidence", "other")]
    return fragment("figures.html", groups=[(heading, anchor, groups[(heading, anchor)]) for heading, anchor in order
                                            if (heading, anchor) in groups], root=root)


SOURCE_KINDS = [  # (heading, anchor, words or stems starting a word in the publisher's name), first match wins
    ("Government, Parliament and public bodies", "official", (
        "home office", "gov", "parliament", "house of", "hansard", "commissioner", "hmicfrs", "hm inspectorate",
        "college of policing", "iopc", "police", "policing", "npcc", "legislation", "committee", "ons", "council",
        "mayor", "ministry", "department", "cabinet")),
    ("Charities, campaigns, lawyers and researchers", "civil-society", (
        "sisters", "lawrs", "latin american", "coalition", "liberty", "praxis", "solace", "jcwi", "joint council",
        "refuge", "women", "step up", "galop", "aid", "support", "trust", "network", "rights", "centre", "karma",
        "respect", "samaritans", "unseen", "salvation", "institute", "ncdv", "universit", "king’s college", "research",
        "imkaan", "partners", "flex", "focus on labour", "status now", "city hearts", "accountability")),
]


def sources_block(tables, stats, links: PageLinks) -> str:
    groups: dict[tuple[str, str], list] = {}
    by_id = tables.rows_by_id("sources")
    for s in records(tables["sources"]):
        publisher = s["publisher"].lower()
        kind = next(((h, a) for h, a, words in SOURCE_KINDS if mentions(publisher, words)),
                    ("News and other publications", "news"))
        groups.setdefault(kind, []).append({"row": s, "date": shown_date(s["published"], s["published_certainty"], s["published_note"]),
                                            "source": shown_source(s, sources=by_id)})
    order = [(h, a) for h, a, _ in SOURCE_KINDS] + [("News and other publications", "news")]
    return fragment("sources.html", groups=[(h, a, groups[(h, a)]) for h, a in order if (h, a) in groups])


def attribution(speaker: str, role: str, organisation: str) -> str:
    """'Chief Executive, Southall Black Sisters': the role and organisation, each left out where the words
    before it already say it ("Home Office spokesperson (unnamed)" needs neither "Spokesperson" nor "Home Office")."""
    said = speaker.lower()
    shown = [] if not role or role.lower() in said else [role]
    core = organisation.removeprefix("Office of the ").removeprefix("The ").lower()
    if organisation and core not in said and core not in role.lower():
        shown.append(organisation)
    return ", ".join(shown)


def quote_view(q: pd.Series, sources: pd.DataFrame, links: PageLinks) -> dict:
    return {"row": q, "attribution": attribution(q["speaker"], q["role"], q["organisation"]),
            "date": shown_date(q["date"], q["date_certainty"], q["date_note"]),
            "source": shown_source(sources[q["source_id"]], q["quote"], sources), "cite": links.cite(q["id"], f"Quote from {q['speaker']}")}


def quotes_block(tables, stats, links: PageLinks, group: str = "") -> str:
    """The quotes of one group of speakers (see SPEAKER_GROUPS); the page gives each group its heading."""
    sources = tables.rows_by_id("sources")
    quotes = tables["quotes"]
    return fragment("quotes.html", quotes=[quote_view(q, sources, links) for q in records(quotes[quotes["speaker_group"] == group])],
                    root=links.root)


def one_quote(tables, quote_id: str, links: PageLinks) -> str:
    """A quote set apart in running text (`{{ quote: Q-004 }}`), e.g. the key quotes that lead Voices."""
    sources = tables.rows_by_id("sources")
    q = tables.by_id("quotes").loc[quote_id]
    return fragment("quotes.html", quotes=[quote_view(q, sources, links)], root=links.root, key=True)


TIMELINE_KINDS = {"campaign": "Campaign", "policing": "Policing", "oversight": "Oversight", "government": "Government",
                  "parliament": "Parliament", "research": "Research", "data": "Data"}


def excerpts(tables) -> pd.Series:
    """Every verbatim excerpt by the ID of its figure or quote."""
    return pd.concat([tables["figures"].set_index("id")["evidence"], tables["quotes"].set_index("id")["quote"]])


def timeline_block(tables, stats, links: PageLinks) -> str:
    sources = tables.rows_by_id("sources")
    excerpt = excerpts(tables)
    events = [{"row": t, "date": shown_date(t["date"], t["date_certainty"], t["date_note"]),
               "kind": TIMELINE_KINDS.get(t["kind"], t["kind"].capitalize()),
               "source": shown_source(sources[t["source_id"]], excerpt[t["evidence_id"]] if t["evidence_id"] else "", sources)}
              for t in records(tables["timeline"])]
    return fragment("timeline.html", events=events, root=links.root)


def recommendations_block(tables, stats, links: PageLinks) -> str:
    sources = tables.rows_by_id("sources")
    excerpt = excerpts(tables)
    items = [{"row": r, "made_on": shown_date(r["made_on"], r["made_on_certainty"]),
              "response_on": shown_date(r["response_on"], r["response_on_certainty"] or "exact"),
              "source": shown_source(sources[r["source_id"]], excerpt[r["evidence_figure_id"]] if r["evidence_figure_id"] else "", sources),
              "response_source": shown_source(sources[r["response_source_id"]]) if r["response_source_id"] else None,
              "cite": links.cite(r["id"], "Recommendation: " + r["recommendation"][:60].rsplit(" ", 1)[0] + " …")}
             for r in records(tables["recommendations"])]
    return fragment("recommendations.html", items=items, root=links.root)


def votes_block(tables, stats, links: PageLinks) -> str:
    figures = tables["figures"].set_index("id")
    sources = tables.rows_by_id("sources")

    def count(figure_id: str) -> str:
        return format_number(figures.loc[figure_id, "value"]) if figure_id else ""
    no_count = {"numbers recorded": "not recorded", "numbers not found": "not found", "no division recorded": "no division"}
    rows = [{"row": v, "date": shown_date(v["date"], v["date_certainty"], v["date_note"]), "no_count": no_count[v["division"]],
             "for": count(v["votes_for_figure_id"]), "against": count(v["votes_against_figure_id"]),
             "majority": count(v["majority_figure_id"]), "source": shown_source(sources[v["source_id"]])}
            for v in records(tables["votes"])]
    return fragment("votes.html", rows=rows, root=links.root)


# Any number a phone can dial: a UK number of 10 or 11 digits (spaces allowed, +44 or 0 first), or a short
# code of 3, 5 or 6 digits (999, 101, 116 123, 61016). Two-digit codes (55, said during a 999 call) are not.
PHONE = re.compile(r"(?P<text>text )?(?P<number>(?<![\d+])(?:(?:\+44|0)(?:\s?\d){9,10}|\d{3} \d{3}|\d{5,6}|\d{3})(?![\d]))")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WEB = re.compile(r"(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:org\.uk|gov\.uk|co\.uk|wales|org|com)(?:/[\w/-]*)?")


def contact_parts(contact: str) -> list[dict]:
    """A helpline's contact text split into plain text and links a phone can act on: tel: for numbers to
    call, sms: for numbers to text, mailto: and https: for the addresses the entry gives."""
    parts, position = [], 0
    pattern = re.compile(f"{PHONE.pattern}|(?P<email>{EMAIL.pattern})|(?P<web>{WEB.pattern})")
    for match in pattern.finditer(contact):
        parts.append({"text": contact[position:match.start()], "href": None})
        if match.group("number"):
            if match.group("text"):
                parts.append({"text": "text ", "href": None})
            scheme = "sms:" if match.group("text") else "tel:"
            parts.append({"text": match.group("number"), "href": scheme + re.sub(r"\s", "", match.group("number"))})
        elif match.group("email"):
            parts.append({"text": match.group("email"), "href": "mailto:" + match.group("email")})
        else:
            parts.append({"text": match.group("web"), "href": "https://" + match.group("web")})
        position = match.end()
    parts.append({"text": contact[position:], "href": None})
    return [p for p in parts if p["text"]]


def helpline_view(h: pd.Series, sources: pd.DataFrame) -> dict:
    source = sources[h["source_id"]]
    return {"row": h, "contact": contact_parts(h["contact"]), "source": shown_source(source, sources=sources),
            "source_date": shown_date(source["published"], source["published_certainty"]),
            "checked": shown_date(h["checked_on"]) if h["checked_on"] else None}


def helplines_block(tables, stats, links: PageLinks) -> str:
    sources = tables.rows_by_id("sources")
    return fragment("helplines.html", helplines=[helpline_view(h, sources) for h in records(tables["helplines"])])


EMERGENCY_HELPLINE = "H-01"   # the emergency number, shown at the top of the home, help and safety pages


def emergency_block(tables, stats, links: PageLinks) -> str:
    helpline = tables["helplines"].set_index("id", drop=False).loc[EMERGENCY_HELPLINE]
    return fragment("emergency.html", helpline=helpline, contact=contact_parts(helpline["contact"]), root=links.root)


def contact_block(tables, stats, links: PageLinks) -> str:
    return fragment("contact.html", publisher=links.publisher, contact=links.contact)


def forces_block(tables, stats, links: PageLinks) -> str:
    forces = tables["forces"]
    by_country = {country: list(group["name"]) for country, group in forces.groupby("country", sort=False)}
    return fragment("forces.html", total=len(forces), by_country=by_country)


def referral_datasets_block(tables, stats, links: PageLinks) -> str:
    from scripts.stats import referral_rates
    rates = referral_rates(tables["figures"], tables["referral_datasets"])
    # A count the source gives as a minimum keeps its "at least", and so does the rate worked out from it.
    rates["per_month"] = [("not computed" if pd.isna(v) else f"{bound} {format_number(v, 1)}".strip())
                          for v, bound in zip(rates["per_month"], rates["bound"])]
    rates["count"] = [f"{bound} {format_number(v)}".strip() for v, bound in zip(rates["count"], rates["bound"])]
    columns = (("label", "Dataset"), ("count", "Count"), ("counted_as", "What is counted"), ("area", "Area"), ("period", "Period"),
               ("per_month", "Per month"), ("months_counted", "Months divided by"))
    prefixes = {"count": "count_", "per_month": "monthly_"}   # the statistic each number column shows, by dataset

    def statistic(column: str, dataset: str) -> str | None:
        name = prefixes[column] + dataset if column in prefixes else None
        return name if name in stats else None

    return fragment("table.html", caption="Every published count of referrals, with what it counts and where", headers=[
        {"label": label, "numeric": c in prefixes} for c, label in columns],
        rows=[{"id": None, "cells": [{"text": r[c], "label": label, "numeric": c in prefixes, "stat": statistic(c, r["dataset"])}
                                     for c, label in columns]}
              for _, r in rates.iterrows()])


# ------------------------------------------------------------- source markers

RECORDS = {  # ID prefix -> (table, page the record is on, what to call it)
    "F": ("figures", "figures", "Figure"), "S": ("sources", "sources", "Source"), "Q": ("quotes", "voices", "Quote"),
    "T": ("timeline", "timeline", "Event"), "R": ("recommendations", "recommendations", "Recommendation"),
    "V": ("votes", "recommendations", "Vote"),
}


def record_ids(tables) -> set[str]:
    return {i for table, _, _ in RECORDS.values() for i in tables[table]["id"]}


def record_note(tables, record_id: str) -> dict:
    """What a numbered source marker points at: its address, a short description and its source."""
    table, page, kind = RECORDS[record_id.split("-")[0]]
    row = tables.by_id(table).loc[record_id]
    sources = tables.by_id("sources")
    source_id = record_id if kind == "Source" else row["source_id"]
    text = {
        "Figure": lambda: row["statement"],
        "Source": lambda: row["title"],
        "Quote": lambda: f"{row['speaker']}, {date_text(row['date'], row['date_certainty'])}",
        "Event": lambda: f"{date_text(row['date'], row['date_certainty'])}: {row['event']}",
        "Recommendation": lambda: f"{row['made_by']}: {row['recommendation']}",
        "Vote": lambda: f"{row['house']}, {date_text(row['date'], row['date_certainty'])}: {row['bill']}, {row['question']}",
    }[kind]()
    return {"id": record_id, "page": page, "kind": kind, "text": text, "source": shown_source(sources.loc[source_id])}


def ref_marker(tables, record_id: str, number: int, root: str) -> str:
    return fragment("ref.html", note=record_note(tables, record_id), number=number, root=root)


def page_notes(tables, record_ids_in_order: list[str], root: str) -> str:
    return fragment("page-notes.html", notes=[record_note(tables, i) for i in record_ids_in_order], root=root)


def key_numbers_block(tables, stats, links: PageLinks) -> str:
    """The front page's key-number tiles: each value computed, each tile linking to its detail."""
    return fragment("key-numbers.html", stats=stats, root=links.root)


def schema_block(tables, stats, links: PageLinks, package: dict | None = None) -> str:
    """The Data page's description of every table, from datapackage.json."""
    resources = []
    for resource in package["resources"]:
        schema = resource["schema"]
        fields = pd.DataFrame([{
            "name": f["name"], "type": f.get("type", "string"), "title": f.get("title", ""), "description": f.get("description", ""),
            "rules": "; ".join(f"{k}: {', '.join(v) if isinstance(v, list) else v}" for k, v in f.get("constraints", {}).items()),
        } for f in schema["fields"]])
        keys = [f"primary key: {', '.join(schema.get('primaryKey', []))}"] + [
            f"{', '.join(fk['fields'])} → {fk['reference']['resource']}" for fk in schema.get("foreignKeys", [])]
        resources.append({"resource": resource, "key_text": "; ".join(keys), "table": table_html(
            fields, {"name": "Field", "type": "Type", "title": "Title", "description": "Description", "rules": "Rules"},
            f"Fields of {resource['path']}")})
    return fragment("schema.html", resources=resources, root=links.root)


def changes_block(tables, stats, links: PageLinks, snapshots: list | None = None, current: dict | None = None,
                  notes: dict | None = None) -> str:
    """Each release with what changed since the one before, and why; its summary from the release notes."""
    from scripts.changes import history
    if not snapshots:
        return ("<p>No version has been released yet: this is the working draft, and the first release will "
                "record every figure it shows.</p>")
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
    "forces": forces_block,
    "key_numbers": key_numbers_block,
    "referral_datasets": referral_datasets_block,
    "schema": schema_block,
    "changes": changes_block,
    "corrections_log": corrections_log_block,
}
