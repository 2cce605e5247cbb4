"""Text that is safe in every tool that opens it: spreadsheets, browsers, terminals.

A spreadsheet runs a cell that begins with = + - @ (or tab or carriage return, which some
strip first) as a formula, even from a quoted CSV field (OWASP, "CSV injection"). Invisible and
bidirectional-control characters make text read differently from what it is. Messages about a
character name it by code point and Unicode name, because the reader cannot see the difference.
"""
from __future__ import annotations

import unicodedata

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Unicode categories that print nothing or reorder text: controls, format characters (zero-width
# spaces and joiners, bidirectional overrides, soft hyphen), private use, unassigned, line/paragraph separators.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Co", "Cn", "Zl", "Zp", "Cs"}


def character_name(character: str) -> str:
    """'\u202e' -> 'U+202E RIGHT-TO-LEFT OVERRIDE'."""
    name = unicodedata.name(character, "") or {"\t": "CHARACTER TABULATION", "\r": "CARRIAGE RETURN",
                                               "\n": "LINE FEED"}.get(character, "unnamed control character")
    return f"U+{ord(character):04X} {name}"


def begins_like_a_formula(text: str) -> bool:
    """Leading spaces do not count: some importers trim them, then run what follows."""
    return text.lstrip(" ").startswith(FORMULA_START)


def invisible_characters(text: str) -> list[tuple[int, str]]:
    """(position, character) of each character that is a control, invisible or bidirectional override."""
    if text.isprintable():   # fast path: isprintable() is False for every character of those categories
        return []
    return [(position, character) for position, character in enumerate(text)
            if unicodedata.category(character) in INVISIBLE_CATEGORIES]


def first_non_ascii(text: str) -> tuple[int, str] | None:
    if text.isascii():
        return None
    return next(((position, character) for position, character in enumerate(text) if not character.isascii()), None)


# Letters and marks that look like ASCII ones but are not (NFKC does not fold these).
LOOK_ALIKES = dict(zip("АВЕКМНОРСТХаеорсухіјѕԁΑΒΕΖΗΙΚΜΝΟΡΤΥΧον‐‑‒–—−‘’“”\u00a0",
                       "ABEKMHOPCTXaeopcyxijsdABEZHIKMNOPTYXov------''\"\" "))


def looks_like(character: str) -> str | None:
    """The ASCII character this one is easily mistaken for ('０' -> '0', Cyrillic 'С' -> 'C'), if any."""
    folded = unicodedata.normalize("NFKC", character)
    if folded.isascii() and folded.strip():
        return folded
    if unicodedata.category(character) == "Nd":   # a digit from another script: ٥ is 5
        return str(unicodedata.digit(character))
    return LOOK_ALIKES.get(character)


def spreadsheet_safe(cell):
    """A text cell for a CSV download: one that would begin with a formula character gets a leading
    apostrophe (OWASP's advice), which spreadsheets show as text. Numbers and other text are unchanged."""
    if isinstance(cell, str) and begins_like_a_formula(cell):
        return "'" + cell
    return cell
