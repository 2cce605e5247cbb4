"""Build the site into site/ atomically: build into a fresh folder, swap it in only on success.

A failed build (bad data, a broken page) exits non-zero and leaves the last good site/ untouched.
- One build at a time: a second build waits for the lock (.site.lock) held by the first.
- There is no moment without a site/: the new folder and the old one trade places in a single
  atomic step (Linux renameat2 with RENAME_EXCHANGE), then the old one is removed.
- A staging folder left by an interrupted build is removed at the next start; an interrupted
  build (Ctrl-C, kill) removes its own.
- If site is a symbolic link (say, to a web server's folder), the build goes to where it points,
  swapped in the same way beside it; a link that points nowhere is refused with a message.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ".site.lock"
STAGING_PREFIXES = (".site-build-", ".site-old-")
AT_FDCWD, RENAME_EXCHANGE = -100, 2


class Refused(Exception):
    """The build cannot start; the message says why and what to do."""


def exchange(first: Path, second: Path) -> None:
    """Swap two folders in one atomic step, so each name always exists; a two-rename fallback where the
    file system cannot (site/ is then missing for the instant between the renames)."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), str(second))
    parked = first.with_name(first.name + "-parked")
    os.rename(second, parked)
    os.rename(first, second)
    os.rename(parked, first)


def target_of(destination: Path) -> Path:
    """Where the site goes: destination itself, or where the link called destination points."""
    if not destination.is_symlink():
        if destination.exists() and not destination.is_dir():
            raise Refused(f"{destination.name} is a file, not a folder; expected {destination.name} to be the site's "
                          f"folder (move the file away, or remove it: rm {destination.name})")
        return destination
    target = destination.resolve()
    if not target.is_dir():
        raise Refused(f"{destination.name} is a link to {target}, which is not a folder; expected the link to point "
                      f"to an existing folder (or remove the link: rm {destination.name})")
    if target == ROOT or ROOT.is_relative_to(target):
        raise Refused(f"{destination.name} is a link to {target}, which holds the project itself; expected a folder of its own")
    print(f"{destination.name} is a link to {target}: building into that folder", file=sys.stderr)
    return target


def clean_staging(folder: Path) -> None:
    """Staging folders left by an interrupted build (only called while holding the lock)."""
    for stale in folder.iterdir():
        if stale.name.startswith(STAGING_PREFIXES) and stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)


def _stop_on_signal(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def run_mkdocs(staging: Path) -> int:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(staging)],
                               cwd=ROOT, env=env)
    try:
        return process.wait()
    finally:
        if process.poll() is None:   # interrupted: stop mkdocs before removing its folder
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def build(destination: Path = ROOT / "site") -> int:
    signal.signal(signal.SIGTERM, _stop_on_signal)
    with open(ROOT / LOCK, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("Another build is running; waiting for it to finish...", file=sys.stderr)
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            target = target_of(destination)
        except Refused as error:
            print(f"Not built: {error}", file=sys.stderr)
            return 2
        clean_staging(ROOT)
        clean_staging(target.parent)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIXES[0], dir=target.parent))
        try:
            staging.chmod(0o755)   # mkdtemp makes it private; a web server running as another user must read it
            if run_mkdocs(staging) != 0:
                print(f"Build failed; {destination.name}/ was left as it was.", file=sys.stderr)
                return 1
            if target.is_dir():
                exchange(staging, target)    # staging now holds the previous site
            else:
                os.rename(staging, target)
        except KeyboardInterrupt:
            print(f"Build interrupted; {destination.name}/ was left as it was.", file=sys.stderr)
            return 130
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    print(f"Built {destination.name}/" + (f" (in {target})" if target != destination else ""))
    return 0


if __name__ == "__main__":
    sys.exit(build())
