"""What changed between releases: each release commits a snapshot of its computed statistics
(data/releases/<version>.json); the "What changed" page compares consecutive snapshots, and the
working data with the latest one."""
from __future__ import annotations

import json
from pathlib import Path

from scripts.stats import Statistic, source_ids

RELEASES_DIR = Path(__file__).resolve().parent.parent / "data" / "releases"


def snapshot(stats: dict[str, Statistic], figures, version: str, data_version: str, published: str) -> dict:
    return {
        "version": version, "data_version": data_version, "published": published,
        "statistics": {s.name: {"display": s.display, "label": s.label, "sources": source_ids(s, figures)}
                       for s in stats.values()},
    }


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def load_snapshots(folder: Path = RELEASES_DIR) -> list[dict]:
    snapshots = [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")]
    return sorted(snapshots, key=lambda s: version_key(s["version"]))


def write_snapshot(snap: dict, folder: Path = RELEASES_DIR) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{snap['version']}.json"
    path.write_text(json.dumps(snap, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return path


def diff(old: dict, new: dict) -> dict[str, list[dict]]:
    """Statistics whose shown value changed (old -> new), and those added or removed."""
    before, after = old["statistics"], new["statistics"]
    changed = [{"name": n, "label": after[n]["label"], "old": before[n]["display"], "new": after[n]["display"],
                "sources": after[n]["sources"]}
               for n in sorted(before.keys() & after.keys()) if before[n]["display"] != after[n]["display"]]
    added = [{"name": n, **after[n]} for n in sorted(after.keys() - before.keys())]
    removed = [{"name": n, **before[n]} for n in sorted(before.keys() - after.keys())]
    return {"changed": changed, "added": added, "removed": removed}


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
