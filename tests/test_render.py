"""Pure helpers behind the page fragments, against hand-worked cases."""
from __future__ import annotations

import pandas as pd
import pytest

from scripts.load import load
from scripts.project import ROOT
from scripts.markdown_tables import own_markdown_tables
from scripts.render import attribution, contact_parts, figure_group, note_adds_something, shown_date


@pytest.mark.parametrize("date, certainty, note, text, mark, shown_note", [
    ("2023-11-09", "inferred", "2023-11-09 (inferred)", "9 November 2023", "inferred", ""),
    ("2023-03", "approximate", "c.2023-03", "March 2023", "c.", ""),
    ("2023-03", "approximate", "c.2023-03/04 (undated in archived copy)", "March 2023", "c.",
     "c.2023-03/04 (undated in archived copy)"),
    ("", "approximate", "17 March (year not shown; context suggests 2021)", None, None, None),
    ("2019", "approximate", "undated (c.2019-20)", "2019", "c.", "undated (c.2019-20)"),
    ("2024-04-30", "exact", "", "30 April 2024", "", ""),
])
def test_a_date_is_shown_once_and_its_note_kept_as_recorded(date, certainty, note, text, mark, shown_note):
    shown = shown_date(date, certainty, note)
    if text is None:
        assert shown is None
        return
    assert (shown.text, shown.certainty, shown.note) == (text, mark, shown_note)


def test_every_date_note_in_the_data_is_either_kept_whole_or_only_restates_the_date():
    tables = load(ROOT / "data")
    for table, date, note in [("sources", "published", "published_note"), ("quotes", "date", "date_note"),
                              ("timeline", "date", "date_note"), ("votes", "date", "date_note")]:
        for _, row in tables[table].iterrows():
            if row[note] and not note_adds_something(row[note], row[date]):
                assert row[note].replace(row[date], "").strip(" ;,().c").removeprefix("inferred").removeprefix(
                    "approx").strip(" ;,().") in ("", "undated"), (row["id"], row[note])


@pytest.mark.parametrize("speaker, role, organisation, expected", [
    ("Pragna Patel", "Director", "Southall Black Sisters", "Director, Southall Black Sisters"),
    ("Home Office spokesperson (unnamed)", "Spokesperson", "Home Office", ""),
    ("Nicole Jacobs", "Domestic Abuse Commissioner for England and Wales", "Office of the Domestic Abuse Commissioner",
     "Domestic Abuse Commissioner for England and Wales"),
    ("Praxis (organisational statement)", "", "Praxis", ""),
])
def test_an_attribution_says_each_thing_once(speaker, role, organisation, expected):
    assert attribution(speaker, role, organisation) == expected


def test_contact_text_becomes_links_a_phone_can_act_on():
    parts = contact_parts("0808 80 10 800; text 07860077333; live chat via gov.wales/live-fear-free; help@galop.org.uk")
    links = {p["text"]: p["href"] for p in parts if p["href"]}
    assert links == {"0808 80 10 800": "tel:08088010800", "07860077333": "sms:07860077333",
                     "gov.wales/live-fear-free": "https://gov.wales/live-fear-free", "help@galop.org.uk": "mailto:help@galop.org.uk"}
    assert "".join(p["text"] for p in parts).startswith("0808 80 10 800; text 07860077333")
    short = {p["text"]: p["href"] for p in contact_parts("999; if you cannot speak, dial 55; or 101 or 116 123") if p["href"]}
    assert short == {"999": "tel:999", "101": "tel:101", "116 123": "tel:116123"}


@pytest.mark.parametrize("statement, anchor", [
    ("214 peers voted for Baroness Meacher’s firewall amendment.", "parliament"),
    ("Police made referrals to the Home Office for immigration investigation.", "referrals"),
    ("Most respondents preferred not to say.", "other"),
    ("The PSNI shared victims' data with Immigration Enforcement.", "referrals"),
])
def test_figures_are_grouped_by_whole_words(statement, anchor):
    assert figure_group(statement)[1] == anchor


def test_a_table_written_in_markdown_gets_a_named_scroll_region_and_a_class_material_leaves_alone():
    page = ('<h2 id="a">First</h2><h2 id="conflicts">Conflicts &amp; gaps<a class="headerlink" href="#conflicts">¶</a></h2>'
            '<table>\n<thead><tr><th>Issue</th></tr></thead><tbody><tr><td>x</td></tr></tbody>\n</table>'
            '<table class="data-table"><tr><td>generated</td></tr></table>')
    shown = own_markdown_tables(page)
    assert '<table>' not in shown and shown.count('class="data-table"') == 2
    assert 'role="region" aria-label="Conflicts &amp; gaps"' in shown and 'tabindex="0"' in shown
    assert "<th>Issue</th>" in shown and shown.count("<table") == 2


def test_no_words_mention_nothing():
    """An emptied word list (FIGURE_GROUPS, SOURCE_KINDS) puts nothing in its group, not everything."""
    from scripts.render import mentions

    assert not mentions("Police referrals", [])
    assert mentions("Police referrals", ["referr"]) and not mentions("preferred", ["referr"])
