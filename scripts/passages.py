"""Links that open a source at the passage that proves a claim.

A text fragment (`#:~:text=`, WICG Text Fragments; Chromium, Safari and Firefox) asks the browser to
scroll to and highlight the given text. A browser that does not support it, or a page whose text has
changed, simply opens at the top: the link still reaches the source.

The excerpt's own words are used, percent-encoded as the spec requires: every character outside
A-Z a-z 0-9 and `. _ ~` is encoded, including `-`, `&` and `,`, which are the directive's own syntax.
A long excerpt becomes `textStart,textEnd` (its first and last few words), which still matches when
the middle is laid out across elements or differs by a character or two.
"""
from __future__ import annotations

from urllib.parse import quote

WHOLE_EXCERPT_WORDS = 10   # excerpts up to this many words are matched whole
EDGE_WORDS = 5             # otherwise, this many words from each end
EDGE_PUNCTUATION = "\"'“”‘’«»()[]{}…,.;:!?–—-"   # trimmed from the ends: quoting marks a page may set differently


def encode_directive_text(text: str) -> str:
    """Percent-encode text for a text directive: only unreserved characters other than '-' stay as they are."""
    return quote(text, safe="").replace("-", "%2D")


def _words(excerpt: str) -> list[str]:
    words = excerpt.split()
    while words and not words[0].strip(EDGE_PUNCTUATION):
        words.pop(0)
    while words and not words[-1].strip(EDGE_PUNCTUATION):
        words.pop()
    if words:
        words[0] = words[0].lstrip(EDGE_PUNCTUATION)
        words[-1] = words[-1].rstrip(EDGE_PUNCTUATION)
    return words


def text_directive(excerpt: str) -> str:
    """'text=…' for an excerpt, or '' when it has no words to match."""
    words = _words(excerpt)
    if not words:
        return ""
    if len(words) <= WHOLE_EXCERPT_WORDS:
        return "text=" + encode_directive_text(" ".join(words))
    start, end = " ".join(words[:EDGE_WORDS]), " ".join(words[-EDGE_WORDS:])
    return f"text={encode_directive_text(start)},{encode_directive_text(end)}"


def passage_url(url: str, excerpt: str) -> str:
    """The source's address with a text fragment for the excerpt; the address unchanged if there is nothing to add.

    An address that already has a fragment keeps it: the directive follows it after ':~:'."""
    if not url:
        return ""
    directive = text_directive(excerpt)
    if not directive:
        return url
    if ":~:" in url:   # already carries a directive: leave the address as published
        return url
    return f"{url}{'' if '#' in url else '#'}:~:{directive}"
