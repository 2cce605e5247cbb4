"""Caches that cannot lie: every entry is checked against a content hash before it is used.

Four caches make rebuilds fast, all under .cache/:

- pipeline/<key>.pickle  the pipeline's results for one state of data/, scripts/ and the settings
- charts/<key>.svg       each chart drawn by vl-convert, keyed on its spec
- mkdocs-jupyter/<key>/  the executed notebook, written by mkdocs-jupyter itself
- jinja/<environment>/<key>  templates compiled by Jinja, one folder per environment (the theme's and our
                         fragments', which compile differently) and Jinja version, keyed on each template's source

Our own entries carry their hash in a first line ("sealed"); the notebook's, which mkdocs-jupyter reads
directly, have it in a file beside them (<entry>.sha256). An entry is written to a temporary file and
renamed into place, so a reader sees the whole entry or none. An entry that is missing, unreadable or
damaged, and a cache folder that cannot be written, are a warning and a recompute: never a failed build,
never a damaged entry served. The least recently used entries beyond a few states are evicted.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
import sys
import tempfile
from pathlib import Path

import jinja2
import jinja2.bccache

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / ".cache"
SEAL = b"safe-to-report cache sha256="


# Not a mkdocs warning, which would fail a strict build for a cache problem; shown only where a handler
# is set up (the build, by scripts/hooks.py), never inside the notebook's output.
log = logging.getLogger("safe_to_report.cache")
log.addHandler(logging.NullHandler())


def show_warnings() -> None:
    """Print cache warnings to stderr as "Cache: ..." (once per process)."""
    if not any(isinstance(handler, logging.StreamHandler) for handler in log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("Cache: %(message)s"))
        log.addHandler(handler)
        log.propagate = False


def warn(message: str) -> None:
    log.warning(message)


def shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def content_digest(*folders: Path, relative_to: Path = ROOT) -> str:
    """A hash of every file under the folders, or of the files given (names and bytes)."""
    digest = hashlib.sha256()
    for folder in folders:
        paths = [folder] if folder.is_file() else sorted(folder.rglob("*"))
        for path in (p for p in paths if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(relative_to)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# ------------------------------------------------------------------ writing

def write_atomically(path: Path, content: bytes) -> bool:
    """Readers see the old file or the whole new one, never half of one (two builds may run at once).
    A cache that cannot be written is a warning: the build goes on without it."""
    partial = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".partial",
                                         delete=False) as partial:
            partial.write(content)
        os.replace(partial.name, path)
        return True
    except OSError as error:
        if partial is not None:
            Path(partial.name).unlink(missing_ok=True)
        warn(f"cannot write {shown(path)} ({error.strerror or error}); the build goes on without caching it")
        return False


def discard(path: Path, why: str) -> None:
    warn(f"{shown(path)} {why}; it is ignored and computed again")
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


# ------------------------------------------------------------------ our own entries

def write_sealed(path: Path, content: bytes) -> bool:
    return write_atomically(path, SEAL + sha256(content).encode() + b"\n" + content)


def read_sealed(path: Path) -> bytes | None:
    """The entry's content if it is whole and unchanged; None (after a warning, if it was damaged) otherwise."""
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        warn(f"cannot read {shown(path)} ({error.strerror or error}); computing it again")
        return None
    head, _, content = blob.partition(b"\n")
    if not head.startswith(SEAL) or head[len(SEAL):].decode("ascii", "replace") != sha256(content):
        discard(path, "is damaged (its content does not match the hash stored with it)")
        return None
    try:
        os.utime(path)   # recently used: kept by evict()
    except OSError:
        pass
    return content


def read_pickle(path: Path):
    """A sealed pickle, or None."""
    content = read_sealed(path)
    if content is None:
        return None
    try:
        return pickle.loads(content)
    except Exception as error:   # noqa: BLE001: any failure to unpickle means recompute
        discard(path, f"cannot be loaded ({type(error).__name__}: {error})")
        return None


def write_pickle(path: Path, value) -> bool:
    return write_sealed(path, pickle.dumps(value))


class SealedBytecodeCache(jinja2.BytecodeCache):
    """Jinja's compiled templates (the theme's and our fragments), as sealed entries: Jinja checks each
    entry against its template's source, the seal checks the entry itself. Compiling Material's
    templates is a large share of an unchanged rebuild."""

    def __init__(self, environment: str):
        # Environments compile the same template differently (autoescaping, whitespace): one folder each.
        self.folder = CACHE_DIR / "jinja" / f"{environment}-jinja{jinja2.__version__}"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        content = read_sealed(self.folder / bucket.key)
        if content is not None:
            bucket.bytecode_from_string(content)   # a stale entry leaves the bucket empty: compiled again

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        write_sealed(self.folder / bucket.key, bucket.bytecode_to_string())


def evict(folder: Path, pattern: str, keep: int) -> None:
    """Remove all but the `keep` most recently used entries (files or folders) matching pattern."""
    try:
        entries = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for stale in entries[keep:]:
        try:
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
            sidecar(stale).unlink(missing_ok=True)
        except OSError:
            pass


def evict_old_states(keep: int = 3) -> None:
    """After a build: keep the entries of the last few states of data/ and scripts/, no more."""
    evict(CACHE_DIR / "pipeline", "*.pickle", keep)
    evict(CACHE_DIR / "charts", "*.svg", keep * 10)   # two drawings of four charts per state
    evict(CACHE_DIR / "charts", "*.png", keep * 5)    # a PNG of each chart per state
    evict(CACHE_DIR / "mkdocs-jupyter", "*", keep)
    evict(CACHE_DIR / "jinja", "*/*", 400)             # one per template (about 70) and version of it


# ------------------------------------------------------------------ the notebook's cache (mkdocs-jupyter)

def sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def usable_folder(folder: Path) -> bool:
    """Whether entries can be written in folder; a warning if not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
        return True
    except OSError as error:
        warn(f"cannot write in {shown(folder)} ({error.strerror or error}); the notebook is run without its cache")
        return False


def _notebook_entry_is_whole(path: Path) -> bool:
    try:
        entry = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(entry, dict) and isinstance(entry.get("content"), str)


def verify_notebook_entries(folder: Path) -> None:
    """Before mkdocs-jupyter reads its cache: remove every entry whose hash beside it is missing or wrong
    (a half-written or edited entry), and every hash whose entry is gone."""
    for entry in sorted(folder.glob("*.json")):
        try:
            recorded = sidecar(entry).read_text(encoding="ascii").strip()
            matches = recorded == sha256(entry.read_bytes())
        except (OSError, UnicodeDecodeError):
            recorded, matches = None, False
        if not matches:
            discard(entry, "has no hash beside it (an interrupted write)" if recorded is None
                    else "is damaged (its content does not match the hash beside it)")
            sidecar(entry).unlink(missing_ok=True)
    for orphan in folder.glob("*.json.sha256"):
        if not orphan.with_suffix("").exists():
            orphan.unlink(missing_ok=True)


def seal_notebook_entries(folder: Path) -> None:
    """After mkdocs-jupyter wrote an entry: record its hash if it is whole, remove it if not."""
    for entry in sorted(folder.glob("*.json")):
        if sidecar(entry).exists():
            continue
        if _notebook_entry_is_whole(entry):
            write_atomically(sidecar(entry), sha256(entry.read_bytes()).encode())
        else:
            discard(entry, "was not written whole")
