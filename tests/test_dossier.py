"""The data against the evidence dossier it was compiled from (../shared/research/ on the machine where
the brief is researched). The build never reads the dossier; these checks run where it is present and are
skipped elsewhere (a fresh clone in CI)."""
import os
from pathlib import Path

import pandas as pd
import pytest

from scripts.load import load

DOSSIER = Path(os.environ.get("SAFE_TO_REPORT_DOSSIER", "/work/shared/research"))
pytestmark = pytest.mark.skipif(not (DOSSIER / "facts.csv").exists(), reason="evidence dossier not on this machine")


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DOSSIER / name, dtype=str, keep_default_na=False)


def words(text: str) -> str:
    """Text with its quotation marks and line breaks set aside (a quote over two paragraphs opens each with “)."""
    return " ".join(text.replace("“", "").replace("”", "").split())


@pytest.fixture(scope="module")
def tables():
    return load()


def _https(url: str) -> str:
    return "https://" + url.removeprefix("http://").removeprefix("https://") if url else ""


def test_every_excerpt_and_quote_is_word_for_word_the_dossiers(tables):
    facts = read("facts.csv").set_index("id")
    sources = tables["sources"].set_index("id")
    for _, figure in tables["figures"].iterrows():
        dossier_id = "F" + figure["id"][2:5]
        if dossier_id not in facts.index:   # rows added from the seed article (S-075), which the dossier holds as text
            assert figure["source_id"] == "S-075", figure["id"]
            assert words(figure["evidence"]) in words((DOSSIER / SEED).read_text()), figure["id"]
            continue
        assert figure["evidence"] == facts.loc[dossier_id, "evidence"], figure["id"]
        assert sources.loc[figure["source_id"], "url"] == _https(facts.loc[dossier_id, "url"]), figure["id"]
    quotes = read("quotes.csv").set_index("id")
    for _, quote in tables["quotes"].iterrows():
        dossier_id = "Q" + quote["id"][2:]
        if dossier_id in quotes.index:
            assert quote["quote"] == quotes.loc[dossier_id, "quote"], quote["id"]
            assert sources.loc[quote["source_id"], "url"] == _https(quotes.loc[dossier_id, "url"]), quote["id"]
        else:
            assert quote["source_id"] == "S-075", quote["id"]
            assert words(quote["quote"]) in words((DOSSIER / SEED).read_text()), quote["id"]


SEED = "seed-article-independent-2023-11-09.txt"


def test_a_date_shown_as_exact_to_the_day_has_a_dossier_row_dated_to_that_day(tables):
    text = "\n".join((DOSSIER / name).read_text(encoding="utf-8") for name in ("facts.csv", "quotes.csv", "timeline.csv", "NOTES.md"))
    seed_day = "2023-11-09"   # the seed article's own date line: "Thursday 09 November 2023"
    checked = 0
    for name, date, certainty in (("timeline", "date", "date_certainty"), ("quotes", "date", "date_certainty"),
                                  ("votes", "date", "date_certainty"), ("recommendations", "made_on", "made_on_certainty"),
                                  ("sources", "published", "published_certainty")):
        frame = tables[name]
        for row_id, day, how in zip(frame["id"], frame[date], frame[certainty]):
            if len(day) == 10 and how == "exact":
                checked += 1
                assert day in text or day == seed_day, f"{name} {row_id}: {day} is shown as exact"
    assert checked > 50


def test_dates_the_dossier_calls_inferred_are_shown_as_inferred(tables):
    timeline = tables["timeline"].set_index("id")
    assert timeline.loc["T-031", "date_certainty"] == "inferred"     # "announced on Tuesday" = 7 Nov 2023 (NOTES §4)
    assert timeline.loc["T-033", "date_certainty"] == "inferred"     # Lords 214-208, 30 Apr 2024 (NOTES §3)
    facts = read("facts.csv").set_index("id")
    figures = tables["figures"]
    for _, figure in figures[figures["id"].str[:5].map(lambda i: "F" + i[2:5]).isin(facts.index)].iterrows():
        published = facts.loc["F" + figure["id"][2:5], "published_date"]
        if "(inferred)" in published and figure["period_start"] and figure["period_start"] in published:
            assert figure["period_certainty"] == "inferred", figure["id"]
