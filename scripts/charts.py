"""Step 3: the charts. One small declarative Altair function per chart (data in, chart out)
and, for each, the plotted data, a title, a written description and the figures it rests on.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import altair as alt
import pandas as pd

from scripts import stats as st

alt.data_transformers.disable_max_rows()   # charts are drawn at build time from data/, however many rows it grows to

# Okabe–Ito: distinguishable with the common forms of colour blindness.
BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#6b6b6b"
WIDTH = 560
EVENT_KINDS = ["campaign", "research", "oversight", "policing", "government", "parliament"]   # timeline.kind


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    description: str
    data: pd.DataFrame          # exactly what is plotted; also the table and the CSV
    columns: dict[str, str]     # data column -> table heading
    figure_ids: tuple[str, ...]
    chart: alt.Chart
    note: str = ""


def _finish(chart: alt.Chart, title: str) -> alt.Chart:
    return (chart.properties(title=alt.Title(title, anchor="start", fontSize=15))
            .configure(background="white", font="sans-serif")
            .configure_axis(labelFontSize=12, titleFontSize=12, labelLimit=260)
            .configure_legend(labelFontSize=12, titleFontSize=12, orient="bottom")
            .configure_view(stroke=None))


# ------------------------------------------------------------ chart functions

def referral_rates_chart(data: pd.DataFrame) -> alt.Chart:
    base = alt.Chart(data).encode(
        y=alt.Y("dataset_label:N", sort="-x", title=None),
        x=alt.X("per_month:Q", title="Referrals per month (average over each dataset's period)"),
    )
    bars = base.mark_bar().encode(color=alt.Color("counts:N", title="Who is counted",
                                                  scale=alt.Scale(domain=["domestic abuse victims", "victims of all crimes"],
                                                                  range=[VERMILLION, BLUE])))
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(text=alt.Text("per_month:Q", format=".1f"))
    return (bars + labels).properties(width=WIDTH - 260, height=alt.Step(34))


def enforcement_chart(data: pd.DataFrame) -> alt.Chart:
    base = alt.Chart(data).encode(
        y=alt.Y("document:N", title=None, sort=None),
        x=alt.X("percent:Q", title="Share of referred victims (%)", scale=alt.Scale(domain=[0, 100])),
    )
    bars = base.mark_bar(color=PURPLE)
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(text="value_label:N")
    return (bars + labels).properties(width=WIDTH - 260, height=alt.Step(48))


def forces_grid_chart(data: pd.DataFrame) -> alt.Chart:
    base = alt.Chart(data).encode(x=alt.X("column:O", axis=None), y=alt.Y("row:O", axis=None))
    tiles = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("country:N", title="Country", scale=alt.Scale(domain=["England", "Wales", "Great Britain (railways)"],
                                                                       range=[BLUE, GREEN, ORANGE])))
    names = base.mark_text(color="white", fontSize=10.5, fontWeight="bold").encode(text="short_name:N")
    return (tiles + names).properties(width=WIDTH, height=alt.Step(26))


def timeline_chart(data: pd.DataFrame) -> alt.Chart:
    return alt.Chart(data).mark_point(size=90, filled=True, opacity=0.85).encode(
        x=alt.X("when:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
        y=alt.Y("kind:N", title=None, sort=EVENT_KINDS),
        color=alt.Color("kind:N", legend=None, scale=alt.Scale(
            domain=EVENT_KINDS,
            range=[ORANGE, SKY, GREEN, BLUE, VERMILLION, PURPLE])),
        shape=alt.Shape("date_precision:N", title="Date known to the",
                        scale=alt.Scale(domain=["day", "month", "year"], range=["circle", "square", "triangle-up"])),
    ).properties(width=WIDTH - 90, height=alt.Step(32))


def recommendation_outcomes_chart(data: pd.DataFrame) -> alt.Chart:
    order = st.STATUS_ORDER
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("group:N", title=None),
        x=alt.X("count:Q", title="Recommendations", stack="zero"),
        color=alt.Color("status:N", title="Outcome", sort=order,
                        scale=alt.Scale(domain=order, range=[GREEN, ORANGE, VERMILLION, GREY])),
        order=alt.Order("status_order:Q"),
    ).properties(width=WIDTH - 260, height=alt.Step(40))


def vote_margins_chart(data: pd.DataFrame) -> alt.Chart:
    base = alt.Chart(data).encode(
        y=alt.Y("vote_label:N", title=None, sort=None),
        x=alt.X("margin:Q", title="Margin (positive: for a firewall; negative: against)"),
    )
    bars = base.mark_bar().encode(color=alt.Color("result:N", title="Result",
                                                  scale=alt.Scale(domain=["for the firewall", "against the firewall"],
                                                                  range=[BLUE, VERMILLION])))
    # Labels: beyond the end of a bar for the firewall; inside, in white, a bar against it (the axis labels sit left).
    right = base.transform_filter("datum.margin >= 0").mark_text(align="left", dx=4, fontSize=12).encode(text="margin_label:N")
    left = base.transform_filter("datum.margin < 0").mark_text(align="left", dx=6, fontSize=12, color="white",
                                                              fontWeight="bold").encode(text="margin_label:N")
    return (bars + right + left).properties(width=WIDTH - 200, height=alt.Step(48))


# ------------------------------------------------------ data, words and titles

def _referral_rates(tables, stats) -> Chart:
    rates = st.referral_rates(tables["figures"], tables["referral_datasets"])
    plotted = rates[rates["per_month"].notna()].copy()
    plotted["dataset_label"] = plotted["label"] + " (" + plotted["area"] + ")"
    plotted = plotted[["dataset_label", "counts", "area", "count", "period", "months", "per_month", "figure_id"]]
    plotted["months"] = plotted["months"].astype(int)
    plotted["count"] = plotted["count"].astype(int)
    left_out = rates[rates["per_month"].isna()]
    headline = plotted[plotted["figure_id"] == tables["referral_datasets"].set_index("id").loc[st.HEADLINE_DATASET, "figure_id"]].iloc[0]
    da = plotted[plotted["counts"] == "domestic abuse victims"]
    allc = plotted[plotted["counts"] == "victims of all crimes"]
    description = (
        f"Bar chart of {len(plotted)} published counts of police referrals to Immigration Enforcement, each divided by the "
        f"months it covers. Counts of domestic abuse victims run at {da['per_month'].min():.1f} to {da['per_month'].max():.1f} "
        f"a month; counts of victims of all crimes at {allc['per_month'].min():.1f} to {allc['per_month'].max():.1f} a month. "
        f"The Commissioner's England and Wales figure is {headline['per_month']:.1f} a month ({headline['count']:,} over "
        f"{headline['months']} months). The datasets cover different periods, areas and definitions, so the bars are not a trend."
    )
    note = ""
    if len(left_out):
        note = ("Not plotted, because their periods are given only in years: "
                + "; ".join(f"{r['label']} ({r['counts']}, {r['area']}, {r['count']:,.0f}, {r['period']})" for _, r in left_out.iterrows())
                + ".")
    return Chart("referral-rates", "Published referral counts, per month", description, plotted,
                 {"dataset_label": "Dataset", "counts": "Who is counted", "area": "Area", "count": "Referrals",
                  "period": "Period", "months": "Months", "per_month": "Per month", "figure_id": "Figure"},
                 tuple(plotted["figure_id"]), referral_rates_chart(plotted), note)


def _short_period(figure: pd.Series) -> str:
    return f"{st.month_label(figure['period_start'], abbreviated=True)}–{st.month_label(figure['period_end'], abbreviated=True)}"


def _enforcement(tables, stats) -> Chart:
    fig = tables["figures"].set_index("id")
    total, actions = st.QUOTED_FIGURES["referrals_total"], st.QUOTED_FIGURES["enforcement_actions"]
    papers = st.QUOTED_FIGURES["enforcement_papers_2020_percent"]
    rows = [
        {"document": f"Commissioner, {_short_period(fig.loc[actions])}",
         "measure": "referrals that led to enforcement action (such as detention or removal)",
         "percent": stats["enforcement_percent"].value,
         "value_label": f"{stats['enforcement_actions'].display} of {stats['referrals_total'].display}",
         "figure_id": f"{actions}; {total}"},
        {"document": f"Home Office document, {_short_period(fig.loc[papers])}",
         "measure": "domestic abuse victims referred who were served with enforcement papers",
         "percent": float(fig.loc[papers, "value"]),
         "value_label": f"about {fig.loc[papers, 'value']:.0f}%" + (f" (“{fig.loc[papers, 'wording'].split(' (')[0]}”)"
                                                                    if fig.loc[papers, "wording"] else ""),
         "figure_id": papers},
    ]
    data = pd.DataFrame(rows)
    description = (
        f"Two bars that measure different things. The Domestic Abuse Commissioner's Home Office data: "
        f"{stats['enforcement_actions'].display} of {stats['referrals_total'].display} referrals "
        f"({stats['referrals_period'].display}) led to enforcement action, {stats['enforcement_percent'].display}. "
        f"A separate Home Office document covering {st.period_label(fig.loc[papers, 'period_start'], fig.loc[papers, 'period_end'])}: about "
        f"{fig.loc[papers, 'value']:.0f}% of domestic abuse victims referred were served with enforcement papers. "
        "Being served papers is not the same as detention or removal, and the periods differ; the sources do not reconcile the two."
    )
    return Chart("enforcement", "Enforcement after a referral: two documents, two measures", description, data,
                 {"document": "Document and period", "measure": "What it measures", "percent": "Per cent",
                  "value_label": "As reported", "figure_id": "Figures"},
                 (actions, total, papers), enforcement_chart(data))


SHORT_NAME_DROP = (" Constabulary", " Police Service", " Police")


def _short_force_name(name: str) -> str:
    for suffix in SHORT_NAME_DROP:
        if name.endswith(suffix) and name != "British Transport Police":
            return name[: -len(suffix)]
    return "BTP" if name == "British Transport Police" else name


def _forces_grid(tables, stats, columns: int = 4) -> Chart:
    forces = tables["forces"].reset_index(drop=True)
    data = pd.DataFrame({
        "force": forces["name"], "short_name": forces["name"].map(_short_force_name), "country": forces["country"],
        "ons_code": forces["ons_code"], "row": forces.index // columns, "column": forces.index % columns,
    })
    counts = data["country"].value_counts()
    sharing = st.QUOTED_FIGURES["forces_sharing"]
    description = (
        f"A grid of {len(data)} tiles, one for each police force: {counts.get('England', 0)} in England, "
        f"{counts.get('Wales', 0)} in Wales and British Transport Police. The Domestic Abuse Commissioner reports that "
        f"{stats['forces_sharing'].display} forces, every one of them, shared information about domestic abuse victims "
        f"with Immigration Enforcement from {stats['referrals_period'].display}. No public figure says how many "
        "referrals each force made."
    )
    return Chart("forces", f"All {stats['forces_sharing'].display} forces shared victims’ data", description, data,
                 {"force": "Force", "country": "Country", "ons_code": "ONS code", "row": "Row", "column": "Column"},
                 (sharing,), forces_grid_chart(data))


def plot_date(partial_date: str) -> str:
    """Where to draw a date known only to the year (mid-year) or month (mid-month)."""
    return {0: f"{partial_date}-07-01", 1: f"{partial_date}-15"}.get(partial_date.count("-"), partial_date)


def _timeline(tables, stats) -> Chart:
    timeline = tables["timeline"]
    precision = timeline["date"].str.count("-").map({0: "year", 1: "month", 2: "day"})
    data = pd.DataFrame({
        "event_id": timeline["id"], "date": timeline["date"], "date_certainty": timeline["date_certainty"],
        "when": timeline["date"].map(plot_date), "date_precision": precision,
        "kind": timeline["kind"], "event": timeline["event"],
    })
    by_kind = data["kind"].value_counts()
    description = (
        f"Dot plot of {len(data)} events from {stats['timeline_first_year'].display} to {stats['timeline_last_year'].display}, "
        "one row per kind of event: " + ", ".join(f"{k} {by_kind.get(k, 0)}" for k in EVENT_KINDS)
        + ". Circles are events dated to the day, squares to the month, triangles to the year only; "
        "events known only to the month or year are drawn mid-month or mid-year."
    )
    return Chart("timeline", f"Events by kind, {stats['timeline_first_year'].display} onwards", description, data,
                 {"event_id": "Event", "date": "Date", "date_certainty": "Date certainty", "kind": "Kind", "event": "What happened"},
                 (), timeline_chart(data))


def _recommendation_outcomes(tables, stats) -> Chart:
    order = st.STATUS_ORDER
    sbs = {"accepted": stats["sbs_accepted"].value, "partly accepted": stats["sbs_partly_accepted"].value,
           "not accepted": stats["sbs_not_accepted"].value}
    tracked = st.status_counts(tables["recommendations"])
    rows = [{"group": "Safety Before Status (2021)", "status": s, "count": int(c)} for s, c in sbs.items()]
    rows += [{"group": "Tracked on this site", "status": s, "count": c} for s, c in tracked.items() if c]
    data = pd.DataFrame(rows)
    data["status_order"] = data["status"].map(order.index)
    description = (
        f"Two stacked bars. The government's response to the Commissioner's Safety Before Status report: "
        f"{sbs['accepted']} recommendations accepted, {sbs['partly accepted']} partly accepted and {sbs['not accepted']} not "
        f"accepted, the firewall among them. The {stats['recommendations_tracked'].display} recommendations tracked on this "
        "site: " + ", ".join(f"{c} {s}" for s, c in tracked.items()) + "."
    )
    return Chart("recommendation-outcomes", "What became of the recommendations", description, data,
                 {"group": "Recommendations", "status": "Outcome", "count": "Number", "status_order": "Order"},
                 tuple(st.QUOTED_FIGURES[k] for k in ("sbs_accepted", "sbs_partly_accepted", "sbs_not_accepted")),
                 recommendation_outcomes_chart(data))


def _vote_margins(tables, stats) -> Chart:
    margins = st.vote_margins(tables["votes"], tables["figures"])
    data = pd.DataFrame({
        "vote_label": [f"{r.house}, {st.month_label(r.date)}" + ("" if r.date_certainty == "exact" else f" ({r.date_certainty})")
                       for r in margins.itertuples()],
        "date": margins["date"], "question": margins["question"], "result": margins["result"],
        "votes_for": margins["votes_for"], "votes_against": margins["votes_against"], "margin": margins["margin"],
        "margin_label": [f"{int(r.votes_for)} to {int(r.votes_against)}" if pd.notna(r.votes_for) and pd.notna(r.votes_against)
                         else f"majority of {abs(r.margin)}"
                         for r in margins.itertuples()],
    })
    missing = stats["votes_recorded"].value - len(data)
    description = (
        f"Bar chart of the {len(data)} parliamentary votes on a firewall whose numbers are recorded. "
        + " ".join(f"{r.vote_label}: {r.margin_label}, {r.result}." for r in data.itertuples())
        + f" {missing} other votes in the record have no published numbers in the evidence base."
    )
    return Chart("votes", "Votes on a firewall with recorded numbers", description, data,
                 {"vote_label": "Vote", "date": "Date", "question": "Question", "result": "Result",
                  "votes_for": "For", "votes_against": "Against", "margin": "Margin"},
                 tuple(f for ids in margins["figure_ids"] for f in ids), vote_margins_chart(data))


CHART_BUILDERS: dict[str, Callable] = {
    "referral-rates": _referral_rates,
    "enforcement": _enforcement,
    "forces": _forces_grid,
    "timeline": _timeline,
    "recommendation-outcomes": _recommendation_outcomes,
    "votes": _vote_margins,
}


def build_charts(tables, stats) -> dict[str, Chart]:
    charts = {}
    for name, builder in CHART_BUILDERS.items():
        chart = builder(tables, stats)
        charts[name] = replace(chart, chart=_finish(chart.chart, chart.title))
    return charts
