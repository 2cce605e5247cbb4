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


def test_chromium_opens_the_source_at_the_passage_and_at_the_top_when_it_has_changed(browser, tmp_path):
    """The links as a browser follows them: excerpts with '-', ',', '&', curly quotes and brackets, set on a
    page across inline markup, are found; a passage no longer on the page leaves the page at its top."""
    import functools
    import html
    import threading
    from http.server import ThreadingHTTPServer

    from conftest import QuietHandler, require_chromium
    require_chromium()
    excerpts = load()["figures"].set_index("id").loc[["F-001", "F-017", "F-028", "F-040", "F-078"], "evidence"]
    filler = "<p>" + "Unrelated words. " * 800 + "</p>"
    for figure_id, excerpt in excerpts.items():
        words = excerpt.split()
        middle = len(words) // 2
        (tmp_path / f"{figure_id}.html").write_text(
            f"<!doctype html><meta charset=utf-8>{filler}<p>{html.escape(' '.join(words[:middle]))} "
            f"<em>{html.escape(' '.join(words[middle:]))}</em></p>{filler}", encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context(viewport={"width": 800, "height": 600})

    def scrolled(url: str) -> int:
        page = context.new_page()
        page.goto(url)
        page.wait_for_timeout(300)
        y = page.evaluate("() => window.scrollY")
        page.close()
        return y

    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        for figure_id, excerpt in excerpts.items():
            assert scrolled(passage_url(base + f"{figure_id}.html", excerpt)) > 1000, figure_id
        assert scrolled(passage_url(base + "F-001.html", "words that are not on the page")) == 0
    finally:
        context.close()
        server.shutdown()
