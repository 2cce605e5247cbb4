"""Step 1 of the pipeline: load the Data Package in data/ and check it.

Frictionless checks what the schema can say (types, patterns, enums, required
fields, unique and foreign keys). `extra_checks` adds what a schema cannot say.
Every problem is collected, so a maintainer sees all of them in one run, and each
one reads:

    data/<file>.csv, line <n>, field '<field>': <what is wrong>; expected <what would be right>

(line is the physical line in the file, the header being line 1; line and field are
left out where they mean nothing, as for a missing file).
"""
from __future__ import annotations

import copy
import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import date
from difflib import get_close_matches
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
from frictionless import FrictionlessException, Package, system

from scripts.descriptor import (FIRST_YEAR, LAST_YEAR, DataError, key_columns, read_descriptor, snapshot_problems,
                                unexpected)
from scripts.safe_text import begins_like_a_formula, character_name, first_non_ascii, invisible_characters, looks_like

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"

# The tables the site reads (statistics, charts, pages). datapackage.json must list them all.
REQUIRED_TABLES = ("sources", "figures", "referral_datasets", "quotes", "timeline", "forces",
                   "recommendations", "votes", "helplines")

DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
URL_PATTERN = r"^https://[^\s]+$"


class Tables(dict):
    """The tables by name. Asking for a table that datapackage.json does not list raises DataError, not KeyError.
    `lines[table][id]` is the line of the row with that id in its CSV file."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines: dict[str, dict[str, int]] = {}
        self._by_id: dict[str, pd.DataFrame] = {}
        self._rows_by_id: dict[str, dict[str, dict]] = {}

    def by_id(self, name: str) -> pd.DataFrame:
        """The table indexed by its id column, built once: looking rows up one by one stays linear."""
        if name not in self._by_id:
            self._by_id[name] = self[name].set_index("id", drop=False)
        return self._by_id[name]

    def rows_by_id(self, name: str) -> dict[str, dict]:
        """The rows as dicts by ID, built once (reading a dict is many times faster than a pandas row)."""
        if name not in self._rows_by_id:
            self._rows_by_id[name] = {row["id"]: row for row in self[name].to_dict("records")}
        return self._rows_by_id[name]

    def line(self, table: str, row_id: str) -> int | None:
        return self.lines.get(table, {}).get(row_id)

    def __missing__(self, name):
        require_tables(self, [name], "the site")


def _missing_tables(listed, names, who: str) -> list[str]:
    return [f"data/datapackage.json: {who} needs table '{name}', which datapackage.json does not list; "
            f"expected one of {', '.join(sorted(listed))}" for name in names if name not in listed]


def require_tables(tables, names, who: str) -> None:
    """For a chart or page: stop with a clear message if a table it reads is not in the package."""
    problems = _missing_tables(tables, names, who)
    if problems:
        raise DataError(problems)


def problem(file: str, what: str, expected: str, line: int | None = None, field: str | None = None) -> str:
    where = f"data/{file}" + (f", line {line}" if line else "") + (f", field '{field}'" if field else "")
    return f"{where}: {what}; expected {expected}"


# ------------------------------------------------------------ reading a CSV file

@dataclass
class Csv:
    """A CSV file as text: its header and every record after it, with the line each record starts on."""
    file: str
    header: list[str]
    records: list[tuple[int, list[str]]]   # blank records included, so frictionless row N is records[N - 2]

    @classmethod
    def read(cls, path: Path) -> "Csv":
        reader = csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""))
        header, records, line = next(reader, []), [], reader.line_num + 1
        for cells in reader:
            records.append((line, cells))
            line = reader.line_num + 1
        return cls(path.name, header, records)

    def line(self, row_number: int) -> int:
        return self.records[row_number - 2][0]

    def blank_from(self, row_number: int) -> bool:
        """This record and every one after it is blank: blank lines at the end of a file are accepted."""
        return not any("".join(cells).strip() for _, cells in self.records[row_number - 2:])

    def frame(self) -> pd.DataFrame:
        """The non-blank records as text, indexed by line number (for messages)."""
        rows = [(line, cells) for line, cells in self.records if "".join(cells).strip()]
        width = len(self.header)   # a row with too few or too many cells is reported; read it as best we can
        return pd.DataFrame([(cells + [""] * width)[:width] for _, cells in rows],
                            columns=self.header, index=[line for line, _ in rows])

    def example(self, field: str, right=bool) -> str | None:
        """The first value in a column that is right, to show what a right value looks like."""
        if field not in self.header:
            return None
        column = self.header.index(field)
        values = (cells[column] for _, cells in self.records if len(cells) > column)
        return next((value for value in values if right(value)), None)


def _undecodable(path: Path) -> str | None:
    """Where the first byte that is not UTF-8 is, in words; None if the whole file decodes."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return problem(path.name, "the file is saved as UTF-16 (Excel's 'Unicode Text')",
                       "the file saved as CSV UTF-8 (in a spreadsheet: Save As, CSV UTF-8, comma-delimited)")
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as error:
        bad, before = data[error.start], data[:error.start].decode("utf-8-sig")
    line = before.count("\n") + 1
    records = list(csv.reader(io.StringIO(before + "?", newline="")))   # "?" stands for the bad byte
    field = None
    if len(records) > 1 and len(records[-1]) <= len(records[0]):
        field = records[0][len(records[-1]) - 1]
    start = records[-1][-1][:-1].rsplit("\n", 1)[-1][-40:]   # the cell's text before the bad byte, on this line
    where = f"after '{start}'" if start else "at the start of a cell"
    return problem(path.name, f"byte 0x{bad:02X} {where} is not UTF-8",
                   "the file saved as UTF-8 (a byte-order mark and CRLF line ends are fine)", line, field)


def _header_problems(table: Csv, names: list[str]) -> list[str]:
    if table.header == names:
        return []
    expected = "the columns " + ", ".join(names)
    missing = [name for name in names if name not in table.header]
    problems = []
    for label in dict.fromkeys(table.header):
        if table.header.count(label) > 1:
            times = {2: "twice"}.get(table.header.count(label), f"{table.header.count(label)} times")
            problems.append(problem(table.file, f"column '{label}' appears {times}",
                                    f"each column once: {expected}", 1, label))
        elif label not in names:
            close = get_close_matches(label, missing, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            missing = [name for name in missing if name not in close]
            problems.append(problem(table.file, f"column '{label}' is not in the schema", expected + hint, 1, label))
    problems += [problem(table.file, f"column '{name}' is missing", expected, 1, name) for name in missing]
    return problems or [problem(table.file, "the columns are in a different order from the schema", expected, 1)]


def _layout_problems(path: Path, table: Csv, names: list[str]) -> list[str]:
    """The common slips that make a whole file unreadable: with any of them every row would be misread,
    so they are reported alone, in words, before anything else about the file."""
    text = path.read_bytes().decode("utf-8-sig")
    expected_header = "a first line naming the columns: " + ",".join(names)
    if not text.strip():
        return [problem(table.file, "the file is empty", expected_header + ", then one line per row")]
    if "\r" in text and "\n" not in text:
        return [problem(table.file, "the lines end with a carriage return alone (old Mac line ends)",
                        "lines that end with LF or CRLF (save as CSV UTF-8 again)")]
    for bare in re.finditer(r"\r(?!\n)", text):
        if text.count('"', 0, bare.start()) % 2 == 0:   # not inside a quoted cell (that is the cell check's)
            before = text[:bare.start()].rsplit("\n", 1)[-1][-30:]
            return [problem(table.file, f"a carriage return (U+000D) is in the middle of the line, after '{before}', "
                            "so the row is cut in two there", "each row on one line: delete the carriage return",
                            text.count("\n", 0, bare.start()) + 1)]
    first_line = text.splitlines()[0]
    for separator, word in (("\t", "tabs"), (";", "semicolons")):
        if separator in first_line and len(table.header) < len(names) <= first_line.count(separator) + 1:
            return [problem(table.file, f"the columns are separated by {word}, not commas",
                            "a comma-separated file (in a spreadsheet: Save As, CSV UTF-8, comma-delimited)", 1)]
    rows = [(line, cells) for line, cells in table.records if "".join(cells).strip()]
    if table.header[-1:] == [""] and table.header[:-1] == names \
            and all(len(cells) == len(names) + 1 and cells[-1] == "" for _, cells in rows):
        return [problem(table.file, "every line ends with a comma, which makes an extra empty column",
                        f"each line to end with its last cell (the header with '{names[-1]}'), no comma after it", 1)]
    unclosed_at_end = text.count('"') % 2 == 1
    for index, (line, cells) in enumerate(rows):
        for column, cell in enumerate(cells):
            if "\n" not in cell:
                continue
            at_end = unclosed_at_end and index == len(rows) - 1 and column == len(cells) - 1
            if at_end or cell.split("\n", 1)[1].count(",") >= max(1, len(names) - 2):
                field = table.header[column] if column < len(table.header) else None
                last = line + cell.count("\n") + sum(c.count("\n") for c in cells[column + 1:])
                until = "the end of the file" if at_end else f"line {last}"
                return [problem(table.file, f"a double quote opens this cell and is not closed until {until}, "
                                "so every line in between was read as part of this one cell",
                                "a closing \" at the end of the cell (write \"\" for a quote mark inside it)",
                                line, field)]
    if not rows:
        return [problem(table.file, "the file has its header line but no rows",
                        "at least one row of data under the header")]
    return []


# ------------------------------------------------------------ numbers and text, cell by cell

# A figure's kind comes from its unit; each kind has the values that are real and plausible.
# (kind, whole numbers only, largest plausible value, what a right value is)
KINDS = {
    "count": (True, 1e9, "a whole number from 0 to 1,000,000,000"),
    "count in thousands or millions": (False, 1e6, "a number from 0 to 1,000,000 (the unit says thousand, million or billion)"),
    "percentage": (False, 100, "a percentage from 0 to 100"),
    "money": (False, 1e9, "an amount from 0 to 1,000,000,000 in the unit's currency and scale"),
    "rate": (False, 1e9, "a rate from 0 to 1,000,000,000"),
}


def figure_kind(unit: str) -> str:
    """What a figure's number is, from its unit: '£ million' is money, 'share of police forces' a percentage."""
    words = unit.lower()
    if "£" in unit or "€" in unit or "$" in unit:
        return "money"
    if "%" in words or "per cent" in words or "percent" in words or words.startswith(("share of", "proportion of")):
        return "percentage"
    if re.search(r"\bper\b", words):
        return "rate"
    if re.search(r"\b(thousands?|millions?|billions?)\b", words):
        return "count in thousands or millions"
    return "count"


PLAIN_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")   # ASCII digits only: float() and \d accept any script's


def _shown(cell: str) -> str:
    return f"'{cell[:12].rstrip()}…' ({len(cell)} characters)" if len(cell) > 24 else f"'{cell}'"


def _not_ascii(cell: str, wanted: str) -> str | None:
    """The first character that is not ASCII, named by code point and, if it looks like one, the ASCII
    character it could be taken for (the reader of the message cannot see the difference); None if none."""
    found = first_non_ascii(cell)
    if not found:
        return None
    position, character = found
    like = looks_like(character)
    return (f"'{cell}' contains {character_name(character)} (character {position + 1})"
            + (f", which looks like '{like}' but is not {wanted}" if like else ", which is not ASCII"))


def _number_problem(cell: str, kind: str | None, unit: str) -> tuple[str, str] | None:
    """(what is wrong, expected) for a number cell the schema would accept but that is not a real value."""
    found = _not_ascii(cell, "an ASCII digit")
    if found:
        return found, "a number written in the digits 0-9 (retype it)"
    try:
        value = float(cell)
    except ValueError:
        return None   # the schema reports text in a numeric field
    if not math.isfinite(value) or (not PLAIN_NUMBER.match(cell) and abs(value) > 1e15):
        return f"{_shown(cell)} is not a finite number", "a number written in digits, such as 537"
    if not PLAIN_NUMBER.match(cell):
        plain = f"{value:f}".rstrip("0").rstrip(".")
        return f"'{cell}' is not written in plain digits", f"the number in plain digits, such as {plain}"
    if kind is None:
        return None   # other numeric fields: their schema's minimum says what is allowed
    whole, maximum, expected = KINDS[kind]
    if cell.startswith("-"):   # whatever the schema says: no kind of figure is negative, and "-0" shows as "-0"
        return (f"'{cell}' is negative" if value else f"'{cell}' has a minus sign, which would be shown",
                expected + ("" if value else " (write 0 without the sign)"))
    because = f" for {'an amount of money' if kind == 'money' else 'a ' + kind}" + (f" (unit '{unit}')" if unit else "")
    if whole and not value.is_integer():
        return (f"'{cell}' is not a whole number, but the unit " + (f"'{unit}'" if unit else "(none)") + " makes it a count",
                f"{expected}; if it is not a count, a unit that says so, such as '%' or '£ million'")
    if value > maximum:
        return f"{_shown(cell)} is too large{because}", expected
    return None


def _is_identity(field: dict) -> bool:
    """IDs, codes, dates and fixed vocabularies: machine-read, so strictly ASCII."""
    constraints = field.get("constraints", {})
    name = field["name"]
    return ("pattern" in constraints or "enum" in constraints or name == "id" or name.endswith(("_id", "_code"))
            or name in ("date", "code"))


def _text_problem(cell: str, field: dict) -> tuple[str, str] | None:
    breaks = [position for position, character in enumerate(cell) if character in "\r\n"] \
        if "\n" in cell or "\r" in cell else []
    if breaks:
        return (f"the text has a line break in it ({character_name(cell[breaks[0]])}, character {breaks[0] + 1})",
                "the cell's text on one line")
    invisible = invisible_characters(cell)
    if invisible:
        position, character = invisible[0]
        return (f"the text contains {character_name(character)} (character {position + 1}), which is invisible "
                "or changes the order the text is shown in",
                "visible text only: delete that character (retype the words around it if unsure)")
    if _is_identity(field):
        found = _not_ascii(cell, "ASCII")
        if found:
            return found, "ASCII letters, digits and punctuation only in IDs, codes and dates (retype it)"
    elif begins_like_a_formula(cell):
        first = cell.lstrip(" ")[0]
        first = first if first not in "\t\r" else character_name(first)
        return (f"{_shown(cell)} begins with {first!s}, so a spreadsheet that opens the download would run it as a formula"
                if cell[0] not in "\t\r" else f"the text begins with {first}, which a spreadsheet may strip and then "
                "run what follows as a formula",
                "text that begins with a letter, a digit or a quote mark (reword it, for example 'minus 5' or 'at ...')")
    return None


def _cell_problems(table: Csv, resource: dict) -> dict[tuple[int, str], str]:
    """Problems in single cells that the schema cannot see, by (line, field)."""
    fields = resource["schema"]["fields"]
    found = {}
    for line, cells in table.records:
        if not "".join(cells).strip():
            continue
        if len(cells) != len(table.header):   # every cell after the slip is in the wrong column: say that alone
            found[(line, None)] = problem(
                table.file, f"the row has {len(cells)} cells", f"{len(table.header)}, one per column "
                f"({', '.join(table.header)}); a comma too many or too few, or a cell with a comma in it not in "
                "double quotes?", line)
            continue
        row = dict(zip(table.header, cells))
        for field in fields:
            name, cell = field["name"], row.get(field["name"], "")
            if not cell:
                continue
            if field.get("type") in ("number", "integer"):
                kind = figure_kind(row.get("unit", "")) if resource["name"] == "figures" and name == "value" else None
                described = _number_problem(cell, kind, row.get("unit", ""))
            else:
                described = _text_problem(cell, field)
            if described:
                found[(line, name)] = problem(table.file, described[0], described[1], line, name)
    return found


# ------------------------------------------------------------ frictionless errors in plain words

def _pattern_example(pattern: str) -> str | None:
    """A value that matches an ID pattern, made from the pattern itself ('^F-[0-9]{3,}(-[A-Z])?$' -> 'F-001'),
    for when no cell in the column does: a maintainer should never be shown a regular expression."""
    example = re.sub(r"\([^()]*\)\?", "", pattern.strip("^$"))
    example = re.sub(r"(\\d|\[0-9\])\{(\d+),?\d*\}", lambda m: "0" * (int(m.group(2)) - 1) + "1", example)
    example = re.sub(r"\[([A-Za-z0-9])[^\]]*\]\*?", lambda m: m.group(1), example).replace("\\", "")
    try:
        return example if re.fullmatch(pattern, example) else None
    except re.error:
        return None


def _expected(field: dict, table: Csv, bad: str | None = None) -> str:
    """What a right value for this field looks like, from its schema (never the bad value itself)."""
    constraints = field.get("constraints", {})
    pattern = constraints.get("pattern")
    if "enum" in constraints:
        return "one of " + ", ".join(constraints["enum"])
    if pattern == DATE_PATTERN:
        return "YYYY, YYYY-MM or YYYY-MM-DD"
    if pattern == URL_PATTERN:
        return "a web address that starts with https:// and has no spaces"
    if pattern:
        example = table.example(field["name"], lambda value: value != bad and re.match(pattern, value)) \
            or _pattern_example(pattern)
        return f"a value like {example}" if example else "a value in the same form as the others in this column"
    if field["type"] in ("number", "integer"):
        kind = "number" if field["type"] == "number" else "whole number"
        minimum = constraints.get("minimum", float("-inf"))

        def right(value: str) -> bool:
            number = _number(value) if PLAIN_NUMBER.match(value) else None
            return value != bad and number is not None and number >= minimum and (
                field["type"] == "number" or number.is_integer())
        example = table.example(field["name"], right)
        words = f"a {kind} of {minimum} or more," if "minimum" in constraints else f"a {kind}"
        return f"{words} such as {example}" if example else words.rstrip(",")
    return f"a value ({field.get('description', field['name']).rstrip('.')})"


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _constraint_error(error, field: dict) -> str:
    constraint = re.match(r'constraint "(\w+)"', error.note).group(1)
    cell, limits = error.cell, field.get("constraints", {})
    return {
        "required": "the cell is empty, but this field is required",
        "enum": f"'{cell}' is not allowed",
        "minimum": f"'{cell}' is negative" if limits.get("minimum") == 0 else f"'{cell}' is less than {limits.get('minimum')}",
        "maximum": f"'{cell}' is more than {limits.get('maximum')}",
        "pattern": {DATE_PATTERN: f"'{cell}' is not a date",
                    URL_PATTERN: f"'{cell}' " + ("contains a space" if cell.startswith("https://") else "is not an https address")}
                   .get(limits.get("pattern"), f"'{cell}' does not have the right form"),
    }.get(constraint, f"'{cell}' breaks the {error.note}")


def _duplicate(error, field_name: str, table: Csv) -> tuple[str, str, str]:
    value = error.cells[table.header.index(field_name)]
    first = re.search(r"position (\d+)", error.note)
    also = f" (also on line {table.line(int(first.group(1)))})" if first else ""
    return field_name, f"'{value}' appears twice{also}", f"every {field_name} to be unique"


def _foreign_key(error, tables: dict[str, Csv]) -> tuple[str, str, str]:
    target = tables[error.reference_name]
    key = error.reference_field_names[0]
    thing = error.reference_name.removesuffix("s").replace("_", " ")
    example = target.example(key, bool)
    return (", ".join(error.field_names),
            f"'{', '.join(error.field_cells)}' does not match any {key} in {target.file}",
            f"an existing {thing} ID" + (f" such as {example}" if example else ""))


def _describe(error, resource: dict, tables: dict[str, Csv]) -> tuple[str | None, str, str] | None:
    """(field, what is wrong, what would be right) for one frictionless error; None to leave it out."""
    table = tables[resource["name"]]
    fields = {field["name"]: field for field in resource["schema"]["fields"]}
    field = fields.get(getattr(error, "field_name", None) or "")
    width = f"{len(fields)} cells, one per column ({', '.join(fields)})"
    if error.type == "type-error":
        kind = {"number": "a number", "integer": "a whole number"}.get(field["type"], f"of type {field['type']}")
        return field["name"], f"'{error.cell}' is not {kind}", _expected(field, table, error.cell)
    if error.type == "constraint-error":
        return field["name"], _constraint_error(error, field), _expected(field, table, error.cell)
    if error.type == "unique-error":
        return _duplicate(error, field["name"], table)
    if error.type == "primary-key":
        # the same duplicate as the unique-error on the key field (removed as a repeat); a blank row's is left out
        return _duplicate(error, resource["schema"]["primaryKey"][0], table) if "".join(error.cells) else None
    if error.type == "foreign-key":
        return _foreign_key(error, tables)
    if error.type == "blank-row":
        return None, "the line is blank", "a row of data (blank lines are allowed only at the end of the file)"
    if error.type == "missing-cell":
        return field["name"], "the row ends before this column", width + "; leave a cell empty rather than out"
    if error.type == "extra-cell":
        return None, f"the row has an extra cell '{error.cell}' after the last column", width
    return getattr(error, "field_name", None) or None, error.message, "data that matches datapackage.json"


@dataclass
class _MissingKey:
    """A reference to no row, with the attributes of Frictionless's foreign-key error that _describe reads."""
    row_number: int
    field_names: list[str]
    field_cells: list[str]
    reference_name: str
    reference_field_names: list[str]
    type: str = "foreign-key"


def _missing_keys(resource: dict, tables: dict[str, Csv]) -> list[_MissingKey]:
    """Every foreign key of a table checked against the set of values it may refer to. Frictionless would
    re-read the referenced table for every key, most of its time once tables run to thousands of rows.
    As there, an empty cell refers to nothing and a key into a table that could not be read is not checked;
    cells are compared as text (scripts/descriptor.py requires keys between text columns)."""
    table, missing = tables[resource["name"]], []
    for key in resource["schema"].get("foreignKeys", []):
        reference = key["reference"]
        target_name = reference["resource"]   # a key into its own table names it (scripts/descriptor.py)
        target = tables.get(target_name)
        fields, target_fields = key_columns(key["fields"]), key_columns(reference["fields"])
        if target is None:   # a table that could not be read: its own problems come first
            continue
        known = {cells for cells in _columns(target, target_fields) if any(cells)}
        for row_number, cells in enumerate(_columns(table, fields), start=2):
            if any(cells) and cells not in known:
                missing.append(_MissingKey(row_number, fields, list(cells), target_name, target_fields))
    return missing


def _columns(table: Csv, fields: list[str]) -> list[tuple[str, ...]]:
    """The cells of these columns in every record, "" where a record is too short."""
    positions = [table.header.index(field) for field in fields]
    return [tuple(cells[p] if p < len(cells) else "" for p in positions) for _, cells in table.records]


ERROR_LIMIT = 1000   # per file: past this many, a maintainer fixes what is listed and builds again


def _schema_problems(descriptor: dict, tables: dict[str, Csv], data_dir: Path,
                     reported: set[tuple[str, int, str]] = frozenset()) -> list[str]:
    """Validate the tables that were read with Frictionless; report its errors in plain words, except
    for cells already `reported` (file, line, field) by the cell checks."""
    descriptor, reported = copy.deepcopy(descriptor), set(reported)
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] in tables]
    resources = {resource["name"]: copy.deepcopy(resource) for resource in descriptor["resources"]}
    for resource in descriptor["resources"]:   # foreign keys are checked below, by _missing_keys
        resource["schema"]["foreignKeys"] = []
    with system.use_context(trusted=True):
        report = Package(descriptor, basepath=str(data_dir)).validate(limit_errors=ERROR_LIMIT)
    problems = [problem("datapackage.json", error.message, "a valid Data Package") for error in report.errors]
    misread = {(file, line) for file, line, field in reported if field is None}   # rows with a cell too many or few
    for task in report.tasks:
        table = tables[task.name]
        # in row order, a row's own errors before its references, as Frictionless reports them
        errors = sorted(task.errors + _missing_keys(resources[task.name], tables),
                        key=lambda error: getattr(error, "row_number", None) or 0)
        for error in errors:
            row = getattr(error, "row_number", None)
            if row and (table.blank_from(row) or (table.file, table.line(row)) in misread):
                continue
            described = _describe(error, resources[task.name], tables)
            if described:
                field, what, expected = described
                line = table.line(row) if row else None
                if (table.file, line, field) not in reported:   # one message per cell: the first is the cause
                    problems.append(problem(table.file, what, expected, line, field))
                    if line:
                        reported.add((table.file, line, field))
        if any(warning.startswith("reached error limit") for warning in task.warnings):
            problems.append(problem(table.file, f"the schema check stopped after {ERROR_LIMIT:,} problems in this file, "
                                    "so there may be more than are listed here", "these fixed, then a new build to list any others"))
    return problems


# ------------------------------------------------------------ rules a schema cannot state

def extra_checks(tables: dict[str, pd.DataFrame], date_columns: dict[str, list[str]] | None = None) -> list[str]:
    """Rules across rows and tables that the schema cannot express.

    The tables here are text (empty cells are ""), indexed by the line each row is on; date_columns
    names, for each table, the columns that hold YYYY, YYYY-MM or YYYY-MM-DD."""
    problems = []
    latest_year = date.today().year + 1
    for name, frame in tables.items():
        for column in (date_columns or {}).get(name, []):
            # a figure's period may end at a future target ("by 2035"); everything else has happened
            last = LAST_YEAR if (name, column) == ("figures", "period_end") else latest_year
            for line, value in frame[column].items():
                if not re.fullmatch(DATE_PATTERN, value):
                    continue   # the schema reports it
                if len(value) == 10 and not _real_day(value):
                    problems.append(problem(f"{name}.csv", f"'{value}' is not a date (there is no such day)",
                                            "a day that exists in that month, as YYYY-MM-DD", line, column))
                elif not FIRST_YEAR <= int(value[:4]) <= last:
                    problems.append(problem(f"{name}.csv", f"'{value}' is not a plausible date for this evidence",
                                            f"a year from {FIRST_YEAR} to {last} (a typing slip in the year?)",
                                            line, column))
        if {"period_start", "period_end"} <= set(frame.columns):
            for line, start, end in zip(frame.index, frame["period_start"], frame["period_end"]):
                if start and end and end[: len(start)] < start[: len(end)]:
                    problems.append(problem(f"{name}.csv", f"the period ends ({end}) before it starts ({start})",
                                            "an end on or after the start", line, "period_end"))
        for column in [c for c in frame.columns if c == "url" or c.endswith("_url")]:
            for line, url in frame[column].items():
                if url.startswith("https://") and not _well_formed(url):   # the schema reports any other scheme
                    problems.append(problem(f"{name}.csv", f"'{url}' is not a well-formed web address",
                                            "https:// then a host name such as www.example.org", line, column))
    if "figures" not in tables:
        return problems
    figures = tables["figures"]
    no_value = set(figures.loc[figures["value"] == "", "id"])
    units = dict(zip(figures["id"], figures["unit"]))
    figure_lines = dict(zip(figures["id"], figures.index))
    needs_value = {"referral_datasets": ["figure_id"],
                   "votes": ["votes_for_figure_id", "votes_against_figure_id", "majority_figure_id"]}
    for name, columns in needs_value.items():
        frame = tables.get(name, pd.DataFrame(columns=columns))
        for line, row in zip(frame.index, frame[columns].to_dict("records")):
            for column in columns:
                figure_id = row[column]
                if figure_id in no_value:
                    problems.append(problem(f"{name}.csv", f"figure {figure_id} has no value",
                                            "a figure whose value is a number (it is counted here)", line, column))
                elif figure_id in units and figure_kind(units[figure_id]) != "count":
                    # shown as a whole count in tables, charts and prose: a fraction would show as two numbers
                    problems.append(problem(f"{name}.csv", f"figure {figure_id} has the unit '{units[figure_id]}', "
                                            f"which makes it a {figure_kind(units[figure_id])}, but it is counted here",
                                            "a count of people, votes or referrals, as a whole number: a unit such as "
                                            f"'referrals' on figures.csv line {figure_lines[figure_id]}", line, column))
                if name == "referral_datasets" and figure_id in figure_lines:
                    end = figures.loc[figure_lines[figure_id], "period_end"]
                    if re.fullmatch(DATE_PATTERN, end) and int(end[:4]) >= latest_year:
                        problems.append(problem("figures.csv", f"the period of figure {figure_id} ends in {end}, "
                                                "but it counts referrals that have already happened",
                                                "the end of the period the source counted, in the past",
                                                figure_lines[figure_id], "period_end"))
    return problems


def _real_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
        return True
    except ValueError:
        return False


def _well_formed(url: str) -> bool:
    parts = urlsplit(url)
    try:
        parts.port
    except ValueError:
        return False
    return parts.scheme == "https" and "." in (parts.hostname or "") and not (parts.hostname or "").startswith(".")


# ------------------------------------------------------------ loading

def read_tables(data_dir: Path, texts: dict[str, Csv]) -> Tables:
    """Every table as text (empty cells are ""), with numeric fields as numbers, from `texts`: the files as
    check() read and validated them, so that both agree on every row (blank lines at the end included)."""
    tables = Tables()
    for resource in read_descriptor(data_dir)["resources"]:
        by_line = texts[resource["name"]].frame()
        frame = by_line.reset_index(drop=True)
        for field in resource["schema"]["fields"]:
            if field.get("type") in ("number", "integer"):
                frame[field["name"]] = pd.to_numeric(frame[field["name"]].replace("", None))
        tables[resource["name"]] = frame
        if "id" in frame:   # for messages about a row found later (statistics): the line it is on
            tables.lines[resource["name"]] = dict(zip(by_line["id"], by_line.index))
    return tables


def check(data_dir: Path = DATA_DIR) -> list[str]:
    """Every problem with the Data Package in data_dir, in the order a maintainer would fix them."""
    return _checked(data_dir)[0]


def _checked(data_dir: Path) -> tuple[list[str], dict[str, Csv]]:
    """The problems, and every table that could be read, as text."""
    try:
        descriptor = read_descriptor(data_dir)
        Package(descriptor, basepath=str(data_dir))
    except DataError as error:
        return error.problems, {}
    except (ValueError, FrictionlessException) as error:
        return [problem("datapackage.json", f"is not a valid Data Package ({error})", "a valid Data Package descriptor")], {}
    problems = _missing_tables([r["name"] for r in descriptor["resources"]], REQUIRED_TABLES, "the site")
    readable: dict[str, Csv] = {}
    reported: set[tuple[str, int, str]] = set()
    for resource in descriptor["resources"]:
        path = data_dir / resource["path"]
        if not path.is_file():
            problems.append(problem(resource["path"], "the file is missing",
                                    f"a CSV file for table '{resource['name']}', which datapackage.json lists"))
            continue
        undecodable = _undecodable(path)
        if undecodable:
            problems.append(undecodable)
            continue
        table = Csv.read(path)
        names = [field["name"] for field in resource["schema"]["fields"]]
        layout = _layout_problems(path, table, names)
        header = layout or _header_problems(table, names)
        problems += header
        if not header:   # with the wrong columns every row would be misread; fix the header first
            cells = _cell_problems(table, resource)
            problems += cells.values()
            reported |= {(table.file, line, field) for line, field in cells}
            if not any("line break" in message for message in cells.values()):   # other readers split the row there
                readable[resource["name"]] = table
    problems += _schema_problems(descriptor, readable, data_dir, reported)
    dates = {resource["name"]: [field["name"] for field in resource["schema"]["fields"]
                                if field.get("constraints", {}).get("pattern") == DATE_PATTERN]
             for resource in descriptor["resources"]}
    misread = {(file, line) for file, line, field in reported if field is None}   # reported alone, above
    frames = {}
    for name, table in readable.items():
        frame = table.frame()
        frames[name] = frame[[(table.file, line) not in misread for line in frame.index]]
    problems += extra_checks(frames, dates)
    problems += snapshot_problems(data_dir / "releases")
    return list(dict.fromkeys(problems)), readable


def load(data_dir: Path = DATA_DIR) -> Tables:
    """Validate data_dir against its datapackage.json and return its tables, or raise DataError."""
    try:
        problems, texts = _checked(data_dir)
        if problems:
            raise DataError(problems)
        return read_tables(data_dir, texts)
    except DataError:
        raise
    except Exception as error:   # noqa: BLE001: whatever happened, the maintainer gets one plain line
        raise DataError([unexpected(error, "data/ (while checking the tables)")]) from error


def data_version(data_dir: Path = DATA_DIR) -> str:
    return read_descriptor(data_dir)["version"]
