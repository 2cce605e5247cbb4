"""Rules that keep each claim in data/ exact: dates and their certainty, sources and their excerpts, absence stated as absence."""
import re

import pandas as pd
import pytest

from scripts.load import load

DATED = {  # table -> (date column, certainty column)
    "sources": ("published", "published_certainty"),
    "quotes": ("date", "date_certainty"),
    "timeline": ("date", "date_certainty"),
    "votes": ("date", "date_certainty"),
    "figures": ("period_start", "period_certainty"),
}


@pytest.fixture(scope="module")
def tables():
    return load()


def test_one_date_from_one_source_has_one_certainty(tables):
    """A date that several rows take from the same source is shown with the same certainty everywhere
    (the 2024 Lords vote is '(inferred)' on the timeline, the votes table, the quotes and Every figure)."""
    seen: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for name, (date, certainty) in DATED.items():
        frame = tables[name]
        source = frame["id"] if name == "sources" else frame["source_id"]
        for row_id, src, day, how in zip(frame["id"], source, frame[date], frame[certainty]):
            if len(day) == 10:
                seen.setdefault((src, day), set()).add((how, f"{name} {row_id}"))
    clashes = {key: rows for key, rows in seen.items() if len({how for how, _ in rows}) > 1}
    assert not clashes, clashes


def test_every_dated_figure_says_how_sure_its_period_is(tables):
    figures = tables["figures"]
    dated = figures[(figures["period_start"] != "") | (figures["period_end"] != "")]
    assert (dated["period_certainty"] != "").all(), list(dated.loc[dated["period_certainty"] == "", "id"])
    assert set(figures.loc[figures["id"].str.startswith("F-071"), "period_certainty"]) == {"inferred"}


def test_a_recommendation_is_sourced_where_its_evidence_is(tables):
    figures = tables["figures"].set_index("id")
    for _, rec in tables["recommendations"].iterrows():
        if rec["evidence_figure_id"]:
            assert rec["source_id"] == figures.loc[rec["evidence_figure_id"], "source_id"], rec["id"]
    r002 = tables["recommendations"].set_index("id").loc["R-002"]
    assert r002["evidence_figure_id"] == "F-040" and "six months" in r002["recommendation"]


def test_an_events_excerpt_comes_from_the_events_own_source(tables):
    excerpts = pd.concat([tables["figures"][["id", "source_id"]], tables["quotes"][["id", "source_id"]]]).set_index("id")["source_id"]
    timeline = tables["timeline"]
    linked = timeline[timeline["evidence_id"] != ""]
    assert len(linked) >= 20
    for _, event in linked.iterrows():
        assert event["evidence_id"] in excerpts.index, event["id"]
        assert excerpts[event["evidence_id"]] == event["source_id"], event["id"]


def test_copies_say_what_they_are_copies_of(tables):
    sources = tables["sources"].set_index("id")
    for source_id, source in sources.iterrows():
        if source["copy_of"]:
            assert source["copy_kind"], source_id
            assert not sources.loc[source["copy_of"], "copy_kind"], (source_id, "a copy of a copy")
        if "herokuapp.com" in source["url"] or "rssing.com" in source["url"]:
            assert source["copy_kind"] in ("prototype", "mirror"), source_id
    assert sources.loc["S-060", "copy_of"] == "S-007"


def test_titles_agree_with_their_addresses(tables):
    sources = tables["sources"].set_index("id")
    assert "serious violence" in sources.loc["S-073", "title"] and "serious_violence" in sources.loc["S-073", "url"]


def test_votes_on_a_firewall_are_what_the_evidence_says(tables):
    votes = tables["votes"].set_index("id")
    assert votes.loc["V-001", "on_firewall"] == "not stated"        # an opposition amendment on migrant victims
    assert votes.loc["V-006", "division"] == "no division recorded"  # MPs' objections "were agreed to"
    assert votes.loc["V-004", "result"] == "for the firewall"        # the Lords asked the government to think again
    drawn = votes[votes["division"] == "numbers recorded"]
    assert set(drawn.index) == {"V-003", "V-005"}


ABSENCE_AS_FACT = re.compile(r"\b(no|none|not)\b[^.;]*\b(has been|have been|was|were|is|are) (published|public)\b", re.I)


def test_absence_is_stated_as_not_found(tables):
    """'No breakdown has been published' claims more than the evidence base can: it says none was found."""
    offenders = []
    for name, frame in tables.items():
        for column in frame.columns:
            for row_id, text in zip(frame["id"], frame[column].astype(str)):
                if ABSENCE_AS_FACT.search(str(text)):
                    offenders.append(f"{name} {row_id} {column}: {text}")
    assert not offenders, offenders
