"""Text-fragment links to the passage in a source, against hand-built addresses."""
from urllib.parse import unquote

import pandas as pd

from scripts.load import load
from scripts.passages import encode_directive_text, passage_url, text_directive


def test_directive_syntax_characters_are_encoded():
    # '-', '&' and ',' separate the parts of a directive; a space is %20 (never '+')
    assert encode_directive_text("Apr–Dec, 20-months & more") == "Apr%E2%80%93Dec%2C%2020%2Dmonths%20%26%20more"
    assert encode_directive_text("a#b?c=d/e") == "a%23b%3Fc%3Dd%2Fe"
    assert encode_directive_text("Police_made.537~") == "Police_made.537~"


def test_short_excerpt_is_matched_whole_without_outer_quotes_and_full_stop():
    assert text_directive("Twenty-seven said they did.") == "text=Twenty%2Dseven%20said%20they%20did"
    assert text_directive("“served with enforcement papers”") == "text=served%20with%20enforcement%20papers"


def test_long_excerpt_uses_its_first_and_last_five_words():
    excerpt = ("Police made 537 referrals to the Home Office for immigration investigation in relation to victims "
               "and survivors reporting domestic abuse between April 2020 to March 2023")
    start, end = text_directive(excerpt).removeprefix("text=").split(",")
    assert unquote(start) == "Police made 537 referrals to"
    assert unquote(end) == "April 2020 to March 2023"


def test_passage_url_appends_a_fragment_or_leaves_the_address_alone():
    assert passage_url("https://example.org/a", "one two") == "https://example.org/a#:~:text=one%20two"
    assert passage_url("https://example.org/a#top", "one two") == "https://example.org/a#top:~:text=one%20two"
    assert passage_url("https://example.org/a", "  …  ") == "https://example.org/a"
    assert passage_url("", "one two") == ""


def test_every_linked_figure_quote_and_event_gets_a_passage_link():
    tables = load()
    urls = tables["sources"].set_index("id")["url"]
    for _, figure in tables["figures"].iterrows():
        url = urls[figure["source_id"]]
        link = passage_url(url, figure["evidence"])
        if url:
            assert link.startswith(url + "#:~:text=") or link.startswith(url + ":~:text="), figure["id"]
            # the directive decodes back to words of the excerpt, in order
            for part in link.split(":~:text=")[1].split(","):
                assert unquote(part) in " ".join(figure["evidence"].split()), (figure["id"], unquote(part))
    for _, quote in tables["quotes"].iterrows():
        url = urls[quote["source_id"]]
        if url:
            assert ":~:text=" in passage_url(url, quote["quote"]), quote["id"]
    assert not pd.isna(urls).any()
