"""What changed between releases, statistic by statistic.

Each release commits a snapshot of its computed statistics (data/releases/<version>.json), keyed by the
statistic's name, which is its stable identity. A release also records, for each statistic whose value
changed, whether that was a revision (new data) or a correction (an error put right) and why, taken
from the release notes the maintainer writes in data/releases/notes.yml. From the snapshots come the
"What changed" page, the corrections log and the site-wide index of changes (changes.json) that pages
of older versions read to mark their numbers that have since changed.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from scripts.descriptor import RELEASE_KINDS, read_notes, read_snapshots
from scripts.stats import Statistic, source_ids

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
RELEASES_DIR = DATA_DIR / "releases"
NOTES_FILE = RELEASES_DIR / "notes.yml"
KINDS = RELEASE_KINDS


class ReleaseNotesError(ValueError):
    """The release notes do not explain a change, or explain one that did not happen."""


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def data_digest(data_dir: Path = DATA_DIR) -> str:
    """A hash of the data itself: every resource of the Data Package, and the package's description of
    them apart from its version number (so a release can tell whether the data changed)."""
    package = json.loads((data_dir / "datapackage.json").read_bytes().decode("utf-8-sig"))
    digest = hashlib.sha256(json.dumps({k: v for k, v in package.items() if k != "version"}, sort_keys=True).encode())
    for resource in sorted(r["path"] for r in package["resources"]):
        digest.update(b"\0" + resource.encode() + b"\0" + (data_dir / resource).read_bytes())
    return digest.hexdigest()


def snapshot(stats: dict[str, Statistic], figures, version: str, data_version: str, published: str,
             digest: str = "", changes: dict | None = None, summary: str = "") -> dict:
    source_of = dict(zip(figures["id"], figures["source_id"]))
    snap = {
        "version": version, "data_version": data_version, "published": published,
        "statistics": {s.name: {"display": s.display, "label": s.label, "sources": source_ids(s, source_of)}
                       for s in stats.values()},
    }
    if digest:
        snap.update(data_digest=digest, changes=changes or {}, summary=summary)
    return snap


def load_snapshots(folder: Path = RELEASES_DIR) -> list[dict]:
    """The release snapshots, checked (scripts/descriptor.py), oldest first; DataError if one is damaged."""
    return read_snapshots(folder)


def write_snapshot(snap: dict, folder: Path = RELEASES_DIR) -> Path:
    """Write a release's snapshot, whole or not at all, and never over an existing one."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{snap['version']}.json"
    with tempfile.NamedTemporaryFile("w", dir=folder, suffix=".partial", delete=False, encoding="utf-8") as partial:
        partial.write(json.dumps(snap, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    try:
        os.link(partial.name, path)   # fails if the file exists: a published snapshot is never rewritten
    finally:
        os.unlink(partial.name)
    return path


def load_notes(path: Path = NOTES_FILE) -> dict:
    """The release notes by version, checked (scripts/descriptor.py); DataError if they cannot be read."""
    return read_notes(path)


def diff(old: dict, new: dict) -> dict[str, list[dict]]:
    """Statistics whose shown value changed (old -> new), and those added or removed."""
    before, after = old["statistics"], new["statistics"]
    reasons = new.get("changes", {})
    changed = [{"name": n, "label": after[n]["label"], "old": before[n]["display"], "new": after[n]["display"],
                "sources": after[n]["sources"], "kind": reasons.get(n, {}).get("kind", ""),
                "reason": reasons.get(n, {}).get("reason", "")}
               for n in sorted(before.keys() & after.keys()) if before[n]["display"] != after[n]["display"]]
    added = [{"name": n, **after[n]} for n in sorted(after.keys() - before.keys())]
    removed = [{"name": n, **before[n]} for n in sorted(before.keys() - after.keys())]
    return {"changed": changed, "added": added, "removed": removed}


def explain_changes(previous: dict | None, new: dict, notes: dict) -> dict[str, dict]:
    """For each statistic whose value changed since the previous release: old and new value, kind and reason.

    `notes` is this release's entry in notes.yml: a default `kind` and `reason` for every changed
    statistic, and `statistics: {name: {kind, reason}}` for any that differ. Every change must be
    explained, and the notes may not name a statistic that did not change.
    """
    if previous is None:
        return {}
    changed = {c["name"]: c for c in diff(previous, new)["changed"]}
    named = notes.get("statistics") or {}
    problems = [f"notes.yml names {name!r}, whose value did not change" for name in sorted(set(named) - set(changed))]
    explained = {}
    for name, change in changed.items():
        note = {"kind": notes.get("kind"), "reason": notes.get("reason"), **(named.get(name) or {})}
        if note["kind"] not in KINDS or not str(note.get("reason") or "").strip():
            problems.append(f"{name} changed ({change['old']} → {change['new']}) but notes.yml does not say whether it "
                            f"is a revision or a correction, and why")
            continue
        explained[name] = {"old": change["old"], "new": change["new"], "kind": note["kind"],
                           "reason": str(note["reason"]).strip()}
    if problems:
        raise ReleaseNotesError("\n".join(problems))
    return explained


def changes_index(snapshots: list[dict]) -> dict:
    """Every change to every statistic across releases, oldest first: what pages of older versions read."""
    entries = []
    for previous, snap in zip(snapshots, snapshots[1:]):
        for change in diff(previous, snap)["changed"]:
            entries.append({"statistic": change["name"], "label": change["label"], "release": snap["version"],
                            "published": snap["published"], "old": change["old"], "new": change["new"],
                            "kind": change["kind"] or "revision", "reason": change["reason"]})
    return {"latest": snapshots[-1]["version"] if snapshots else None, "changes": entries}


def history(snapshots: list[dict], current: dict) -> list[tuple[dict, dict | None, dict]]:
    """(release, previous release or None, its differences), newest first; the working data comes
    first as 'unreleased' when it differs from the latest release."""
    entries = []
    for index, snap in enumerate(snapshots):
        previous = snapshots[index - 1] if index else None
        entries.append((snap, previous, diff(previous, snap) if previous else {"changed": [], "added": [], "removed": []}))
    if snapshots:
        pending = diff(snapshots[-1], current)
        if any(pending.values()):
            entries.append(({**current, "version": "unreleased"}, snapshots[-1], pending))
    return list(reversed(entries))
