"""Read data/datapackage.json and the release snapshots in data/releases/, checking their shape first.

Light on purpose (no pandas, no Frictionless): the hooks read the descriptor on every build, including
builds that are served entirely from the cache. Anything a maintainer can put in these files ends in a
DataError with plain messages, never in a traceback:

    data/datapackage.json: <what is wrong>; expected <what would be right>
"""
from __future__ import annotations

import json
import re
from pathlib import Path

DESCRIPTOR = "datapackage.json"
VERSION_PATTERN = re.compile(r"^\d+\.\d+\.\d+$")
FIELD_TYPES = ("string", "number", "integer")
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
        for field in fields:
            if not (isinstance(field, dict) and isinstance(field.get("name"), str) and field["name"]):
                problems.append(f"{label}: a field has no name; expected each field as "
                                '{"name": ..., "type": "string"}')
            elif field.get("type", "string") not in FIELD_TYPES:
                problems.append(f"{label}, field '{field['name']}': type {json.dumps(field.get('type'))} is not "
                                f"used here; expected one of {', '.join(FIELD_TYPES)}")
    return problems


def read_descriptor(data_dir: Path) -> dict:
    """data/datapackage.json, checked enough that every later step can rely on its shape; or DataError."""
    descriptor = _json(data_dir / DESCRIPTOR, f"data/{DESCRIPTOR}", "a Data Package descriptor (JSON)")
    problems = _descriptor_problems(descriptor)
    if problems:
        raise DataError(problems)
    return descriptor


# ------------------------------------------------------------ release snapshots

SNAPSHOT = "a release snapshot (JSON) as `make release` writes it"


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


def snapshot_problems(releases_dir: Path) -> list[str]:
    """Every problem with the release snapshots in data/releases/ (an interrupted release may leave one half-written)."""
    problems = []
    for path in sorted(releases_dir.glob("*.json")) if releases_dir.is_dir() else []:
        label = f"data/{releases_dir.name}/{path.name}"
        try:
            snapshot = _json(path, label, SNAPSHOT)
        except DataError as error:
            problems += error.problems
            continue
        problems += _snapshot_problems(snapshot, label, path.stem)
    return problems
