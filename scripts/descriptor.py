"""Read data/datapackage.json and the release snapshots in data/releases/, checking their shape first.

Light on purpose (no pandas, no Frictionless): the hooks read the descriptor on every build, including
builds that are served entirely from the cache. Anything a maintainer can put in these files ends in a
DataError with plain messages, never in a traceback:

    data/datapackage.json: <what is wrong>; expected <what would be right>
"""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import yaml

DESCRIPTOR = "datapackage.json"
VERSION_PATTERN = re.compile(r"^\d+\.\d+\.\d+$")
FIELD_TYPES = ("string", "number", "integer")
RELEASE_KINDS = ("revision", "correction")   # revision: newer data; correction: an error in an earlier release
FIRST_YEAR, LAST_YEAR = 1900, 2100          # dates outside these years are typing slips
RESTORE = "restore it from git (git checkout -- {path}) or fix it by hand"


class DataError(Exception):
    """The data in data/ cannot be published. `problems` lists every reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("Bad data, nothing was built:\n  - " + "\n  - ".join(problems))


def _json(path: Path, label: str, expected: str) -> object:
    """The parsed JSON in path, or DataError saying in words why it cannot be read."""
    if not path.is_file():
        raise DataError([f"{label}: the file is missing; expected {expected}"])
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError([f"{label}: byte 0x{error.object[error.start]:02X} at byte {error.start} is not UTF-8; "
                         "expected the file saved as UTF-8"]) from None
    if not text.strip():
        raise DataError([f"{label}: the file is empty (perhaps a write was interrupted); expected {expected}; "
                         + RESTORE.format(path=label)])
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError([f"{label}, line {error.lineno}, column {error.colno}: this is not valid JSON ({re.sub(r'( starting)? at$', '', error.msg)}); "
                         f"expected {expected}; " + RESTORE.format(path=label)]) from None
    except ValueError as error:   # e.g. a number too long to convert
        raise DataError([f"{label}: this JSON cannot be read ({error}); expected {expected}"]) from None


def _descriptor_problems(descriptor: object) -> list[str]:
    where = f"data/{DESCRIPTOR}"
    if not isinstance(descriptor, dict):
        return [f"{where}: the file holds a JSON {type(descriptor).__name__}; expected a JSON object "
                '({"name": ..., "version": ..., "resources": [...]})']
    problems = []
    version = descriptor.get("version")
    if version is None:
        problems.append(f"{where}, field 'version': the data version is missing; "
                        'expected a version such as "1.0.0" (it is shown on every page and in every citation)')
    elif not (isinstance(version, str) and VERSION_PATTERN.match(version)):
        problems.append(f"{where}, field 'version': {json.dumps(version)} is not a version number; "
                        'expected three numbers separated by dots, such as "1.0.0"')
    problems += _metadata_problems(descriptor, where)
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return problems + [f"{where}, field 'resources': the list of tables is missing or empty; "
                           "expected one entry per CSV file, each with a name, a path and a schema"]
    seen = set()
    for number, resource in enumerate(resources, start=1):
        label = f"{where}, resource {number}"
        if not isinstance(resource, dict):
            problems.append(f"{label}: this is not a JSON object; expected "
                            '{"name": ..., "path": ..., "schema": {"fields": [...]}}')
            continue
        name, path = resource.get("name"), resource.get("path")
        if not (isinstance(name, str) and re.fullmatch(r"[a-z][a-z0-9_]*", name)):
            problems.append(f"{label}, field 'name': {json.dumps(name)} is not a table name; "
                            "expected lower-case letters, digits and underscores, such as \"figures\"")
        elif name in seen:
            problems.append(f"{label}, field 'name': table '{name}' is listed twice; expected each table once")
        else:
            label = f"{where}, resource '{name}'"
        seen.add(name)
        if not (isinstance(path, str) and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\.csv", path)):
            problems.append(f"{label}, field 'path': {json.dumps(path)} is not a CSV file in data/; "
                            "expected a file name such as \"figures.csv\"")
        schema = resource.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list) or not fields:
            problems.append(f"{label}, field 'schema': the table has no list of fields; "
                            'expected "schema": {"fields": [{"name": ..., "type": ...}, ...]}')
            continue
        if schema.get("missingValues", [""]) != [""]:   # the tables are read with "" as the only missing value
            problems.append(f"{label}, field 'missingValues': {json.dumps(schema['missingValues'])} is not read by the "
                            "site; expected no missingValues in the schema (an empty cell is the only missing value)")
        for field in fields:
            if not (isinstance(field, dict) and isinstance(field.get("name"), str) and field["name"]):
                problems.append(f"{label}: a field has no name; expected each field as "
                                '{"name": ..., "type": "string"}')
            elif field.get("type", "string") not in FIELD_TYPES:
                problems.append(f"{label}, field '{field['name']}': type {json.dumps(field.get('type'))} is not "
                                f"used here; expected one of {', '.join(FIELD_TYPES)}")
            else:
                problems += _constraint_problems(field, f"{label}, field '{field['name']}'")
    return problems + _foreign_key_problems(resources, where)


def _foreign_key_problems(resources: list, where: str) -> list[str]:
    """A foreign key into a table the package does not list, or between columns that do not exist (a typo),
    would otherwise go unchecked. Keys join text columns: scripts/load.py compares them as text, as
    every page and link shows them."""
    tables = {resource["name"]: resource for resource in resources
              if isinstance(resource, dict) and isinstance(resource.get("name"), str)}   # reported above if not
    names = set(tables)   # a key into its own table names it too (not "")
    problems = []
    for resource in tables.values():
        schema = resource.get("schema")
        keys = schema.get("foreignKeys", []) if isinstance(schema, dict) else []
        for key in keys if isinstance(keys, list) else []:
            reference = key.get("reference") if isinstance(key, dict) else None
            target = reference.get("resource") if isinstance(reference, dict) else None
            label = f"{where}, resource '{resource.get('name')}', foreignKeys"
            if not (isinstance(target, str) and target in names):
                problems.append(f"{label}: {json.dumps(target)} is not a table in this package; "
                                f"expected one of {', '.join(sorted(names))}")
                continue
            for table, columns in ((resource["name"], key.get("fields")), (target, reference.get("fields"))):
                problems += _key_column_problems(label, table, _named_fields(tables[table].get("schema")), columns)
    return problems


def _named_fields(schema) -> dict[str, dict] | None:
    """A schema's fields by name; None if it has no list of named fields (reported above)."""
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not (isinstance(fields, list) and all(isinstance(field, dict) and isinstance(field.get("name"), str)
                                             for field in fields)):
        return None
    return {field["name"]: field for field in fields}


def key_columns(columns) -> list[str] | None:
    """The columns one end of a foreign key names ("id" or ["id"]); None unless one or more names."""
    names = [columns] if isinstance(columns, str) else columns if isinstance(columns, list) else None
    return names if names and all(isinstance(name, str) for name in names) else None


def _key_column_problems(label: str, table: str, fields: dict[str, dict] | None, columns) -> list[str]:
    """Each column one end of a foreign key names: one or more, each a column of the table, and text."""
    if fields is None:
        return []   # the table's own schema problem comes first
    names = key_columns(columns)
    if names is None:
        return [f"{label}: the columns of table '{table}' are given as {json.dumps(columns)}; expected a column "
                'name, such as "source_id", or a list of them']
    problems = []
    for column in names:
        if column not in fields:
            problems.append(f"{label}: {json.dumps(column)} is not a column of table '{table}'; "
                            f"expected one of {', '.join(fields)}")
        elif fields[column].get("type", "string") != "string":
            problems.append(f"{label}: column '{column}' of table '{table}' is of type "
                            f"{json.dumps(fields[column].get('type'))}; expected keys between text columns (IDs), "
                            '"type": "string"')
    return problems


def _metadata_problems(descriptor: dict, where: str) -> list[str]:
    """The package's own fields that the site shows (the Data page, its schema.org Dataset, chart credits)."""
    problems = []
    for name, what in (("title", "the dataset's title"), ("description", "a sentence describing the dataset")):
        if not (isinstance(descriptor.get(name), str) and descriptor[name].strip()):
            problems.append(f"{where}, field '{name}': {json.dumps(descriptor.get(name))} is missing or not text; "
                            f"expected {what}, as a string")
    licenses = descriptor.get("licenses")
    if not (isinstance(licenses, list) and licenses and all(
            isinstance(licence, dict) and isinstance(licence.get("name"), str) and licence["name"]
            and isinstance(licence.get("path"), str) and licence["path"].startswith("https://") for licence in licenses)):
        problems.append(f"{where}, field 'licenses': {json.dumps(licenses)[:80]} is missing or incomplete; expected a "
                        'list of licences, each with a name and a web address, such as [{"name": "CC-BY-4.0", '
                        '"path": "https://creativecommons.org/licenses/by/4.0/"}]')
    keywords = descriptor.get("keywords")
    if not (isinstance(keywords, list) and all(isinstance(keyword, str) for keyword in keywords)):
        problems.append(f"{where}, field 'keywords': {json.dumps(keywords)[:80]} is missing or not a list of words; "
                        'expected a list of strings, such as ["domestic abuse", "police"]')
    return problems


def _constraint_problems(field: dict, label: str) -> list[str]:
    """Constraints the validator and the messages rely on: numbers as numbers, patterns that compile."""
    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        return [f"{label}: \"constraints\" is not a JSON object; expected {{\"required\": true, \"minimum\": 0, ...}}"]
    problems = []
    for limit in ("minimum", "maximum"):
        value = constraints.get(limit)
        if limit in constraints and (isinstance(value, bool) or not isinstance(value, (int, float))):
            problems.append(f"{label}, constraint '{limit}': {json.dumps(value)} is not a number; expected a number "
                            f"without quotes, such as \"{limit}\": 0")
    if "pattern" in constraints:
        try:
            re.compile(constraints["pattern"])
        except (re.error, TypeError) as error:
            problems.append(f"{label}, constraint 'pattern': {json.dumps(constraints['pattern'])} is not a valid "
                            f"pattern ({error}); expected a regular expression such as \"^S-[0-9]{{3,}}$\"")
    if "enum" in constraints and not (isinstance(constraints["enum"], list)
                                      and all(isinstance(value, str) for value in constraints["enum"])):
        problems.append(f"{label}, constraint 'enum': {json.dumps(constraints['enum'])[:60]} is not a list of "
                        'values; expected a list of strings, such as ["yes", "no"]')
    return problems


def unexpected(error: BaseException, where: str) -> str:
    """One plain line for a failure nobody foresaw: where, what to do, then the technical detail."""
    return (f"{where}: the build stopped on something in the data it did not expect; check your last change to "
            f"this file (or undo it with git) and, if it looks right, report this message to the site's maintainers. "
            f"Technical detail: {type(error).__name__}: {error}")


def read_descriptor(data_dir: Path) -> dict:
    """data/datapackage.json, checked enough that every later step can rely on its shape; or DataError."""
    descriptor = _json(data_dir / DESCRIPTOR, f"data/{DESCRIPTOR}", "a Data Package descriptor (JSON)")
    try:
        problems = _descriptor_problems(descriptor)
    except Exception as error:   # noqa: BLE001: a shape no check foresaw is still one plain line, never a traceback
        raise DataError([unexpected(error, f"data/{DESCRIPTOR}")]) from error
    if problems:
        raise DataError(problems)
    return descriptor


# ------------------------------------------------------------ release snapshots and notes

SNAPSHOT = "a release snapshot (JSON) as `make release` writes it"
NOTES = "release notes as in the example at the top of notes.yml"


def date_problem(value: object) -> str | None:
    """What is wrong with a release date, in words; None for a real day, written YYYY-MM-DD, in a plausible year."""
    if not (isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)):
        return f"{json.dumps(value, ensure_ascii=False)} is not a date written YYYY-MM-DD"
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return f"\"{value}\" is not a date (there is no such day)"
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return f"\"{value}\" is not a plausible year for this site"
    return None


def _snapshot_problems(snapshot: object, label: str, stem: str) -> list[str]:
    if not isinstance(snapshot, dict):
        return [f"{label}: the file holds a JSON {type(snapshot).__name__}; expected {SNAPSHOT}"]
    problems = []
    version = snapshot.get("version")
    if not (isinstance(version, str) and VERSION_PATTERN.match(version)):
        problems.append(f"{label}, field 'version': {json.dumps(version)} is not a version number; "
                        f'expected "{stem}", the version in the file name')
    elif version != stem:
        problems.append(f"{label}, field 'version': \"{version}\" differs from the file name; expected \"{stem}\"")
    wrong_date = date_problem(snapshot.get("published"))
    if wrong_date:
        problems.append(f"{label}, field 'published': {wrong_date}; expected the day the release was published, "
                        'such as "2026-11-25"')
    for name, kind, example in (("data_version", str, 'the data version it was built from, such as "1.0.0"'),
                                ("data_digest", str, "the hash `make release` wrote"),
                                ("summary", str, "a sentence (or leave the field out)"),
                                ("changes", dict, '{"statistic_name": {"kind": "revision", "reason": "...", '
                                                  '"old": "537", "new": "612"}}')):
        if (name in snapshot or name == "data_version") and not isinstance(snapshot.get(name), kind):
            problems.append(f"{label}, field '{name}': {json.dumps(snapshot.get(name), ensure_ascii=False)[:60]} is not "
                            f"{'text' if kind is str else 'a JSON object'}; expected {example}")
    for name, change in (snapshot.get("changes") or {}).items() if isinstance(snapshot.get("changes"), dict) else ():
        if not (isinstance(change, dict) and change.get("kind") in RELEASE_KINDS and isinstance(change.get("reason"), str)):
            problems.append(f"{label}, change '{name}': {json.dumps(change, ensure_ascii=False)[:80]} does not say what "
                            f'kind of change it is and why; expected {{"kind": "revision" or "correction", "reason": "..."}}')
    statistics = snapshot.get("statistics")
    if not isinstance(statistics, dict):
        return problems + [f"{label}, field 'statistics': missing or not an object; "
                           'expected {"statistic_name": {"display": ..., "label": ..., "sources": [...]}, ...}']
    for name, entry in statistics.items():
        shape_ok = (isinstance(entry, dict) and isinstance(entry.get("display"), str)
                    and isinstance(entry.get("label"), str) and isinstance(entry.get("sources"), list)
                    and all(isinstance(source, str) for source in entry["sources"]))
        if not shape_ok:
            problems.append(f"{label}, statistic '{name}': {json.dumps(entry, ensure_ascii=False)[:80]} is not a "
                            'statistic; expected {"display": "537", "label": "...", "sources": ["S-001"]}')
    return problems


def _read_snapshots(releases_dir: Path) -> tuple[list[dict], list[str]]:
    snapshots, problems = [], []
    for path in sorted(releases_dir.glob("*.json")) if releases_dir.is_dir() else []:
        label = f"data/{releases_dir.name}/{path.name}"
        try:
            snapshot = _json(path, label, SNAPSHOT)
        except DataError as error:
            problems += error.problems
            continue
        found = _snapshot_problems(snapshot, label, path.stem)
        problems += found
        if not found:
            snapshots.append(snapshot)
    return snapshots, problems


def _notes_problems(notes: object, label: str) -> list[str]:
    if notes is None:
        return []
    if not isinstance(notes, dict):
        return [f"{label}: the file holds a {type(notes).__name__}, not a list of releases; expected {NOTES}"]
    problems = []
    for version, entry in notes.items():
        where = f"{label}, release \"{version}\""
        if not VERSION_PATTERN.match(str(version)):
            problems.append(f"{where}: this is not a version number; expected a version in quotes, such as \"1.1.0\":")
        if entry is None:
            continue
        if not isinstance(entry, dict):
            problems.append(f"{where}: {json.dumps(entry, ensure_ascii=False, default=str)[:60]} is not a set of notes; "
                            "expected summary, kind, reason and statistics under it, indented")
            continue
        named = entry.get("statistics") or {}
        if not isinstance(named, dict):
            problems.append(f"{where}, field 'statistics': this is not a list of statistics; "
                            "expected statistic_name: {kind: revision, reason: ...}, one a line")
            named = {}
        for place, note in [(where, entry)] + [(f"{where}, statistic '{name}'", note) for name, note in named.items()]:
            if note is None or place != where and not isinstance(note, dict):
                if note is not None:
                    problems.append(f"{place}: this is not a kind and a reason; expected {{kind: revision, reason: ...}}")
                continue
            if "kind" in note and note["kind"] not in RELEASE_KINDS:
                problems.append(f"{place}, field 'kind': {json.dumps(note['kind'], default=str)} is not a kind of change; "
                                f"expected {' or '.join(RELEASE_KINDS)}")
            for name in ("reason", "summary") if place == where else ("reason",):
                if name in note and not isinstance(note[name], str):
                    problems.append(f"{place}, field '{name}': {json.dumps(note[name], default=str)[:60]} is not text; "
                                    "expected a sentence (put it in quotes if it starts with [, { or a number)")
    return problems


def _read_notes(path: Path) -> tuple[dict, list[str]]:
    label = f"data/{path.parent.name}/{path.name}"
    if not path.is_file():
        return {}, []
    try:
        notes = yaml.safe_load(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        return {}, [f"{label}: byte 0x{error.object[error.start]:02X} at byte {error.start} is not UTF-8; "
                    "expected the file saved as UTF-8"]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = getattr(error, "problem", None) or str(error).splitlines()[0]
        return {}, [f"{label}{where}: this is not valid YAML ({what}); expected {NOTES}; "
                    + RESTORE.format(path=label)]
    problems = _notes_problems(notes, label)
    return ({} if problems else {str(version): entry or {} for version, entry in (notes or {}).items()}), problems


def snapshot_problems(releases_dir: Path) -> list[str]:
    """Every problem with the release snapshots and notes in data/releases/ (an interrupted release may
    leave a snapshot half-written)."""
    return _read_snapshots(releases_dir)[1] + _read_notes(releases_dir / "notes.yml")[1]


def read_snapshots(releases_dir: Path) -> list[dict]:
    """The release snapshots, checked, oldest first; or DataError."""
    snapshots, problems = _read_snapshots(releases_dir)
    if problems:
        raise DataError(problems)
    return sorted(snapshots, key=lambda snapshot: tuple(int(part) for part in snapshot["version"].split(".")))


def read_notes(path: Path) -> dict:
    """The release notes in notes.yml by version, checked; or DataError."""
    notes, problems = _read_notes(path)
    if problems:
        raise DataError(problems)
    return notes
