"""What readers see of each claim: units, dates with their certainty, the passage link, and prose that keeps
to what a statistic means."""
import re
from pathlib import Path

import pytest

from scripts import stats as st
from scripts.load import load
from scripts.render import PageLinks, figures_block, quotes_block, sources_block, timeline_block, votes_block

DOCS = Path(__file__).resolve().parent.parent / "docs"
FRAGMENTS = Path(__file__).resolve().parent.parent / "overrides" / "fragments"


@pytest.fixture(scope="module")
def tables():
    return load()


@pytest.fixture(scope="module")
def every_figure(tables):
    html = figures_block(tables, st.compute_statistics(tables), PageLinks(root="../"))
    return {m.group(1): m.group(2) for m in re.finditer(r'<li id="(F-[^"]+)">(.*?)</li>', html, re.S)}


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_every_figure_with_an_address_links_to_its_passage(tables, every_figure):
    urls = tables["sources"].set_index("id")["url"]
    for _, figure in tables["figures"].iterrows():
        item = every_figure[figure["id"]]
        assert "The source says:" in item, figure["id"]
        if urls[figure["source_id"]]:
            assert ":~:text=" in item, figure["id"]


def test_a_percentage_figure_shows_its_percent_sign_and_a_count_none(tables, every_figure):
    for _, figure in tables["figures"].iterrows():
        shown = text(every_figure[figure["id"]]).split(". ")[0]   # the value and its unit, before the statement
        if st.is_percentage(figure["unit"]):
            assert "%" in shown or "per cent" in shown, (figure["id"], shown)
        else:
            assert "%" not in shown and "per cent" not in shown, (figure["id"], shown)
    assert text(every_figure["F-054"]).startswith("F-054 92% of women")


def test_inferred_and_approximate_periods_say_so_on_every_figure(every_figure):
    assert "30 April 2024 (inferred)" in text(every_figure["F-071-A"])
    assert "30 April 2024 (inferred)" in text(every_figure["F-071-B"])
    assert "c. June 2026" in text(every_figure["F-075"])


def test_quotes_and_events_link_to_their_passage(tables):
    links = PageLinks(root="../")
    html = "".join(quotes_block(tables, {}, links, group=g) for g in tables["quotes"]["speaker_group"].unique())
    linked = re.findall(r'<figure class="quote" id="(Q-\d+)">(.*?)</figure>', html, re.S)
    assert sum(":~:text=" in body for _, body in linked) == 36   # all but Q-037, whose article has no recorded address
    timeline = timeline_block(tables, {}, links)
    assert timeline.count(":~:text=") == (tables["timeline"]["evidence_id"] != "").sum()


def test_copies_say_they_are_copies(tables):
    html = sources_block(tables, {}, PageLinks(root="../"))
    entry = re.search(r'<li id="S-060">(.*?)</li>', html, re.S).group(1)
    assert "a syndicated copy" in entry and "theguardian.com" in entry
    assert "parliamentary search prototype" in re.search(r'<li id="S-046">(.*?)</li>', html, re.S).group(1)


def test_a_decision_without_a_division_is_not_drawn_as_one(tables):
    html = votes_block(tables, {}, PageLinks(root="../"))
    row = text(re.search(r'<tr id="V-006">(.*?)</tr>', html, re.S).group(1))
    assert "no division" in row and "not recorded" not in row


# ------------------------------------------------------------------ prose

def pages() -> dict[str, str]:
    found = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    found.update({f"fragments/{p.name}": p.read_text(encoding="utf-8") for p in FRAGMENTS.glob("*.html")})
    return found


THE_537 = re.compile(r"(\{\{\s*(referrals_total|count_dac_2020_2023)\s*\}\}|referrals_total[^}]*\}\})(?P<after>.{0,90})", re.S)


def test_prose_calls_the_537_referrals_not_people():
    """Paraphrase guard: the 537 may not be 537 people. Wherever a page shows it, the words that follow
    call them referrals, never 'people' or 'victims referred'."""
    for page, source in pages().items():
        for match in THE_537.finditer(source):
            after = match.group("after").split(".")[0]
            assert not re.search(r"\bpeople\b|victims referred|victims were referred", after), (page, after)
            assert "referral" in after or "figure" in after or "period" in after or after.strip() == "" or "{{" in after, (page, after)


ABSENCE_AS_FACT = re.compile(r"\b(no|none)\b[^.;]{0,80}\b(has been|have been) published\b|\bno public (figures|source)\b", re.I)


def test_prose_states_absence_as_not_found():
    for page, source in pages().items():
        for match in ABSENCE_AS_FACT.finditer(source):
            pytest.fail(f"{page}: '{match.group(0)}' states as fact what the evidence base only did not find")


def test_prose_quotes_the_home_office_rather_than_reading_their_ability_as_victims():
    """'their ability' in the Home Office's words may mean the Home Office's or the victims'; pages quote it."""
    for page, source in pages().items():
        assert not re.search(r"victims' ability|harder for victims to escape", source), page
