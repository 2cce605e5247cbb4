"""Step 2: compute the named statistics that pages quote.

Small pure functions (tested against hand-computed values) and one
`compute_statistics` that applies them to the tables. Each result carries the
figure and source IDs it rests on and a sentence saying how it is computed,
which the Methods page prints.
"""
from __future__ import annotations

import calendar
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from scripts.load import DataError, figure_kind

MONTH_NAMES = list(calendar.month_name)


@dataclass(frozen=True)
class Statistic:
    name: str
    value: float | int | str
    display: str
    label: str
    method: str
    figure_ids: tuple[str, ...]


# ---------------------------------------------------------------- pure helpers

def parse_month(partial_date: str) -> tuple[int, int]:
    """'2020-04' or '2020-04-17' -> (2020, 4). A bare year has no month: ValueError."""
    parts = partial_date.split("-")
    if len(parts) < 2:
        raise ValueError(f"'{partial_date}' gives no month")
    return int(parts[0]), int(parts[1])


def months_in_period(start: str, end: str) -> int:
    """Calendar months from start to end, both included: 2020-04 to 2023-03 is 36."""
    (y0, m0), (y1, m1) = parse_month(start), parse_month(end)
    return (y1 - y0) * 12 + (m1 - m0) + 1


def days_in_period(start: str, end: str) -> int:
    """Days from the first day of the start month to the last day of the end month, both included."""
    (y0, m0), (y1, m1) = parse_month(start), parse_month(end)
    first = date(y0, m0, 1)
    last = date(y1, m1, calendar.monthrange(y1, m1)[1])
    return (last - first).days + 1


def has_month_precision(start: str, end: str) -> bool:
    return len(start.split("-")) >= 2 and len(end.split("-")) >= 2


def per_month(count: float, months: int) -> float:
    return count / months


def days_per_event(count: float, days: int) -> float:
    """Average days between events: 537 referrals in 1,095 days is one every 2.04 days."""
    return days / count


def percent(part: float, whole: float) -> float:
    return 100 * part / whole


def month_label(partial_date: str, abbreviated: bool = False) -> str:
    """'2020-04' -> 'April 2020' (or 'Apr 2020'); '2020' -> '2020'."""
    try:
        year, month = parse_month(partial_date)
    except ValueError:
        return partial_date
    return f"{(calendar.month_abbr if abbreviated else MONTH_NAMES)[month]} {year}"


def period_label(start: str, end: str) -> str:
    return f"{month_label(start)} to {month_label(end)}"


def round_half_up(value: float, decimals: int = 0) -> Decimal:
    """Round as a reader would on paper: 1,787 ÷ 20 = 89.35 -> 89.4. A binary float holds 89.35 as
    89.34999…, which Python's round() and f-strings take down to 89.3; the shortest decimal that
    stands for the float (its str) is rounded instead, half away from zero."""
    return Decimal(str(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_number(value: float, decimals: int = 0) -> str:
    """537 -> '537', 2672 -> '2,672', 89.35 -> '89.4' (decimal rounding). Refuses what is not a finite number,
    so 'inf' or 'nan' never reaches a page."""
    if not math.isfinite(value):
        raise ValueError(f"refusing to show {value!r}: not a finite number")
    shown = round_half_up(value, decimals)
    return f"{shown.copy_abs() if shown.is_zero() else shown:,.{decimals}f}"   # never "-0": -0.0 and -0.04 are 0


def whole(value: float) -> int:
    """A count as an int. Counts are validated as whole numbers (scripts/load.py), so this never truncates:
    a fraction here would show one figure as two numbers, so it stops the build instead."""
    if not float(value).is_integer():
        raise ValueError(f"{value!r} is not a whole number, but it is used as a count")
    return int(value)


def rounded(value: float, decimals: int = 0) -> float:
    """The value as it is shown, for tables and charts that format it again."""
    return float(round_half_up(value, decimals))


LOWER_BOUND_WORDS = ("at least", "no less than")


def lower_bound(wording) -> str:
    """The words that make a figure's value a minimum ("at least" in the wording "at least 423"), or ""."""
    wording = "" if not isinstance(wording, str) else wording
    return next((words for words in LOWER_BOUND_WORDS if wording.lower().startswith(words + " ")), "")


def months_counted(dataset: pd.Series) -> tuple[int | None, str]:
    """The months a dataset's count is divided by, and how they were counted, in words.

    The source's own length of period wins where the data records it (JCWI: "in the two years since
    May 2020" is 24 months, though May 2020 to May 2022 spans 25 calendar months); otherwise calendar
    months from start to end, both included. A period given in years only has no month count."""
    start, end, months = dataset["period_start"], dataset["period_end"], dataset.get("months")
    if months and not pd.isna(months):
        return int(dataset["months"]), f"{int(dataset['months'])} months, the source’s own period (“{dataset['months_words']}”)"
    if not has_month_precision(start, end):
        return None, "not computed: the period is given in years only"
    months = months_in_period(start, end)
    return months, f"{months} months, counting the calendar months {month_label(start)} to {month_label(end)}, both included"


def latest_evidence(period_ends: pd.Series, published: pd.Series) -> str:
    """The latest period end that evidence covers: a period ending after the newest source was published
    is a target (e.g. '2035'), not evidence, so it does not count."""
    newest_source = max(p for p in published if p)
    ends = [end for end in period_ends if end and end[:len(newest_source)] <= newest_source[:len(end)]]
    return max(ends)


def referral_rates(figures: pd.DataFrame, datasets: pd.DataFrame) -> pd.DataFrame:
    """One row per referral dataset: its count, period and, where the period's length in months is known, the monthly rate."""
    merged = datasets.merge(figures, left_on="figure_id", right_on="id", suffixes=("", "_figure"))
    rows = []
    for _, row in merged.iterrows():
        months, how = months_counted(row)
        rows.append({
            "dataset": row["id"],
            "label": row["label"],
            "counts": row["counts"],
            "counted_as": row.get("counted_as", row["counts"]),
            "area": row["area"],
            "count": row["value"],
            "count_is_minimum": bool(lower_bound(row.get("wording", ""))),
            "bound": lower_bound(row.get("wording", "")),
            "period": period_label(row["period_start"], row["period_end"]),
            "months": months,
            "months_counted": how,
            "per_month": rounded(per_month(row["value"], months), 1) if months else None,
            "figure_id": row["figure_id"],
            "source_id": row["source_id"],
        })
    return pd.DataFrame(rows)


STATUS_ORDER = ["accepted", "partly accepted", "not accepted", "unclear"]   # recommendations.status, best first


def status_counts(recommendations: pd.DataFrame) -> dict[str, int]:
    counts = recommendations["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in STATUS_ORDER}


def vote_margins(votes: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Votes with known numbers, with the margin for (+) or against (-) a firewall."""
    value = figures.set_index("id")["value"]
    rows = []
    for _, vote in votes.iterrows():
        votes_for = value.get(vote["votes_for_figure_id"]) if vote["votes_for_figure_id"] else None
        votes_against = value.get(vote["votes_against_figure_id"]) if vote["votes_against_figure_id"] else None
        if votes_for is not None and votes_against is not None and pd.notna(votes_for) and pd.notna(votes_against):
            margin = votes_for - votes_against
        elif vote["majority_figure_id"]:
            sign = 1 if vote["result"] == "for the firewall" else -1
            margin = sign * value[vote["majority_figure_id"]]
        else:
            continue
        rows.append({
            "vote": vote["id"], "date": vote["date"], "date_certainty": vote["date_certainty"],
            "house": vote["house"], "bill": vote["bill"],
            "question": vote["question"], "result": vote["result"],
            "votes_for": votes_for, "votes_against": votes_against, "margin": whole(margin),
            "figure_ids": tuple(f for f in (vote["votes_for_figure_id"], vote["votes_against_figure_id"],
                                            vote["majority_figure_id"]) if f),
        })
    return pd.DataFrame(rows)


# ------------------------------------------------------- the named statistics

# Figures that pages quote directly: statistic name -> figure ID.
QUOTED_FIGURES = {
    "referrals_total": "F-001",
    "forces_sharing": "F-002",
    "enforcement_actions": "F-006",
    "enforcement_papers_2020_percent": "F-017",
    "met_all_crime_cases": "F-014",
    "sbs_recommendations": "F-048",
    "sbs_accepted": "F-049-A",
    "sbs_partly_accepted": "F-049-B",
    "sbs_not_accepted": "F-049-C",
    "lords_2024_for": "F-071-A",
    "lords_2024_against": "F-071-B",
    "commons_2021_majority": "F-067",
    "bbc_2018_forces_referring": "F-028",
    "threatened_with_deportation_percent": "F-054",
    "scotland_people_reported": "F-020",
    "ni_victims_reported": "F-021",
}
# Votes whose margins pages quote: statistic name prefix -> vote ID.
NAMED_VOTES = {"lords_2024": "V-005", "commons_2021": "V-003"}
HEADLINE_DATASET = "dac_2020_2023"


def is_percentage(unit: str) -> bool:
    """A figure's unit says it is a percentage by starting with "%" ("% of police forces")."""
    return unit.startswith("%")


def _figure_stat(name: str, figures: pd.DataFrame, figure_id: str) -> Statistic:
    row = figures.set_index("id").loc[figure_id]
    value = row["value"]
    decimals = 0 if float(value).is_integer() else 1
    display = format_number(value, decimals) + ("%" if is_percentage(row["unit"]) else "")
    return Statistic(name, whole(value) if decimals == 0 else float(value), display,
                     row["statement"], f"Taken directly from figure {figure_id} ({row['unit']}).", (figure_id,))


def _check_named_rows(tables) -> None:
    """Every figure, vote and dataset a statistic is named after must exist, and figures must have values."""
    figures = tables["figures"].set_index("id")
    problems = []
    for name, figure_id in QUOTED_FIGURES.items():
        if figure_id not in figures.index:
            problems.append(f"data/figures.csv: statistic '{name}' reads figure {figure_id}, which is missing; "
                            "expected that figure, or a new ID in QUOTED_FIGURES in scripts/stats.py")
        elif pd.isna(figures.loc[figure_id, "value"]):
            problems.append(f"data/figures.csv, field 'value': figure {figure_id} has no value, but statistic '{name}' "
                            "shows it; expected a number")
    for name, vote_id in NAMED_VOTES.items():
        if vote_id not in set(tables["votes"]["id"]):
            problems.append(f"data/votes.csv: statistic '{name}_margin' reads vote {vote_id}, which is missing; expected that vote")
    for name, figure_id in QUOTED_FIGURES.items():
        unit = figures.loc[figure_id, "unit"] if figure_id in figures.index else ""
        if figure_id in figures.index and not name.endswith("_percent") and figure_kind(unit) != "count":
            problems.append(f"{_where(tables, 'figures', figure_id, 'unit')}: figure {figure_id} has the unit '{unit}', "
                            f"which makes it a {figure_kind(unit)}, but statistic '{name}' counts with it; expected a "
                            "count of people, votes or referrals, as a whole number: a unit such as 'referrals'")
            continue
        if figure_id in figures.index and name.endswith("_percent") != is_percentage(figures.loc[figure_id, "unit"]):
            problems.append(f"data/figures.csv, field 'unit': figure {figure_id} has the unit '{figures.loc[figure_id, 'unit']}', "
                            f"but statistic '{name}' " + ("is named as a percentage" if name.endswith("_percent") else
                                                          "is not named as a percentage") +
                            "; expected a unit starting with '%' exactly when the statistic's name ends in _percent")
    datasets = tables["referral_datasets"]
    for _, dataset in datasets[datasets.get("months", pd.Series("", index=datasets.index)).astype("string").fillna("") != ""].iterrows():
        evidence = figures.loc[dataset["figure_id"], "evidence"] if dataset["figure_id"] in figures.index else ""
        if not dataset["months_words"] or dataset["months_words"] not in evidence:
            problems.append(f"data/referral_datasets.csv, field 'months_words': dataset '{dataset['id']}' divides by "
                            f"{dataset['months']} months, but '{dataset['months_words']}' is not in the evidence of figure "
                            f"{dataset['figure_id']}; expected the source's own words for its period, copied from that evidence")
    if HEADLINE_DATASET not in set(tables["referral_datasets"]["id"]):
        problems.append(f"data/referral_datasets.csv: the headline dataset '{HEADLINE_DATASET}' is missing; expected that row")
    elif not problems:
        problems += _divisor_problems(tables)
    problems += _lower_bound_problems(tables)
    if problems:
        raise DataError(problems)


def _lower_bound_problems(tables) -> list[str]:
    """A count the source gives as a minimum ("at least 1,787") must say so wherever it is shown: its
    wording carries the source's words, which every page, chart and download shows with the number."""
    problems = []
    for _, figure in tables["figures"].iterrows():
        if pd.isna(figure["value"]):
            continue
        number = format_number(figure["value"], 0 if float(figure["value"]).is_integer() else 1)
        numbers = "|".join(re.escape(n) for n in dict.fromkeys((number, number.replace(",", ""))))
        said = re.search(rf"\b({'|'.join(LOWER_BOUND_WORDS)})\s+({numbers})(?!\d|[,.]\d)", figure["evidence"], re.I)
        wording = figure["wording"] if isinstance(figure["wording"], str) else ""
        if said and not lower_bound(wording):
            problems.append(f"{_where(tables, 'figures', figure['id'], 'wording')}: the evidence of figure {figure['id']} says "
                            f"'{said.group(0)}', but the wording is '{wording}', so the site would show {number} as an exact "
                            f"count; expected '{said.group(1).lower()} {number}'")
        elif lower_bound(wording) and wording[len(lower_bound(wording)):].strip() != number:
            problems.append(f"{_where(tables, 'figures', figure['id'], 'wording')}: the wording '{wording}' gives a minimum "
                            f"other than the value {number}; expected '{lower_bound(wording)} {number}'")
    return problems


def _where(tables, table: str, row_id: str, field: str) -> str:
    line = tables.line(table, row_id) if hasattr(tables, "line") else None
    return f"data/{table}.csv" + (f", line {line}" if line else "") + f", field '{field}'"


def _divisor_problems(tables) -> list[str]:
    """Every number a statistic divides by must be positive: the headline count (per day, share of
    referrals), its period in months, the forces listed. (Percentages are checked by kind in load.py.)"""
    figures = tables["figures"].set_index("id")
    problems = []
    headline = tables["referral_datasets"].set_index("id").loc[HEADLINE_DATASET, "figure_id"]
    if headline in figures.index:
        row = figures.loc[headline]
        if not row["value"] > 0:
            problems.append(f"{_where(tables, 'figures', headline, 'value')}: the headline count {headline} is "
                            f"{format_number(row['value']) if pd.notna(row['value']) else 'empty'}, but the site divides by it "
                            "(one referral every so many days, the share that led to enforcement); expected a count above 0")
        for field in ("period_start", "period_end"):
            if len(row[field].split("-")) < 2:
                shown = f"'{row[field]}' gives only the year" if row[field] else "is empty"
                problems.append(f"{_where(tables, 'figures', headline, field)}: the headline figure {headline} {shown}, but "
                                "the site works out referrals per month and per day from it; expected a month, as YYYY-MM")
    if len(tables["forces"]) == 0:
        problems.append("data/forces.csv: no forces are listed, but the site divides by their number; expected every force, one per row")
    return problems


def _check_what_pages_say(stats: dict[str, Statistic]) -> None:
    """Facts the prose states in words; if the data stops supporting one, the pages must be rewritten first."""
    problems = []
    if stats["forces_sharing"].value != stats["forces_listed"].value:
        problems.append(f"data/figures.csv: {QUOTED_FIGURES['forces_sharing']} says {stats['forces_sharing'].display} forces "
                        f"shared data but forces.csv lists {stats['forces_listed'].display}; the pages say every force did "
                        "(docs/index.md, docs/findings.md); expected the two to match, or the pages rewritten")
    if stats["enforcement_actions"].value != 0:
        problems.append(f"data/figures.csv: {QUOTED_FIGURES['enforcement_actions']} is now {stats['enforcement_actions'].display}; "
                        "the pages say no referral led to enforcement action; expected 0, or the pages rewritten")
    if problems:
        raise DataError(problems)


def compute_statistics(tables: dict[str, pd.DataFrame]) -> dict[str, Statistic]:
    _check_named_rows(tables)
    figures, forces = tables["figures"], tables["forces"]
    stats: dict[str, Statistic] = {}

    def add(stat: Statistic) -> None:
        stats[stat.name] = stat

    for name, figure_id in QUOTED_FIGURES.items():
        add(_figure_stat(name, figures, figure_id))

    figure = figures.set_index("id")
    rates = referral_rates(figures, tables["referral_datasets"])
    headline_rate = rates.set_index("dataset").loc[HEADLINE_DATASET]
    headline = headline_rate["figure_id"]
    start, end = figure.loc[headline, ["period_start", "period_end"]]
    total = figure.loc[headline, "value"]
    months, how = int(headline_rate["months"]), headline_rate["months_counted"]
    days = days_in_period(start, end)
    add(Statistic("referrals_period", period_label(start, end), period_label(start, end),
                  "Period covered by the referral data", f"The period of figure {headline}.", (headline,)))
    add(Statistic("referrals_months", months, str(months), "Months in that period",
                  f"{how[0].upper()}{how[1:]}.", (headline,)))
    add(Statistic("referrals_per_month", rounded(per_month(total, months), 1), format_number(per_month(total, months), 1),
                  "Referrals per month, on average",
                  f"Referrals ({headline}) divided by {how}; rounded half up to one decimal place.", (headline,)))
    add(Statistic("days_per_referral", rounded(days_per_event(total, days), 1), format_number(days_per_event(total, days), 0),
                  "On average, one referral every this many days",
                  f"Days from 1 {month_label(start)} to the last day of {month_label(end)} ({days}) divided by the referrals "
                  f"({headline}), rounded half up to whole days.", (headline,)))

    listed = len(forces)
    territorial = int((forces["kind"] == "territorial").sum())
    add(Statistic("forces_listed", listed, str(listed), "Police forces in the list (43 territorial forces plus British Transport Police)",
                  "Rows in forces.csv.", ()))
    add(Statistic("forces_territorial", territorial, str(territorial), "Territorial police forces in England and Wales",
                  "Rows in forces.csv whose kind is territorial.", ()))
    sharing = figure.loc[QUOTED_FIGURES["forces_sharing"], "value"]
    add(Statistic("forces_sharing_percent", rounded(percent(sharing, listed)), format_number(percent(sharing, listed)) + "%",
                  "Share of forces that shared victims' data",
                  f"Forces that shared data ({QUOTED_FIGURES['forces_sharing']}) divided by the forces listed.",
                  (QUOTED_FIGURES["forces_sharing"],)))
    actions = figure.loc[QUOTED_FIGURES["enforcement_actions"], "value"]
    add(Statistic("enforcement_percent", rounded(percent(actions, total), 1), format_number(percent(actions, total)) + "%",
                  "Share of referrals that led to enforcement action",
                  f"Enforcement actions ({QUOTED_FIGURES['enforcement_actions']}) divided by referrals ({headline}).",
                  (QUOTED_FIGURES["enforcement_actions"], headline)))

    for _, rate in rates.iterrows():
        minimum = f" ({rate['bound']} this many, in the source’s words)" if rate["bound"] else ""
        add(Statistic(f"count_{rate['dataset']}", whole(rate["count"]), format_number(rate["count"]),
                      f"{rate['label']}: {rate['counted_as']}, {rate['area']}{minimum}", f"Figure {rate['figure_id']}.",
                      (rate["figure_id"],)))
        if rate["months"] is not None and not pd.isna(rate["months"]):
            add(Statistic(f"monthly_{rate['dataset']}", rate["per_month"], format_number(rate["per_month"], 1),
                          f"{rate['label']}: {rate['counted_as']} per month, {rate['area']}{minimum}",
                          f"Figure {rate['figure_id']} divided by {rate['months_counted']}; rounded half up to one decimal place.",
                          (rate["figure_id"],)))
    add(Statistic("referral_datasets", len(rates), str(len(rates)), "Published counts of referrals in the evidence base",
                  "Rows in referral_datasets.csv.", ()))

    sbs = [QUOTED_FIGURES[k] for k in ("sbs_accepted", "sbs_partly_accepted", "sbs_not_accepted")]
    answered = whole(figure.loc[sbs, "value"].sum())
    made = whole(figure.loc[QUOTED_FIGURES["sbs_recommendations"], "value"])
    if answered != made:
        raise DataError([f"data/figures.csv: the Safety Before Status outcomes {', '.join(sbs)} add up to {answered}, "
                         f"but {QUOTED_FIGURES['sbs_recommendations']} says {made} recommendations were made; "
                         "expected the outcomes to add up to the total"])
    add(Statistic("sbs_answered", answered, str(answered), "Safety Before Status recommendations the government answered",
                  "Accepted, partly accepted and not accepted, added together.", tuple(sbs)))

    counts = status_counts(tables["recommendations"])
    add(Statistic("recommendations_tracked", len(tables["recommendations"]), str(len(tables["recommendations"])),
                  "Recommendations tracked on this site", "Rows in recommendations.csv.", ()))
    for status, count in counts.items():
        add(Statistic(f"recommendations_{status.replace(' ', '_')}", count, str(count),
                      f"Tracked recommendations with status “{status}”", f"Rows in recommendations.csv with status {status}.", ()))

    margins = vote_margins(tables["votes"], figures).set_index("vote")
    for name, vote_id in NAMED_VOTES.items():
        margin = whole(margins.loc[vote_id, "margin"])
        add(Statistic(f"{name}_margin", abs(margin), str(abs(margin)),
                      f"Margin of the vote {vote_id} ({'for' if margin > 0 else 'against'} a firewall)",
                      "Votes for minus votes against, or the recorded majority.", margins.loc[vote_id, "figure_ids"]))
    votes = tables["votes"]
    divisions = votes[(votes["on_firewall"] == "yes") & (votes["division"] != "no division recorded")]
    add(Statistic("votes_recorded", len(divisions), str(len(divisions)),
                  "Divisions (recorded votes) on a firewall amendment or motion in the evidence base",
                  "Rows in votes.csv whose question was a firewall and where a division is reported.", ()))
    add(Statistic("votes_with_numbers", len(margins), str(len(margins)), "Of those, votes whose numbers are recorded",
                  "Votes with counts or a majority in figures.csv.", ()))

    timeline = tables["timeline"]
    years = timeline["date"].str[:4].astype(int)
    add(Statistic("timeline_events", len(timeline), str(len(timeline)), "Events in the timeline", "Rows in timeline.csv.", ()))
    add(Statistic("timeline_first_year", int(years.min()), str(years.min()), "First year in the timeline", "Earliest date in timeline.csv.", ()))
    add(Statistic("timeline_last_year", int(years.max()), str(years.max()), "Latest year in the timeline", "Latest date in timeline.csv.", ()))
    add(Statistic("quotes_count", len(tables["quotes"]), str(len(tables["quotes"])), "Quotes collected", "Rows in quotes.csv.", ()))
    evidence_end = latest_evidence(figures["period_end"], tables["sources"]["published"])
    latest = figures[figures["period_end"] == evidence_end].iloc[0]
    approximate = tables["sources"].set_index("id").loc[latest["source_id"], "published_certainty"] == "approximate"
    add(Statistic("evidence_up_to", evidence_end, ("c. " if approximate else "") + month_label(evidence_end),
                  "The latest period the evidence covers",
                  "The latest period end among the figures, leaving out ends after the newest source was published "
                  "(those are targets, not evidence); marked c. where that figure's source is dated approximately.",
                  (latest["id"],)))
    add(Statistic("referrals_end", end, month_label(end), "The last month of the referral figures",
                  f"The end of the period of figure {headline}.", (headline,)))
    add(Statistic("sources_count", len(tables["sources"]), str(len(tables["sources"])), "Source documents", "Rows in sources.csv.", ()))
    _check_what_pages_say(stats)
    return stats


def source_ids(stat: Statistic, source_of: Mapping[str, str]) -> list[str]:
    """The sources behind a statistic's figures (source_of: figure ID to source ID), in order, without repeats."""
    return list(dict.fromkeys(source_of[f] for f in stat.figure_ids))
